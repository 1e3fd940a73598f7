//! Pangolin release versions (`1.17.0`, `v1.16`, `1.17.0-rc.1`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A Pangolin release, compared by `major.minor.patch` (a pre-release tag is
/// kept for display but ignored in comparisons: `1.17.0-rc.1` behaves like
/// `1.17.0`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct PangolinVersion {
    /// Major version.
    pub major: u64,
    /// Minor version.
    pub minor: u64,
    /// Patch version.
    pub patch: u64,
    /// Text after `-` or `+`, if any.
    pub pre: String,
}

impl PangolinVersion {
    /// The newest release this simulator models (1.24.0); used when the
    /// config names none.
    pub const LATEST: PangolinVersion = PangolinVersion {
        major: 1,
        minor: 24,
        patch: 0,
        pre: String::new(),
    };

    /// Whether this release normalises role-mapping results (1.17 and later).
    pub fn normalises_roles(&self) -> bool {
        (self.major, self.minor) >= (1, 17)
    }
}

impl Default for PangolinVersion {
    fn default() -> Self {
        PangolinVersion::LATEST
    }
}

impl PartialOrd for PangolinVersion {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PangolinVersion {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch))
    }
}

/// Why a version string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Pangolin version `{0}`: write it as MAJOR.MINOR.PATCH, e.g. \"1.17.0\"")]
pub struct VersionError(pub String);

impl FromStr for PangolinVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || VersionError(s.to_string());
        let t = s.trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        let (core, pre) = match t.find(['-', '+']) {
            Some(i) => (&t[..i], t[i + 1..].to_string()),
            None => (t, String::new()),
        };
        let mut parts = core.split('.');
        let mut next = |required: bool| -> Result<u64, VersionError> {
            match parts.next() {
                Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse().map_err(|_| bad())
                }
                None if !required => Ok(0),
                _ => Err(bad()),
            }
        };
        let major = next(true)?;
        let minor = next(true)?;
        let patch = next(false)?;
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(PangolinVersion {
            major,
            minor,
            patch,
            pre,
        })
    }
}

impl TryFrom<String> for PangolinVersion {
    type Error = VersionError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<PangolinVersion> for String {
    fn from(v: PangolinVersion) -> String {
        v.to_string()
    }
}

impl fmt::Display for PangolinVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_compares() {
        let v: PangolinVersion = "1.17.0".parse().unwrap_or_default();
        assert!(v.normalises_roles());
        let old: PangolinVersion = "v1.16".parse().unwrap_or_default();
        assert_eq!((old.major, old.minor, old.patch), (1, 16, 0));
        assert!(!old.normalises_roles());
        let rc: PangolinVersion = "1.17.0-rc.1".parse().unwrap_or_default();
        assert!(rc.normalises_roles());
        assert!("1".parse::<PangolinVersion>().is_err());
        assert!("1.x".parse::<PangolinVersion>().is_err());
        assert!("1.2.3.4".parse::<PangolinVersion>().is_err());
    }
}
