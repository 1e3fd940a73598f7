//! Pangolin releases (`1.22.0`, `v1.16`, `1.17.0-rc.1`) and what changed
//! between them, as far as the login flow is concerned: one place says in
//! which release each change came.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A Pangolin release, a semantic version. Behaviour is decided by
/// `major.minor.patch`: a pre-release (`1.17.0-rc.1`) behaves like its
/// release.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct PangolinVersion(semver::Version);

/// How the cloud build chooses the orgs a login considers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloudOrgs {
    /// Every org linked to the IdP.
    Linked,
    /// 1.15.3 to 1.18.2: exactly one linked org, whose plan must include
    /// auto provisioning (more than one: HTTP 500; a plan without it: 403).
    SingleOnPlan,
    /// 1.18.3 to 1.19.x: the linked orgs whose plan includes auto
    /// provisioning; the others are dropped silently.
    LinkedOnPlan,
}

impl PangolinVersion {
    /// The newest release whose login flow rolemap models.
    pub const NEWEST_KNOWN: (u64, u64, u64) = (1, 22, 0);

    /// The newest release rolemap models: the default.
    pub fn newest_known() -> PangolinVersion {
        let (major, minor, patch) = Self::NEWEST_KNOWN;
        PangolinVersion(semver::Version::new(major, minor, patch))
    }

    /// `major.minor.patch`, without the pre-release or build tag.
    fn core(&self) -> (u64, u64, u64) {
        (self.0.major, self.0.minor, self.0.patch)
    }

    fn at_least(&self, major: u64, minor: u64, patch: u64) -> bool {
        self.core() >= (major, minor, patch)
    }

    /// Whether this release is newer than any rolemap models (its flow may
    /// have changed: the simulation is that of the newest known).
    pub fn is_newer_than_known(&self) -> bool {
        self.core() > Self::NEWEST_KNOWN
    }

    /// 1.17.0: role-mapping results are normalised (strings trimmed,
    /// arrays of names), and several roles can be assigned where licensed.
    pub fn normalises_roles(&self) -> bool {
        self.at_least(1, 17, 0)
    }

    /// 1.16.0: the identity-provider mode `org` (an IdP owned by one org).
    pub fn has_org_idp_mode(&self) -> bool {
        self.at_least(1, 16, 0)
    }

    /// How the cloud build of this release chooses the orgs of a login.
    pub fn cloud_orgs(&self) -> CloudOrgs {
        if self.at_least(1, 20, 0) || !self.at_least(1, 15, 3) {
            CloudOrgs::Linked
        } else if self.at_least(1, 18, 3) {
            CloudOrgs::LinkedOnPlan
        } else {
            CloudOrgs::SingleOnPlan
        }
    }
}

impl Default for PangolinVersion {
    fn default() -> Self {
        PangolinVersion::newest_known()
    }
}

/// Why a version string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Pangolin version `{0}`: write it as MAJOR.MINOR.PATCH, e.g. \"1.22.0\"")]
pub struct VersionError(pub String);

impl FromStr for PangolinVersion {
    type Err = VersionError;

    /// A semantic version (`MAJOR.MINOR.PATCH`, then optionally a `-`
    /// pre-release and a `+` build tag), with a leading `v` and a missing
    /// patch (`v1.16`) allowed, as release tags and users write them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        let core_len = t.find(['-', '+']).unwrap_or(t.len());
        let text = if t[..core_len].matches('.').count() == 1 {
            format!("{}.0{}", &t[..core_len], &t[core_len..])
        } else {
            t.to_string()
        };
        semver::Version::parse(&text)
            .map(PangolinVersion)
            .map_err(|_| VersionError(s.to_string()))
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
    /// `major.minor.patch`, then the pre-release and build tags as written
    /// (`1.17.0-rc.1`, `1.22.0+build.7`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> PangolinVersion {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parses_as_users_write_versions() {
        assert_eq!(v("v1.16").to_string(), "1.16.0");
        assert_eq!(v(" 1.17.0-rc.1 ").to_string(), "1.17.0-rc.1");
        assert_eq!(v("1.22.0+build.7").to_string(), "1.22.0+build.7");
        for bad in [
            "1",
            "1.x",
            "1.2.3.4",
            "",
            "1.2.3-",
            "01.2.3",
            "1.2.3-rc..1",
            "1.2.3-ä",
        ] {
            assert!(bad.parse::<PangolinVersion>().is_err(), "{bad}");
        }
    }

    #[test]
    fn each_change_comes_in_its_release() {
        assert!(v("1.17.0-rc.1").normalises_roles());
        assert!(!v("1.16.9").normalises_roles());
        assert!(v("1.16.0").has_org_idp_mode() && !v("1.15.4").has_org_idp_mode());
        let cloud: Vec<CloudOrgs> = ["1.15.2", "1.15.3", "1.18.2", "1.18.3", "1.19.9", "1.20.0"]
            .iter()
            .map(|s| v(s).cloud_orgs())
            .collect();
        use CloudOrgs::*;
        assert_eq!(
            cloud,
            [
                Linked,
                SingleOnPlan,
                SingleOnPlan,
                LinkedOnPlan,
                LinkedOnPlan,
                Linked
            ]
        );
        assert_eq!(PangolinVersion::default(), v("1.22.0"));
        assert!(v("1.22.1").is_newer_than_known() && !v("1.22.0").is_newer_than_known());
    }
}
