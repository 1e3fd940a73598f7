//! The data the simulator's behaviour modules share: a hint and its code,
//! an expression compiled once and the failure it keeps, and the record of
//! one evaluation (a site) that the hints read.
//!
//! `login` produces these, `hints` reads them, `outcome` carries the
//! hints; each imports this module and none of them imports another's
//! types, so the modules form no import circle.

use std::fmt;
use std::sync::Arc;

use rolemap_engine::{Expression, Value};
use serde::{Serialize, Serializer};
use serde_json::Value as Json;

/// Defines [`HintCode`]: each variant with its text (what JSON output and
/// test files spell), and the codes of each simulator.
macro_rules! hint_codes {
    (
        pangolin { $($(#[$pdoc:meta])* $pvariant:ident = $ptext:literal,)* }
        grafana { $($(#[$gdoc:meta])* $gvariant:ident = $gtext:literal,)* }
    ) => {
        /// The kind of a [`Hint`], stable across releases. It serializes as
        /// its text ([`HintCode::as_str`], `scope-removed-claim`...).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum HintCode {
            $($(#[$pdoc])* $pvariant,)*
            $($(#[$gdoc])* #[cfg(feature = "grafana")] $gvariant,)*
        }

        impl HintCode {
            /// Every code Pangolin's simulator reports (what a mapping-test
            /// file's `hints` may name), sorted by text.
            pub const PANGOLIN: &'static [HintCode] = &[$(HintCode::$pvariant,)*];
            /// Every code Grafana's simulator reports, sorted by text.
            #[cfg(feature = "grafana")]
            pub const GRAFANA: &'static [HintCode] = &[$(HintCode::$gvariant,)*];

            /// The code's text, as JSON output and test files spell it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(HintCode::$pvariant => $ptext,)*
                    $(#[cfg(feature = "grafana")] HintCode::$gvariant => $gtext,)*
                }
            }
        }
    };
}

hint_codes! {
    pangolin {
        /// An auto-provisioned membership no longer matched and is removed.
        AutoMembershipRemoved = "auto-membership-removed",
        /// An expression exceeded rolemap's evaluation budget (it multiplies its input).
        BudgetExceeded = "budget-exceeded",
        /// A builder value with two or more `'`, misread by jmespath 0.16.0.
        BuilderApostrophes = "builder-apostrophes",
        /// `"admin"` in double quotes is a field lookup, not a string.
        DoubleQuotedString = "double-quoted-string",
        /// A successful login stores no e-mail (the path gives nothing), erasing a stored one.
        EmailErased = "email-erased",
        /// The email/name path threw; Pangolin stores no email nor name.
        EmailErrorSwallowed = "email-error-swallowed",
        /// A truthy non-string email (HTTP 500).
        EmailNotString = "email-not-string",
        /// Entra ID sent a groups overage claim instead of `groups`.
        EntraGroupsOverage = "entra-groups-overage",
        /// The identifier path gives a falsy value (HTTP 400).
        IdentifierMissing = "identifier-missing",
        /// The identifier is an array, number, object... (HTTP 500).
        IdentifierNotString = "identifier-not-string",
        /// A mapping matched an org where the user was added by hand: roles not updated.
        ManualMembershipUntouched = "manual-membership-untouched",
        /// An expression reads a claim the token does not have, and it mattered.
        MissingClaim = "missing-claim",
        /// A successful login stores no name, erasing a stored one.
        NameErased = "name-erased",
        /// Auto provisioning is on but there is no org.
        NoOrgs = "no-orgs",
        /// An org has no role mapping (policy nor default).
        NoRoleMapping = "no-role-mapping",
        /// `contains(groups, ..)` (or `starts_with`/`ends_with`) threw on a missing claim.
        NullArgument = "null-argument",
        /// `{{orgId}}` left in a role mapping (no substitution there).
        OrgIdInRoleMapping = "org-id-in-role-mapping",
        /// An org mapping gave a truthy value that is neither `true` nor the org id.
        OrgMappingNotBoolean = "org-mapping-not-boolean",
        /// Only the first role name is kept (open source, an unlicensed
        /// enterprise install, a cloud plan without full RBAC).
        OssFirstRoleOnly = "oss-first-role-only",
        /// An expression is over rolemap's length or nesting limits: not
        /// checked, the real outcome is unknown.
        OverLimits = "over-limits",
        /// Before 1.17, an array result becomes `String(array)`.
        RoleArrayBefore117 = "role-array-before-1-17",
        /// A role name differs only in case from an org role.
        RoleCase = "role-case",
        /// Before 1.17, a role name with spaces around it.
        RoleWhitespace = "role-whitespace",
        /// Two samples' identifiers are equal once lower-cased: one Pangolin
        /// user, the later login re-syncs it.
        SameUser = "same-user",
        /// An expression reads a claim the configured scopes do not release.
        ScopeRemovedClaim = "scope-removed-claim",
        /// Auto provisioning is off and the user does not exist or has no org.
        Unprovisioned = "unprovisioned",
        /// A user with this username exists, but is a local user or one of
        /// another IdP: not found.
        UserOtherIdp = "user-other-idp",
        /// An existing user's username differs from the lower-cased identifier.
        UsernameMismatch = "username-mismatch",
    }
    // Grafana's codes exist with the `grafana` feature only.
    grafana {
        /// The role was decided by the first claim source, so Grafana never
        /// evaluates it on the next one.
        DecidedAtFirstSource = "decided-at-first-source",
        /// A value in environment-variable settings keeps its quotes.
        EnvQuotesKept = "env-quotes-kept",
        /// The role is `GrafanaAdmin` but allow_assign_grafana_admin is off.
        GrafanaAdminNotAllowed = "grafana-admin-not-allowed",
        /// The groups path gives a value that is not an array.
        GroupsNotArray = "groups-not-array",
        /// The groups path gives items that are not strings.
        GroupsNotStrings = "groups-not-strings",
        /// A `;` or `#` after a value in grafana.ini is kept in it.
        IniInlineComment = "ini-inline-comment",
        /// Quotes around a grafana.ini value are kept.
        IniQuotesKept = "ini-quotes-kept",
        /// Quotes around a grafana.ini value are removed.
        IniQuotesRemoved = "ini-quotes-removed",
        /// The role is not a Grafana role, even title-cased.
        InvalidRole = "invalid-role",
        /// A list setting is split at spaces as well as commas.
        ListSplitAtSpaces = "list-split-at-spaces",
        /// The answer depends on the order Go iterates an object's members
        /// in, which it leaves to chance at every login.
        MapOrder = "map-order",
        /// No source gives an e-mail.
        NoEmail = "no-email",
        /// A provider section with its own login code, not simulated.
        NotSimulated = "not-simulated",
        /// Generic OAuth is not enabled.
        OauthDisabled = "oauth-disabled",
        /// An org_mapping entry names a role Grafana does not have.
        OrgMappingInvalidRole = "org-mapping-invalid-role",
        /// skip_org_role_sync is on: the role mapping is never evaluated.
        SkipOrgRoleSync = "skip-org-role-sync",
        /// A claim source Go cannot decode: Grafana ignores it.
        SourceUndecodable = "source-undecodable",
        /// A claim source that is not what the IdP sends (JWT, JSON).
        SourceUnreadable = "source-unreadable",
        /// A setting Grafana does not know.
        UnknownSetting = "unknown-setting",
        /// The sample has userinfo claims but api_url is not set.
        UserinfoUnread = "userinfo-unread",
    }
}

impl fmt::Display for HintCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for HintCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for HintCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for HintCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A cause and its fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hint {
    /// Stable identifier of the kind of hint.
    pub code: HintCode,
    /// The cause.
    pub message: String,
    /// The fix.
    pub fix: String,
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.message, self.fix)
    }
}

/// Which expression a site is, as hints name it (`the {label} reads it`).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Label<'s> {
    Identifier,
    Email,
    Name,
    /// The org mapping of the org with this id.
    OrgMapping(&'s str),
    /// The role mapping of the org with this id.
    RoleMapping(&'s str),
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Identifier => f.write_str("identifier path"),
            Label::Email => f.write_str("email path"),
            Label::Name => f.write_str("name path"),
            Label::OrgMapping(org) => write!(f, "org mapping of `{org}`"),
            Label::RoleMapping(org) => write!(f, "role mapping of `{org}`"),
        }
    }
}

/// An expression evaluated during the login.
pub(crate) struct Site<'s> {
    pub label: Label<'s>,
    pub compiled: &'s Compiled,
    pub result: SiteResult,
}

/// What the evaluation gave.
pub(crate) enum SiteResult {
    Value {
        truthy: bool,
    },
    Error {
        kind: &'static str,
        js_message: Option<String>,
    },
}

/// An expression compiled once: the result of compiling, kept so that a
/// syntax error surfaces only when Pangolin would reach the expression.
pub(crate) struct Compiled {
    /// The expression text, shared with the traces that show it.
    pub text: Arc<str>,
    pub result: Result<Expression, EngineFailure>,
    /// Whether the double-quoted-string hint can apply to it (see
    /// [`crate::hints::has_quoted_operand`]), found once rather than per sample.
    pub quoted_operand: bool,
}

/// An engine error, kept in a form that can be cloned.
#[derive(Clone, Debug)]
pub(crate) struct EngineFailure {
    pub kind: &'static str,
    pub message: String,
    pub js_message: Option<String>,
    pub span: [usize; 2],
}

/// The result of an evaluation (a failure boxed: results are moved around
/// per evaluation, failures are rare).
pub(crate) type Evaluated<'a> = Result<Value<'a>, Box<EngineFailure>>;

impl EngineFailure {
    pub(crate) fn from_engine(e: &rolemap_engine::Error) -> EngineFailure {
        EngineFailure {
            kind: e.kind.as_str(),
            message: e.message.clone(),
            js_message: e.js_message.clone(),
            span: [e.span.start, e.span.end],
        }
    }
}

impl Compiled {
    pub(crate) fn ast(&self) -> Option<&rolemap_engine::ast::Node> {
        self.result.as_ref().ok().map(Expression::ast)
    }

    /// Evaluates against `claims`.
    pub(crate) fn eval<'a>(&'a self, claims: &'a Json) -> Evaluated<'a> {
        match &self.result {
            Ok(expr) => expr
                .search(claims)
                .map_err(|e| Box::new(EngineFailure::from_engine(&e))),
            Err(e) => Err(Box::new(e.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_simulators_codes_are_sorted_and_no_text_is_used_twice() {
        #[cfg(feature = "grafana")]
        let lists = [HintCode::PANGOLIN, HintCode::GRAFANA];
        #[cfg(not(feature = "grafana"))]
        let lists = [HintCode::PANGOLIN];
        for codes in lists {
            let texts: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
            let mut sorted = texts.clone();
            sorted.sort_unstable();
            assert_eq!(texts, sorted);
        }
        let mut all: Vec<&str> = lists
            .iter()
            .flat_map(|l| l.iter())
            .map(|c| c.as_str())
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
    }

    #[test]
    fn a_hint_serializes_its_code_as_the_text() {
        let hint = Hint {
            code: HintCode::RoleArrayBefore117,
            message: "m".into(),
            fix: "f".into(),
        };
        assert_eq!(
            serde_json::to_string(&hint).ok().as_deref(),
            Some(r#"{"code":"role-array-before-1-17","message":"m","fix":"f"}"#)
        );
        assert_eq!(HintCode::SameUser.to_string(), "same-user");
    }
}
