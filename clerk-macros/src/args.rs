//! `#[clerk_protected(...)]`'s arguments: parsed into `(keyword, value)` pairs, then validated
//! with every error spanned on the offending token and all of them reported together.
//!
//! Two phases, as tokio's `entry.rs` separates collecting from finalizing: [`Raw`] is what was
//! written (a syntax error stops here: nothing after it can be trusted), [`ProtectedArgs`] is
//! what the expansion needs (each validation error is collected with `syn::Error::combine`).
//! No `quote!` here. The names clerk-sdk also parses (token types, reverification presets,
//! billing scopes) are in `tables.rs`; the error messages list them from there.

use proc_macro2::Span;
use syn::ext::IdentExt as _;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token, token};

use crate::tables::{
    ANY_TOKEN_TYPE, BILLING_SCOPES, REVERIFICATION_LEVELS, REVERIFICATION_PRESETS, SESSION_TOKEN, TOKEN_TYPES,
};

mod kw {
    syn::custom_keyword!(role);
    syn::custom_keyword!(permission);
    syn::custom_keyword!(feature);
    syn::custom_keyword!(plan);
    syn::custom_keyword!(reverification);
    syn::custom_keyword!(accepts);
}

/// Every argument, in the order the docs list them.
const ARGUMENTS: [&str; 7] = [
    "role",
    "permission",
    "feature",
    "plan",
    "reverification",
    "accepts",
    "crate",
];

/// `items`, each between `quote`s, comma-separated.
fn quoted<'a>(items: impl IntoIterator<Item = &'a str>, quote: char) -> String {
    items
        .into_iter()
        .map(|item| format!("{quote}{item}{quote}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "a, b or c".
fn either(items: &[&str]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// A value as written: one string, or a bracketed list of strings.
enum Value {
    One(LitStr),
    List(token::Bracket, Vec<LitStr>),
}

impl Value {
    fn parse(input: ParseStream<'_>, name: &str) -> syn::Result<Self> {
        input.parse::<Token![=]>()?;
        if input.peek(LitStr) {
            return input.parse().map(Value::One);
        }
        if !input.peek(token::Bracket) {
            return Err(input.error(format!(
                "`{name}` takes a string literal, e.g. `{}`",
                example(name)
            )));
        }
        let content;
        let bracket = syn::bracketed!(content in input);
        let mut items = Vec::new();
        while !content.is_empty() {
            if !content.peek(LitStr) {
                return Err(content.error(format!(
                    "`{name}` lists string literals, e.g. `{}`",
                    example(name)
                )));
            }
            items.push(content.parse()?);
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        Ok(Value::List(bracket, items))
    }

    /// The one string of an argument that takes no list.
    fn single(self, name: &str, errors: &mut Errors) -> Option<LitStr> {
        match self {
            Value::One(lit) => Some(lit),
            Value::List(bracket, _) => {
                errors.push(syn::Error::new(
                    bracket.span.join(),
                    format!("`{name}` takes one string, not a list, e.g. `{}`", example(name)),
                ));
                None
            }
        }
    }
}

fn example(name: &str) -> &'static str {
    match name {
        "role" => r#"role = "org:admin""#,
        "permission" => r#"permission = "org:invoices:read""#,
        "feature" => r#"feature = "org:reports""#,
        "plan" => r#"plan = "org:pro""#,
        "reverification" => r#"reverification = "strict""#,
        "accepts" => r#"accepts = ["session_token", "m2m_token"]"#,
        _ => r#"crate = "my_crate::clerk_sdk""#,
    }
}

/// Validation errors, combined into one `syn::Error`.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn finish<T>(self, value: T) -> syn::Result<T> {
        self.0.map_or(Ok(value), Err)
    }
}

/// The arguments as written: each one `(keyword, value)`, at most once.
#[derive(Default)]
struct Raw {
    role: Option<(kw::role, Value)>,
    permission: Option<(kw::permission, Value)>,
    feature: Option<(kw::feature, Value)>,
    plan: Option<(kw::plan, Value)>,
    reverification: Option<(kw::reverification, Value)>,
    accepts: Option<(kw::accepts, Value)>,
    krate: Option<(Token![crate], Value)>,
}

/// Parses `keyword = value` into `slot`; a second one is reported on its keyword.
fn put<K: Parse + syn::spanned::Spanned>(
    input: ParseStream<'_>,
    slot: &mut Option<(K, Value)>,
    name: &str,
    errors: &mut Errors,
) -> syn::Result<()> {
    let keyword: K = input.parse()?;
    if !input.peek(Token![=]) {
        return Err(syn::Error::new(
            keyword.span(),
            format!("`{name}` needs a value, e.g. `{}`", example(name)),
        ));
    }
    let value = Value::parse(input, name)?;
    if slot.is_some() {
        let hint = if name == "role" {
            r#"; to admit any of several roles, list them: `role = ["org:admin", "org:billing"]`"#
        } else {
            ""
        };
        errors.push(syn::Error::new(
            keyword.span(),
            format!("`{name}` is given more than once{hint}"),
        ));
    } else {
        *slot = Some((keyword, value));
    }
    Ok(())
}

impl Raw {
    fn parse(input: ParseStream<'_>, errors: &mut Errors) -> syn::Result<Self> {
        let mut raw = Raw::default();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::role) {
                put(input, &mut raw.role, "role", errors)?;
            } else if lookahead.peek(kw::permission) {
                put(input, &mut raw.permission, "permission", errors)?;
            } else if lookahead.peek(kw::feature) {
                put(input, &mut raw.feature, "feature", errors)?;
            } else if lookahead.peek(kw::plan) {
                put(input, &mut raw.plan, "plan", errors)?;
            } else if lookahead.peek(kw::reverification) {
                put(input, &mut raw.reverification, "reverification", errors)?;
            } else if lookahead.peek(kw::accepts) {
                put(input, &mut raw.accepts, "accepts", errors)?;
            } else if lookahead.peek(Token![crate]) {
                put(input, &mut raw.krate, "crate", errors)?;
            } else if input.peek(Ident::peek_any) {
                let unknown = input.call(Ident::parse_any)?;
                let unknown = unknown.unraw();
                let valid = ARGUMENTS.map(|a| format!("`{a}`")).join(", ");
                let hint = closest(&unknown.to_string(), ARGUMENTS)
                    .map(|c| format!("did you mean `{c}`? "))
                    .unwrap_or_default();
                return Err(syn::Error::new(
                    unknown.span(),
                    format!("unknown argument `{unknown}`; {hint}valid arguments are {valid}"),
                ));
            } else {
                return Err(lookahead.error());
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(raw)
    }
}

/// Which token types a handler admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Accepts {
    /// Not given: session tokens only (clerk-sdk's default, so nothing is emitted).
    Default,
    /// `"any"`.
    Any,
    /// One name, e.g. `"m2m_token"`: the `TokenType` variant.
    One(&'static str),
    /// A list of names: the `TokenType` variants.
    Many(Vec<&'static str>),
}

impl Accepts {
    fn admits_sessions(&self) -> bool {
        let session = SESSION_TOKEN.1;
        match self {
            Accepts::Default | Accepts::Any => true,
            Accepts::One(variant) => *variant == session,
            Accepts::Many(variants) => variants.contains(&session),
        }
    }
}

/// Validated arguments: what the expansion needs, every string known to be well formed.
pub(crate) struct ProtectedArgs {
    /// Any-of organization roles (empty: no role check).
    pub(crate) roles: Vec<LitStr>,
    pub(crate) permission: Option<LitStr>,
    pub(crate) feature: Option<LitStr>,
    pub(crate) plan: Option<LitStr>,
    pub(crate) reverification: Option<LitStr>,
    pub(crate) accepts: Accepts,
    /// The path of clerk-sdk (`crate = "..."`); `None` for `::clerk_sdk`.
    pub(crate) krate: Option<syn::Path>,
}

impl Parse for ProtectedArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut errors = Errors::default();
        let raw = Raw::parse(input, &mut errors)?;
        let args = ProtectedArgs::validate(raw, &mut errors);
        errors.finish(args)
    }
}

impl ProtectedArgs {
    fn validate(raw: Raw, errors: &mut Errors) -> Self {
        let mut session_only: Vec<(Span, &str)> = Vec::new();

        let roles = match raw.role {
            None => Vec::new(),
            Some((keyword, value)) => {
                session_only.push((keyword.span, "role"));
                let roles = match value {
                    Value::One(lit) => vec![lit],
                    Value::List(bracket, items) => {
                        if items.is_empty() {
                            errors.push(syn::Error::new(
                                bracket.span.join(),
                                "`role = []` names no role; list at least one, e.g. `role = \"org:admin\"`",
                            ));
                        }
                        items
                    }
                };
                for role in &roles {
                    if let Err(message) = check_role(&role.value()) {
                        errors.push(syn::Error::new(role.span(), message));
                    }
                }
                roles
            }
        };

        let mut single = |entry: Option<(Span, Value)>,
                          name: &'static str,
                          check: fn(&str) -> Result<(), String>,
                          errors: &mut Errors| {
            let (span, value) = entry?;
            session_only.push((span, name));
            let lit = value.single(name, errors)?;
            if let Err(message) = check(&lit.value()) {
                errors.push(syn::Error::new(lit.span(), message));
            }
            Some(lit)
        };
        let permission = single(
            raw.permission.map(|(k, v)| (k.span, v)),
            "permission",
            check_permission,
            errors,
        );
        let feature = single(
            raw.feature.map(|(k, v)| (k.span, v)),
            "feature",
            |f| check_billing("feature", f),
            errors,
        );
        let plan = single(
            raw.plan.map(|(k, v)| (k.span, v)),
            "plan",
            |p| check_billing("plan", p),
            errors,
        );
        let reverification = single(
            raw.reverification.map(|(k, v)| (k.span, v)),
            "reverification",
            check_reverification,
            errors,
        );

        // An invalid `accepts` was reported already; judging the checks against what is left
        // of it would only add noise.
        let accepts = match raw.accepts {
            None => Some(Accepts::Default),
            Some((_, value)) => accepts(value, errors),
        };
        if accepts.as_ref().is_some_and(|a| !a.admits_sessions()) {
            let session = SESSION_TOKEN.0;
            for (span, name) in session_only {
                errors.push(syn::Error::new(
                    span,
                    format!(
                        "`{name}` is checked on session callers only, and this `accepts` admits no \
                         `{session}`, so the check would never run; add \"{session}\" to \
                         `accepts` or remove `{name}`"
                    ),
                ));
            }
        }

        let krate = raw.krate.and_then(|(_, value)| {
            let lit = value.single("crate", errors)?;
            let path = lit.parse::<syn::Path>().ok();
            if path.is_none() {
                errors.push(syn::Error::new(
                    lit.span(),
                    "`crate` takes the path clerk-sdk is reachable at, e.g. `crate = \"::my_clerk\"`",
                ));
            }
            path
        });

        ProtectedArgs {
            roles,
            permission,
            feature,
            plan,
            reverification,
            accepts: accepts.unwrap_or(Accepts::Default),
            krate,
        }
    }
}

/// The validated `accepts`, or `None` after reporting what is wrong with it.
fn accepts(value: Value, errors: &mut Errors) -> Option<Accepts> {
    let variant = |lit: &LitStr| token_type(&lit.value()).map_err(|m| syn::Error::new(lit.span(), m));
    match value {
        Value::One(lit) if lit.value() == ANY_TOKEN_TYPE => Some(Accepts::Any),
        Value::One(lit) => match variant(&lit) {
            Ok(v) => Some(Accepts::One(v)),
            Err(error) => {
                errors.push(error);
                None
            }
        },
        Value::List(bracket, items) => {
            let mut variants: Vec<&'static str> = Vec::new();
            let mut problems = Vec::new();
            if items.is_empty() {
                problems.push(syn::Error::new(
                    bracket.span.join(),
                    format!(
                        "`accepts = []` admits no token type, so every request would be refused; \
                         list at least one of {}, or write `accepts = \"{ANY_TOKEN_TYPE}\"`",
                        quoted(TOKEN_TYPES.map(|(wire, _)| wire), '"')
                    ),
                ));
            }
            for lit in &items {
                if lit.value() == ANY_TOKEN_TYPE {
                    problems.push(syn::Error::new(
                        lit.span(),
                        format!(
                            "`{ANY_TOKEN_TYPE}` admits every token type and stands alone: write \
                             `accepts = \"{ANY_TOKEN_TYPE}\"`"
                        ),
                    ));
                } else {
                    match variant(lit) {
                        Ok(v) if variants.contains(&v) => problems.push(syn::Error::new(
                            lit.span(),
                            format!("\"{}\" is listed twice", lit.value()),
                        )),
                        Ok(v) => variants.push(v),
                        Err(error) => problems.push(error),
                    }
                }
            }
            if problems.is_empty() {
                return Some(Accepts::Many(variants));
            }
            for problem in problems {
                errors.push(problem);
            }
            None
        }
    }
}

/// The `TokenType` variant of a wire name, or an error suggesting the closest name.
fn token_type(name: &str) -> Result<&'static str, String> {
    if let Some((_, variant)) = TOKEN_TYPES.iter().find(|(wire, _)| *wire == name) {
        return Ok(variant);
    }
    let wires = TOKEN_TYPES.map(|(wire, _)| wire);
    let hint = closest(name, wires)
        .map(|c| format!("did you mean \"{c}\"? "))
        .unwrap_or_default();
    Err(format!(
        "unknown token type \"{name}\"; {hint}valid token types are {}, or \"{ANY_TOKEN_TYPE}\" alone",
        quoted(wires, '"')
    ))
}

fn check_role(role: &str) -> Result<(), String> {
    match role.strip_prefix("org:") {
        Some("") => Err(format!(
            "role \"{role}\" has no key after `org:`; write e.g. \"org:admin\""
        )),
        Some(key) if key.contains(char::is_whitespace) => Err(format!(
            "role \"{role}\" contains whitespace, which no role key has"
        )),
        Some(_) => Ok(()),
        None => Err(format!(
            "role \"{role}\" must start with `org:`: organization roles are written \
             `org:<key>`, e.g. \"org:{}\"",
            role.trim_start_matches(':')
        )),
    }
}

fn check_permission(permission: &str) -> Result<(), String> {
    let parts: Vec<&str> = permission.split(':').collect();
    let well_formed = parts.len() == 3
        && parts.first() == Some(&"org")
        && parts
            .iter()
            .all(|p| !p.is_empty() && !p.contains(char::is_whitespace));
    if !well_formed {
        return Err(format!(
            "permission \"{permission}\" must have the form `org:<feature>:<permission>`, e.g. \
             \"org:invoices:read\""
        ));
    }
    if parts.get(1).is_some_and(|feature| feature.starts_with("sys_")) {
        return Err(format!(
            "\"{permission}\" is a system permission, and system permissions (`org:sys_*`) never \
             appear in session tokens, so this check could never pass; check a role instead \
             (e.g. `role = \"org:admin\"`) or a custom permission you defined"
        ));
    }
    Ok(())
}

/// A `feature` or `plan`: `<key>`, or `<scope>:<key>` with a scope of [`BILLING_SCOPES`].
fn check_billing(name: &str, value: &str) -> Result<(), String> {
    let forms: Vec<String> = BILLING_SCOPES
        .iter()
        .map(|(scope, _)| format!("\"{scope}:<key>\""))
        .collect();
    let id = match value.split_once(':') {
        None => value,
        Some((scope, id))
            if BILLING_SCOPES
                .iter()
                .any(|(name, aliases)| *name == scope || aliases.contains(&scope)) =>
        {
            id
        }
        Some((scope, _)) => {
            return Err(format!(
                "{name} \"{value}\" has an unknown scope `{scope}`: write {}, or just \"<key>\" \
                 for either",
                forms.join(", ")
            ));
        }
    };
    if id.is_empty() || id.contains([':', ' ']) {
        let forms: Vec<&str> = forms.iter().map(String::as_str).collect();
        return Err(format!(
            "{name} \"{value}\" must be \"<key>\", {}",
            either(&forms)
        ));
    }
    Ok(())
}

fn check_reverification(value: &str) -> Result<(), String> {
    if REVERIFICATION_PRESETS.iter().any(|(name, _)| *name == value) {
        return Ok(());
    }
    let custom = value.split_once(':').is_some_and(|(level, minutes)| {
        REVERIFICATION_LEVELS.iter().any(|(name, _)| *name == level)
            // Digits only: `u32::from_str` also takes a leading `+`, which clerk-sdk refuses.
            && !minutes.is_empty()
            && minutes.bytes().all(|b| b.is_ascii_digit())
            && minutes.parse::<u32>().is_ok_and(|m| m > 0)
    });
    if custom {
        return Ok(());
    }
    let presets = REVERIFICATION_PRESETS.map(|(name, _)| name);
    let hint = closest(value, presets)
        .map(|c| format!("did you mean \"{c}\"? "))
        .unwrap_or_default();
    Err(format!(
        "unknown reverification preset \"{value}\"; {hint}write one of {}, or \"<level>:<minutes>\" \
         with level {} and minutes > 0 (e.g. \"second_factor:30\")",
        quoted(presets, '"'),
        either(&REVERIFICATION_LEVELS.map(|(name, _)| name)),
    ))
}

/// The candidate closest to `input` by edit distance (case-insensitive), when close enough to
/// be a plausible typo or abbreviation.
fn closest(input: &str, candidates: impl IntoIterator<Item = &'static str>) -> Option<&'static str> {
    let input = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&input, c), c))
        .filter(|(distance, c)| {
            *distance <= (c.len() / 3).max(2)
                || (input.len() >= 3 && (c.contains(input.as_str()) || input.contains(c)))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).map_or(usize::MAX, |d| d + usize::from(ca != *cb));
            let delete = previous.get(j + 1).map_or(usize::MAX, |d| d + 1);
            let insert = current.last().map_or(usize::MAX, |d| d + 1);
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(tokens: &str) -> syn::Result<ProtectedArgs> {
        syn::parse_str::<ProtectedArgs>(tokens)
    }

    fn error(tokens: &str) -> String {
        match parse(tokens) {
            Ok(_) => panic!("`{tokens}` parsed"),
            Err(e) => e
                .into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join(" | "),
        }
    }

    #[test]
    fn valid_arguments() {
        let args = parse(
            r#"role = ["org:admin", "org:billing"], permission = "org:invoices:read",
               feature = "org:reports", plan = "pro", reverification = "second_factor:30",
               accepts = ["session_token", "m2m_token"], crate = "::renamed""#,
        )
        .unwrap();
        assert_eq!(args.roles.len(), 2);
        assert_eq!(args.accepts, Accepts::Many(vec!["SessionToken", "M2mToken"]));
        assert!(args.krate.is_some());
        let bare = parse("").unwrap();
        assert_eq!(bare.accepts, Accepts::Default);
        assert!(bare.roles.is_empty() && bare.krate.is_none());
        assert_eq!(parse(r#"accepts = "any""#).unwrap().accepts, Accepts::Any);
        assert_eq!(
            parse(r#"accepts = "api_key","#).unwrap().accepts,
            Accepts::One("ApiKey")
        );
    }

    #[test]
    fn errors_teach() {
        let cases = [
            (
                "rol = \"org:admin\"",
                "unknown argument `rol`; did you mean `role`?",
            ),
            ("role = admin", "`role` takes a string literal"),
            (
                "role = \"org:a\", role = \"org:b\"",
                "`role` is given more than once",
            ),
            ("role = \"admin\"", "must start with `org:`"),
            ("role = \"org:\"", "has no key after `org:`"),
            ("role = \"org:a b\"", "contains whitespace"),
            ("permission = \"invoices:read\"", "org:<feature>:<permission>"),
            ("permission = \"org:sys_memberships:read\"", "system permissions"),
            ("accepts = \"m2m\"", "did you mean \"m2m_token\"?"),
            ("accepts = \"Session_Token\"", "did you mean \"session_token\"?"),
            ("accepts = []", "admits no token type"),
            ("accepts = [\"any\"]", "stands alone"),
            (
                "accepts = [\"api_key\", \"api_key\"]",
                "\"api_key\" is listed twice",
            ),
            (
                "accepts = \"m2m_token\", plan = \"pro\"",
                "`plan` is checked on session callers only",
            ),
            ("reverification = \"strictest\"", "did you mean \"strict\"?"),
            (
                "reverification = \"first_factor:0\"",
                "unknown reverification preset",
            ),
            ("feature = \"team:reports\"", "unknown scope `team`"),
            ("permission = [\"org:a:b\"]", "takes one string, not a list"),
            ("crate = \"not a path\"", "`crate` takes the path"),
            ("5", "expected one of"),
            ("role", "`role` needs a value"),
        ];
        for (tokens, want) in cases {
            let got = error(tokens);
            assert!(got.contains(want), "{tokens}: {got}");
        }
    }

    #[test]
    fn validation_errors_are_combined() {
        let got = error(r#"role = "admin", permission = "org:sys_x:y", accepts = ["mtm_token"]"#);
        assert_eq!(got.matches(" | ").count(), 2, "{got}");
        // Session-only checks against a valid, session-less `accepts`: one error per check.
        let got = error(r#"role = "org:admin", plan = "pro", accepts = "m2m_token""#);
        assert_eq!(got.matches("checked on session callers only").count(), 2, "{got}");
    }

    #[test]
    fn reverification_forms() {
        for ok in [
            "strict_mfa",
            "strict",
            "moderate",
            "lax",
            "first_factor:1",
            "multi_factor:1440",
        ] {
            assert!(check_reverification(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "strict:10",
            "second_factor:",
            "second_factor:-1",
            "second_factor:99999999999",
        ] {
            assert!(check_reverification(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn messages_list_the_tables() {
        assert_eq!(
            check_billing("plan", "pro:").unwrap_err(),
            r#"plan "pro:" has an unknown scope `pro`: write "org:<key>", "user:<key>", or just "<key>" for either"#
        );
        assert_eq!(
            check_billing("feature", "o:").unwrap_err(),
            r#"feature "o:" must be "<key>", "org:<key>" or "user:<key>""#
        );
        assert!(check_billing("feature", "organization:reports").is_ok());
        assert_eq!(
            error("accepts = []"),
            r#"`accepts = []` admits no token type, so every request would be refused; list at least one of "session_token", "m2m_token", "oauth_token", "api_key", or write `accepts = "any"`"#
        );
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(closest("banana", TOKEN_TYPES.map(|(w, _)| w)), None);
        assert_eq!(closest("apikey", TOKEN_TYPES.map(|(w, _)| w)), Some("api_key"));
    }
}
