//! The `same-user` hint: Pangolin keeps one user per username (the
//! lower-cased identifier) and IdP, so two logins whose identifiers are
//! equal once lower-cased are one user, and the later login re-syncs it.
//!
//! [`SameUsers`] follows logins in order in memory that grows with the
//! number of distinct identifiers only: per identifier, a 64-bit hash of it
//! and what the caller keeps to name its first login. Its tables are made
//! at their full size and never rehashed (each new one twice the last, up
//! to [`SEGMENT_MAX`] entries), so memory grows smoothly, without the
//! doubling peaks of one growing table.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use crate::data::{Hint, HintCode};
use crate::outcome::Outcome;

/// The entries of the first table (1,024 buckets).
const SEGMENT_MIN: usize = 896;

/// The most entries of one table (2^19 buckets at hashbrown's 7/8 load).
pub const SEGMENT_MAX: usize = 458_752;

/// The `same-user` hint of the login as `sample`, whose lower-cased
/// identifier `id` the earlier login as `first` had.
pub fn same_user_hint(sample: &str, first: &str, id: &str) -> Hint {
    Hint {
        code: HintCode::SameUser,
        message: format!(
            "`{sample}` logs in as the same Pangolin user as `{first}` (`{id}`: identifiers are compared lower-cased)"
        ),
        fix: "expect one user: each login replaces its auto-provisioned orgs and roles and overwrites its e-mail and name; give the samples different identifiers to test two users".into(),
    }
}

/// What the `same-user` hints of many logins say together (each names
/// its own samples: a summary counts them under this).
pub const SAME_USER_TOGETHER: &str =
    "each of these samples logs in as the same Pangolin user as an earlier sample (identifiers are compared lower-cased)";

/// A key that is already a hash: used as is.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Table<R> = HashMap<u64, R, BuildHasherDefault<Prehashed>>;

/// The identifiers of the logins seen so far, each with `R`: what names
/// its first login.
#[derive(Debug, Default)]
pub struct SameUsers<R> {
    /// Hashes the identifiers (random keys: a crafted set of identifiers
    /// cannot be made to collide).
    hasher: RandomState,
    /// The tables, the last one being filled.
    tables: Vec<Table<R>>,
}

impl<R: Copy> SameUsers<R> {
    /// No login seen yet.
    pub fn new() -> SameUsers<R> {
        SameUsers {
            hasher: RandomState::new(),
            tables: Vec::new(),
        }
    }

    /// What names the first login with the lower-cased identifier `id`,
    /// when there was one; else `this` is remembered for `id`.
    pub fn first(&mut self, id: &str, this: R) -> Option<R> {
        let hash = self.hasher.hash_one(id);
        if let Some(&first) = self.tables.iter().find_map(|t| t.get(&hash)) {
            return Some(first);
        }
        let full = self.tables.last().is_none_or(|t| t.len() == t.capacity());
        if full {
            let size = match self.tables.last() {
                Some(t) => (t.capacity() * 2).min(SEGMENT_MAX),
                None => SEGMENT_MIN,
            };
            self.tables
                .push(Table::with_capacity_and_hasher(size, Default::default()));
        }
        if let Some(table) = self.tables.last_mut() {
            table.insert(hash, this);
        }
        None
    }
}

/// Adds the `same-user` hint to every outcome whose identifier an earlier
/// outcome has.
pub(crate) fn mark_same_users(outcomes: &mut [Outcome]) {
    // Exact, for outcomes in memory: the outcomes with an identifier,
    // sorted by identifier then input order; the first of each run is the
    // first login of that user.
    let mut order: Vec<usize> = (0..outcomes.len())
        .filter(|&i| outcomes[i].identifier.is_some())
        .collect();
    order.sort_by(|&a, &b| outcomes[a].identifier.cmp(&outcomes[b].identifier));
    let mut first = 0;
    for k in 0..order.len() {
        let i = order[k];
        if k == 0 || outcomes[order[k - 1]].identifier != outcomes[i].identifier {
            first = i;
            continue;
        }
        let id = outcomes[i].identifier.as_deref().unwrap_or_default();
        let hint = same_user_hint(&outcomes[i].sample, &outcomes[first].sample, id);
        outcomes[i].hints.push(hint);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_identifier_is_found_across_tables() {
        let mut seen = SameUsers::new();
        let n = SEGMENT_MIN * 8;
        for i in 0..n {
            assert_eq!(seen.first(&format!("user{i}"), i), None);
        }
        assert!(seen.tables.len() > 2);
        for i in (0..n).step_by(97) {
            assert_eq!(seen.first(&format!("user{i}"), n + i), Some(i));
        }
    }
}
