//! The sample claims a lint run reads: [`LintOptions::claims`] held in
//! memory, or any [`ClaimSource`] that reads them again for each pass (the
//! CLI's over files), so that memory does not grow with their number.
//!
//! What holds: the rules visit the samples in order, one at a time, and
//! keep per sample at most what a message names (see [`SampleList`]).
//!
//! [`LintOptions::claims`]: crate::LintOptions::claims

use std::ops::ControlFlow;

use serde_json::Value as Json;

/// Samples of ID-token claims (JSON objects), visited in order as many
/// times as the rules need.
pub trait ClaimSource {
    /// Whether there is no sample.
    fn is_empty(&self) -> bool;

    /// Calls `f` with each sample in order (its 0-based index and its
    /// claims) until `f` breaks.
    fn visit(&self, f: &mut dyn FnMut(usize, &Json) -> ControlFlow<()>);
}

impl ClaimSource for &[Json] {
    fn is_empty(&self) -> bool {
        <[Json]>::is_empty(self)
    }

    fn visit(&self, f: &mut dyn FnMut(usize, &Json) -> ControlFlow<()>) {
        for (i, c) in self.iter().enumerate() {
            if f(i, c).is_break() {
                return;
            }
        }
    }
}

/// The samples a message names: the first [`SampleList::SHOWN`] and how
/// many in all (bounded whatever the number of samples).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SampleList {
    first: Vec<usize>,
    total: usize,
}

impl SampleList {
    /// The most samples named one by one.
    pub const SHOWN: usize = 10;

    /// Adds the sample of 0-based index `i`.
    pub fn push(&mut self, i: usize) {
        if self.first.len() < Self::SHOWN {
            self.first.push(i);
        }
        self.total += 1;
    }

    /// "sample #2", "samples #1, #3", "samples #1, ..., #10 and 5 more".
    pub fn text(&self) -> String {
        let parts: Vec<String> = self.first.iter().map(|i| format!("#{}", i + 1)).collect();
        let more = self.total - self.first.len();
        format!(
            "sample{} {}{}",
            if self.total == 1 { "" } else { "s" },
            parts.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_names_ten_samples_and_counts_the_rest() {
        let mut l = SampleList::default();
        l.push(1);
        assert_eq!(l.text(), "sample #2");
        l.push(4);
        assert_eq!(l.text(), "samples #2, #5");
        for i in 10..1_000_000 {
            l.push(i);
        }
        assert_eq!(
            l.text(),
            "samples #2, #5, #11, #12, #13, #14, #15, #16, #17, #18 and 999982 more"
        );
        assert_eq!(l.first.len(), SampleList::SHOWN);
    }
}
