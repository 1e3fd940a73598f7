//! What saving a plan does to the sample users' logins: who gains or
//! loses which org and role, whose login starts or stops failing.

use std::collections::BTreeSet;

use rolemap_simulate::Outcome;
use serde::Serialize;

/// One sample whose login changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoginChange {
    /// The sample.
    pub sample: String,
    /// HTTP status and message now.
    pub before: (u16, String),
    /// HTTP status and message once saved.
    pub after: (u16, String),
    /// `org: Role` memberships gained.
    pub gained: Vec<String>,
    /// `org: Role` memberships lost.
    pub lost: Vec<String>,
}

impl LoginChange {
    /// `starts failing`, `stops failing`, or empty.
    pub fn verdict(&self) -> &'static str {
        match (ok(self.before.0), ok(self.after.0)) {
            (true, false) => "starts failing",
            (false, true) => "stops failing",
            _ => "",
        }
    }
}

fn ok(status: u16) -> bool {
    (200..300).contains(&status)
}

fn grants(o: &Outcome) -> BTreeSet<String> {
    o.orgs
        .iter()
        .flat_map(|m| m.roles.iter().map(move |r| format!("{}: {r}", m.org)))
        .collect()
}

/// The samples whose outcome differs between `before` and `after` (the
/// same samples, in the same order).
pub fn compare(before: &[Outcome], after: &[Outcome]) -> Vec<LoginChange> {
    before
        .iter()
        .zip(after)
        .filter_map(|(b, a)| {
            let (gb, ga) = (grants(b), grants(a));
            let changed = b.status != a.status || b.message != a.message || gb != ga;
            changed.then(|| LoginChange {
                sample: b.sample.clone(),
                before: (b.status, b.message.to_string()),
                after: (a.status, a.message.to_string()),
                gained: ga.difference(&gb).cloned().collect(),
                lost: gb.difference(&ga).cloned().collect(),
            })
        })
        .collect()
}
