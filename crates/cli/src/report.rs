//! The text report of `simulate` over many samples: counts per outcome,
//! per org and role, per failure and per hint, each with a few example
//! samples and "and N more", the failed logins first. Memory is bounded:
//! at most [`MAX_GROUPS`] groups of a kind (the rest counted together) and
//! [`EXAMPLES`] example samples a group.

use std::collections::HashMap;

use rolemap_simulate::same_user::SAME_USER_TOGETHER;
use rolemap_simulate::{HintCode, Outcome};

use crate::outcome_text::{failure_detail, status_word};
use crate::style::{paint, Paint};
use crate::terminal::Shown;

/// Up to this many samples, the report is the table of every login.
pub const SCREENFUL: usize = 40;

/// The most groups of one kind kept apart.
const MAX_GROUPS: usize = 100;

/// Example samples kept per group.
const EXAMPLES: usize = 3;

/// Samples counted under one key, with the first few of them.
#[derive(Debug)]
struct Group {
    key: String,
    count: usize,
    examples: Vec<String>,
}

/// Groups in the order their keys were first seen, at most [`MAX_GROUPS`].
#[derive(Debug, Default)]
struct Groups {
    index: HashMap<String, usize>,
    groups: Vec<Group>,
    /// Samples whose key came after the groups were full.
    other: usize,
}

impl Groups {
    fn add(&mut self, key: String, sample: &str) {
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None if self.groups.len() < MAX_GROUPS => {
                self.index.insert(key.clone(), self.groups.len());
                self.groups.push(Group {
                    key,
                    count: 0,
                    examples: Vec::new(),
                });
                self.groups.len() - 1
            }
            None => {
                self.other += 1;
                return;
            }
        };
        if let Some(g) = self.groups.get_mut(i) {
            g.count += 1;
            if g.examples.len() < EXAMPLES {
                g.examples.push(sample.to_string());
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.other == 0
    }

    /// `{prefix}a, b, c and N more`, on one line.
    fn examples(g: &Group, prefix: &str) -> Shown {
        let shown = g.examples.join(", ");
        Shown::line(&match g.count.saturating_sub(g.examples.len()) {
            0 => format!("{prefix}{shown}"),
            more => format!("{prefix}{shown} and {more} more"),
        })
    }

    /// The line for the samples beyond the kept groups, if any.
    fn other_line(&self, what: &str) -> Shown {
        match self.other {
            0 => Shown::new(),
            n => Shown::from(format!("  {n:>8}  with other {what} (not listed)\n")),
        }
    }
}

/// What a run of many logins gave, counted as they go by.
#[derive(Debug, Default)]
pub struct Summary {
    /// Logins simulated.
    pub total: usize,
    /// Logins that failed.
    pub failed: usize,
    /// Logins with at least one hint.
    pub hinted: usize,
    outcomes: Groups,
    failures: Groups,
    roles: Groups,
    hints: Groups,
}

impl Summary {
    /// Counts one login.
    pub fn add(&mut self, o: &Outcome) {
        self.total += 1;
        let status = status_word(o);
        self.outcomes
            .add(format!("{status:<16}  {}", o.message), &o.sample);
        if !o.succeeded() {
            self.failed += 1;
            self.failures.add(failure_detail(o), &o.sample);
        }
        if o.orgs.is_empty() {
            self.roles.add("(no org)".to_string(), &o.sample);
        }
        for m in o.orgs.iter() {
            let manual = if m.auto { "" } else { " (manual)" };
            if m.roles.is_empty() {
                self.roles
                    .add(format!("{}: (no role){manual}", m.org), &o.sample);
            }
            for role in m.roles {
                self.roles
                    .add(format!("{}: {role}{manual}", m.org), &o.sample);
            }
        }
        if !o.hints.is_empty() {
            self.hinted += 1;
        }
        for h in &o.hints {
            // Each `same-user` hint names its samples: counted together.
            let message = match h.code {
                HintCode::SameUser => SAME_USER_TOGETHER,
                _ => &h.message,
            };
            self.hints
                .add(format!("{}\u{0}{message}\u{0}{}", h.code, h.fix), &o.sample);
        }
    }

    /// The report: failed logins, outcomes, orgs and roles, hints. Keys
    /// and sample names are escaped; example lists are shown on one line.
    pub fn render(&self, color: bool) -> Shown {
        let mut text = Shown::new();
        if !self.failures.is_empty() {
            text.push(shown![
                paint(
                    color,
                    Paint::Bold,
                    format!("Failed logins: {} of {}", self.failed, self.total)
                ),
                "\n"
            ]);
            for g in &self.failures.groups {
                text.push(shown![
                    format!(
                        "  {:>8}  {}",
                        g.count,
                        g.key.replace('\n', "\n            ").trim_end()
                    ),
                    "\n            ",
                    paint(color, Paint::Red, Groups::examples(g, "samples: ")),
                    "\n"
                ]);
            }
            text.push(self.failures.other_line("failures"));
            text.push("\n");
        }
        text.push(shown![paint(color, Paint::Bold, "Outcomes:"), "\n"]);
        for g in &self.outcomes.groups {
            text.push(Self::count_line(g));
        }
        text.push(self.outcomes.other_line("outcomes"));
        text.push("\n");
        text.push(shown![paint(color, Paint::Bold, "Orgs and roles:"), "\n"]);
        for g in &self.roles.groups {
            text.push(Self::count_line(g));
        }
        text.push(self.roles.other_line("orgs and roles"));
        if !self.hints.is_empty() {
            text.push(self.render_hints(color));
        }
        text
    }

    /// `  COUNT  KEY`, the key on one line.
    fn count_line(g: &Group) -> Shown {
        shown![format!("  {:>8}  ", g.count), Shown::line(&g.key), "\n"]
    }

    /// The hints, each once with its count and example samples.
    fn render_hints(&self, color: bool) -> Shown {
        let heading = format!("Hints ({} of {} logins):", self.hinted, self.total);
        let mut text = shown!["\n", paint(color, Paint::Bold, heading), "\n"];
        for g in &self.hints.groups {
            let mut parts = g.key.split('\u{0}');
            let (code, message, fix) = (
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
            );
            text.push(shown![
                "  ",
                paint(color, Paint::Yellow, format!("[{code}]")),
                " ",
                message,
                format!(" ({} logins)\n    ", g.count),
                paint(color, Paint::Cyan, "fix:"),
                " ",
                fix,
                "\n    ",
                paint(color, Paint::Dim, Groups::examples(g, "samples: ")),
                "\n",
            ]);
        }
        text.push(self.hints.other_line("hints"));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_bounded_and_examples_end_with_the_rest() {
        let mut g = Groups::default();
        for i in 0..(MAX_GROUPS + 5) {
            g.add(format!("k{i}"), "s");
        }
        for i in 0..10 {
            g.add("k0".to_string(), &format!("x{i}"));
        }
        assert_eq!(g.groups.len(), MAX_GROUPS);
        assert_eq!(g.other, 5);
        let first = g.groups.first().map(|g| Groups::examples(g, ""));
        assert_eq!(
            first.as_ref().map(Shown::as_str),
            Some("s, x0, x1 and 8 more")
        );
    }
}
