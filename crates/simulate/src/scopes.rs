//! Which claims a provider puts in the ID token for the configured scopes.
//!
//! A sample token may have been captured with more scopes than the IdP
//! config requests; filtering shows what Pangolin would really receive.
//!
//! The model (documented so that it can be argued with):
//! 1. Always released: `iss sub aud exp iat auth_time nonce acr amr azp sid`.
//! 2. OIDC Core 5.4 standard scopes, for every provider: `profile` releases
//!    `name family_name given_name middle_name nickname preferred_username
//!    profile picture website gender birthdate zoneinfo locale updated_at`;
//!    `email` releases `email email_verified`; `address` releases `address`;
//!    `phone` releases `phone_number phone_number_verified`. Without the
//!    scope these claims are removed.
//! 3. `groups`:
//!    - Pocket ID, Kanidm, Zitadel, Authelia, Okta, Dex (GitHub) and generic
//!      providers release it only with the `groups` scope;
//!    - Authentik releases it with `profile` (and `entitlements`/`roles`
//!      with the `entitlements` scope);
//!    - Keycloak, Entra ID and Google: the provider's own configuration
//!      (mappers, manifest) decides, so the claim passes through.
//! 4. Every other claim (`realm_access`, `resource_access`, `roles` of Entra
//!    ID, `urn:zitadel:...`, `cognito:groups`, `hd`, custom claims) passes
//!    through unchanged: it is the provider's configuration, not the scopes,
//!    that puts it in the token.
//!
//! Dex is gated like Pocket ID because Dex documents `groups` as a scope of
//! its own. `--all-claims` (`Options::all_claims`) turns filtering off.

use std::borrow::Cow;

use rolemap_sorted::SortedSet;
use serde::Serialize;
use serde_json::Map;

use crate::config::Provider;
use crate::samples::Claims;

/// Claims present whatever the scopes.
pub const ALWAYS_RELEASED: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "azp",
    "sid",
];

/// The claims of the `profile` scope (OIDC Core 5.4).
pub const PROFILE_CLAIMS: &[&str] = &[
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
];

/// The claims of the `email` scope.
pub const EMAIL_CLAIMS: &[&str] = &["email", "email_verified"];
/// The claims of the `address` scope.
pub const ADDRESS_CLAIMS: &[&str] = &["address"];
/// The claims of the `phone` scope.
pub const PHONE_CLAIMS: &[&str] = &["phone_number", "phone_number_verified"];

/// The space-separated scopes of an IdP config, a set (in ascending order,
/// each once).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(SortedSet<String>);

impl Scopes {
    /// Parses `"openid profile email groups"`.
    pub fn parse(s: &str) -> Scopes {
        Scopes(s.split_whitespace().map(str::to_string).collect())
    }

    /// Whether `scope` is requested.
    pub fn has(&self, scope: &str) -> bool {
        self.0.contains(scope)
    }
}

/// The scope a claim needs from `provider`, or `None` when the scopes do not
/// decide (always released, or passed through).
pub fn required_scope(provider: Provider, claim: &str) -> Option<&'static str> {
    // One `match` rather than scans of the lists above (it runs for every
    // claim of every sample); `lists_agree_with_required_scope` checks that
    // the two say the same.
    match claim {
        "iss" | "sub" | "aud" | "exp" | "iat" | "auth_time" | "nonce" | "acr" | "amr" | "azp"
        | "sid" => None,
        "name" | "family_name" | "given_name" | "middle_name" | "nickname"
        | "preferred_username" | "profile" | "picture" | "website" | "gender" | "birthdate"
        | "zoneinfo" | "locale" | "updated_at" => Some("profile"),
        "email" | "email_verified" => Some("email"),
        "address" => Some("address"),
        "phone_number" | "phone_number_verified" => Some("phone"),
        _ => match (provider, claim) {
            (Provider::Authentik, "groups") => Some("profile"),
            (Provider::Authentik, "entitlements" | "roles") => Some("entitlements"),
            (
                Provider::PocketId
                | Provider::Kanidm
                | Provider::Zitadel
                | Provider::Authelia
                | Provider::Okta
                | Provider::Dex
                | Provider::Generic,
                "groups",
            ) => Some("groups"),
            _ => None,
        },
    }
}

/// A claim the scopes removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RemovedClaim {
    /// The claim.
    pub claim: String,
    /// The scope that would release it.
    pub scope: &'static str,
}

/// The claims the provider releases for `scopes`, and what was removed.
///
/// Borrows `claims` when nothing is removed (the usual case): the claims
/// are copied only when the scopes take some away.
pub fn filter<'a>(
    provider: Provider,
    scopes: &Scopes,
    claims: &'a Claims,
) -> (Cow<'a, Claims>, Vec<RemovedClaim>) {
    ScopeFilter::new(provider, scopes).apply(claims)
}

/// [`filter`] for one provider and set of scopes, prepared once for any
/// number of tokens: the claims the scopes withhold are listed up front.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeFilter {
    /// Each claim the scopes withhold, with the scope that would release it.
    withheld: Vec<(&'static str, &'static str)>,
    /// Bit `n` set: a withheld claim is `n` bytes long (every claim named
    /// is shorter than 64), so most claims are passed at a glance.
    lengths: u64,
}

impl ScopeFilter {
    /// The filter of `provider` with `scopes`.
    pub fn new(provider: Provider, scopes: &Scopes) -> ScopeFilter {
        // Every claim `required_scope` can name (the others pass through).
        let named = ALWAYS_RELEASED
            .iter()
            .chain(PROFILE_CLAIMS)
            .chain(EMAIL_CLAIMS)
            .chain(ADDRESS_CLAIMS)
            .chain(PHONE_CLAIMS)
            .chain(&["groups", "entitlements", "roles"]);
        let withheld = named
            .filter_map(|&claim| match required_scope(provider, claim) {
                Some(scope) if !scopes.has(scope) => Some((claim, scope)),
                _ => None,
            })
            .collect::<Vec<_>>();
        let lengths = withheld.iter().fold(0u64, |m, (claim, _)| {
            m | 1u64.checked_shl(claim.len() as u32).unwrap_or(0)
        });
        ScopeFilter { withheld, lengths }
    }

    /// The scope that would release `claim`, when the scopes withhold it.
    fn withheld(&self, claim: &str) -> Option<&'static str> {
        let bit = 1u64.checked_shl(claim.len() as u32).unwrap_or(0);
        if self.lengths & bit == 0 {
            return None;
        }
        self.withheld
            .iter()
            .find(|(c, _)| c.len() == claim.len() && *c == claim)
            .map(|(_, scope)| *scope)
    }

    /// The claims released, and what was removed.
    pub fn apply<'a>(&self, claims: &'a Claims) -> (Cow<'a, Claims>, Vec<RemovedClaim>) {
        let map = claims.as_map();
        if self.withheld.is_empty() || !map.keys().any(|k| self.withheld(k).is_some()) {
            return (Cow::Borrowed(claims), Vec::new());
        }
        let mut removed = Vec::new();
        let mut kept = Map::new();
        for (k, v) in map {
            match self.withheld(k) {
                Some(scope) => removed.push(RemovedClaim {
                    claim: k.clone(),
                    scope,
                }),
                None => {
                    kept.insert(k.clone(), v.clone());
                }
            }
        }
        (Cow::Owned(Claims::from_map(kept)), removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scopes_are_a_set_printed_as_a_btree_set() {
        let scopes = Scopes::parse(" profile openid  email openid ");
        let tree: std::collections::BTreeSet<&str> = ["profile", "openid", "email"].into();
        assert_eq!(format!("{scopes:?}"), format!("Scopes({tree:?})"));
        assert!(scopes.has("openid") && !scopes.has("groups") && !scopes.has(""));
        assert_eq!(scopes, Scopes::parse("email openid profile"));
    }

    #[test]
    fn groups_need_the_groups_scope_on_pocket_id_only() {
        let claims = Claims::from_json(json!({"sub": "1", "email": "a@b", "groups": ["x"]}))
            .unwrap_or_else(|_| Claims::from_map(Map::new()));
        let scopes = Scopes::parse("openid profile email");
        let (c, removed) = filter(Provider::PocketId, &scopes, &claims);
        assert!(c.get("groups").is_none());
        assert_eq!(removed[0].scope, "groups");
        let (c, _) = filter(Provider::Authentik, &scopes, &claims);
        assert!(c.get("groups").is_some());
        let (c, _) = filter(Provider::Keycloak, &Scopes::parse("openid"), &claims);
        assert!(c.get("groups").is_some() && c.get("email").is_none());
        let all = Scopes::parse("openid profile email groups");
        let (c, removed) = filter(Provider::PocketId, &all, &claims);
        assert!(matches!(c, Cow::Borrowed(_)) && removed.is_empty());
    }

    #[test]
    fn prepared_filter_agrees_with_required_scope() {
        let names = [
            "sub",
            "name",
            "email",
            "address",
            "phone_number",
            "groups",
            "roles",
            "entitlements",
            "realm_access",
            "custom",
            "phone_number_verified",
            "preferred_username",
            "a_custom_claim_name_longer_than_sixty_four_bytes_is_never_withheld_at_all",
        ];
        let providers = [
            Provider::PocketId,
            Provider::Authentik,
            Provider::Keycloak,
            Provider::EntraId,
            Provider::Dex,
            Provider::Generic,
        ];
        for scopes in [
            "openid",
            "openid profile email groups",
            "openid entitlements phone address",
        ] {
            let scopes = Scopes::parse(scopes);
            for provider in providers {
                let f = ScopeFilter::new(provider, &scopes);
                for claim in names {
                    let expected = required_scope(provider, claim).filter(|s| !scopes.has(s));
                    assert_eq!(f.withheld(claim), expected, "{provider:?} {claim}");
                }
            }
        }
    }

    #[test]
    fn lists_agree_with_required_scope() {
        let lists: [(&[&str], Option<&str>); 5] = [
            (ALWAYS_RELEASED, None),
            (PROFILE_CLAIMS, Some("profile")),
            (EMAIL_CLAIMS, Some("email")),
            (ADDRESS_CLAIMS, Some("address")),
            (PHONE_CLAIMS, Some("phone")),
        ];
        for (claims, scope) in lists {
            for claim in claims {
                assert_eq!(required_scope(Provider::Keycloak, claim), scope, "{claim}");
                assert_eq!(required_scope(Provider::PocketId, claim), scope, "{claim}");
            }
        }
        assert_eq!(required_scope(Provider::Keycloak, "groups"), None);
        assert_eq!(required_scope(Provider::Dex, "groups"), Some("groups"));
        assert_eq!(
            required_scope(Provider::Authentik, "roles"),
            Some("entitlements")
        );
    }
}
