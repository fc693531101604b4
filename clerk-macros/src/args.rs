//! `#[clerk_protected(...)]`'s arguments: parsed into `(key, value)` pairs, then validated
//! with every error spanned on the offending token and all of them reported together.
//!
//! Two phases, as tokio's `entry.rs` separates collecting from finalizing: [`Raw`] is what was
//! written (a syntax error stops here: nothing after it can be trusted), [`ProtectedArgs`] is
//! what the expansion needs (each validation error is collected with `syn::Error::combine`).
//! No `quote!` here.
//!
//! Every argument's name is written once, in [`Key::spec`]: parsing looks names up there, and
//! the "valid arguments are …" lists, the duplicate check and the examples in errors come from
//! it. Arguments are read as identifiers and looked up rather than declared as
//! `custom_keyword!`s, since each keyword would write the name a second time (and
//! `lookahead1`'s "expected one of" list a third). The names clerk-sdk also parses (token
//! types, reverification presets, billing scopes) are in `tables.rs`.

use proc_macro2::Span;
use syn::ext::IdentExt as _;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token, token};

use crate::tables::{
    ANY_TOKEN_TYPE, BILLING_SCOPES, REVERIFICATION_LEVELS, REVERIFICATION_PRESETS, SESSION_TOKEN, TOKEN_TYPES,
};

/// An argument of `#[clerk_protected(...)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Role,
    Permission,
    Feature,
    Plan,
    Reverification,
    Accepts,
    Crate,
}

impl Key {
    /// Every argument, in the order the docs and the error messages list them.
    const ALL: [Key; 7] = [
        Key::Role,
        Key::Permission,
        Key::Feature,
        Key::Plan,
        Key::Reverification,
        Key::Accepts,
        Key::Crate,
    ];

    /// The table of arguments: each one's name as written, and the example errors show.
    const fn spec(self) -> (&'static str, &'static str) {
        match self {
            Key::Role => ("role", r#"role = "org:admin""#),
            Key::Permission => ("permission", r#"permission = "org:invoices:read""#),
            Key::Feature => ("feature", r#"feature = "org:reports""#),
            Key::Plan => ("plan", r#"plan = "org:pro""#),
            Key::Reverification => ("reverification", r#"reverification = "strict""#),
            Key::Accepts => ("accepts", r#"accepts = ["session_token", "m2m_token"]"#),
            Key::Crate => ("crate", r#"crate = "my_crate::clerk_sdk""#),
        }
    }

    const fn name(self) -> &'static str {
        self.spec().0
    }

    const fn example(self) -> &'static str {
        self.spec().1
    }

    fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|key| key.name() == name)
    }

    /// Whether the check applies to session callers only (machine tokens carry no org role,
    /// permissions, billing claims or factor ages).
    const fn session_only(self) -> bool {
        !matches!(self, Key::Accepts | Key::Crate)
    }
}

/// "`role`, `permission`, …": every argument, for error messages.
fn valid_arguments() -> String {
    quoted(Key::ALL.map(Key::name), '`')
}

/// `items`, each between `quote`s, comma-separated.
pub(crate) fn quoted<'a>(items: impl IntoIterator<Item = &'a str>, quote: char) -> String {
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
    fn parse(input: ParseStream<'_>, key: Key) -> syn::Result<Self> {
        let (name, example) = key.spec();
        input.parse::<Token![=]>()?;
        if input.peek(LitStr) {
            return input.parse().map(Value::One);
        }
        if !input.peek(token::Bracket) {
            return Err(input.error(format!("`{name}` takes a string literal, e.g. `{example}`")));
        }
        let content;
        let bracket = syn::bracketed!(content in input);
        let mut items = Vec::new();
        while !content.is_empty() {
            if !content.peek(LitStr) {
                return Err(content.error(format!("`{name}` lists string literals, e.g. `{example}`")));
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
    fn single(self, key: Key, errors: &mut Errors) -> Option<LitStr> {
        match self {
            Value::One(lit) => Some(lit),
            Value::List(bracket, _) => {
                let (name, example) = key.spec();
                errors.push(syn::Error::new(
                    bracket.span.join(),
                    format!("`{name}` takes one string, not a list, e.g. `{example}`"),
                ));
                None
            }
        }
    }
}

/// Validation errors, combined into one `syn::Error`.
///
/// Shared with `expand.rs`, whose checks of the handler join the arguments' errors, so that
/// every mistake is reported in one build.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn finish<T>(self, value: T) -> syn::Result<T> {
        self.0.map_or(Ok(value), Err)
    }
}

/// The arguments as written: each `(key, keyword span, value)`, a key at most once.
#[derive(Default)]
struct Raw(Vec<(Key, Span, Value)>);

impl Raw {
    fn parse(input: ParseStream<'_>, errors: &mut Errors) -> syn::Result<Self> {
        let mut raw = Raw::default();
        while !input.is_empty() {
            let (key, span) = parse_key(input)?;
            if !input.peek(Token![=]) {
                return Err(syn::Error::new(
                    span,
                    format!("`{}` needs a value, e.g. `{}`", key.name(), key.example()),
                ));
            }
            let value = Value::parse(input, key)?;
            if raw.0.iter().any(|(given, ..)| *given == key) {
                // On the second keyword: the first one is not the mistake.
                let hint = if key == Key::Role {
                    r#"; to admit any of several roles, list them: `role = ["org:admin", "org:billing"]`"#
                } else {
                    ""
                };
                errors.push(syn::Error::new(
                    span,
                    format!("`{}` is given more than once{hint}", key.name()),
                ));
            } else {
                raw.0.push((key, span, value));
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(raw)
    }

    /// The value given for `key` and its keyword's span, if it was given.
    fn take(&mut self, key: Key) -> Option<(Span, Value)> {
        let index = self.0.iter().position(|(given, ..)| *given == key)?;
        let (_, span, value) = self.0.swap_remove(index);
        Some((span, value))
    }
}

/// An argument's name (any identifier, so `crate` too), looked up in [`Key::spec`].
fn parse_key(input: ParseStream<'_>) -> syn::Result<(Key, Span)> {
    if !input.peek(Ident::peek_any) {
        return Err(input.error(format!("expected one of: {}", valid_arguments())));
    }
    let ident = input.call(Ident::parse_any)?.unraw();
    let name = ident.to_string();
    match Key::from_name(&name) {
        Some(key) => Ok((key, ident.span())),
        None => {
            let hint = closest(&name, Key::ALL.map(Key::name))
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            Err(syn::Error::new(
                ident.span(),
                format!(
                    "unknown argument `{name}`; {hint}valid arguments are {}",
                    valid_arguments()
                ),
            ))
        }
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
    pub(crate) fn admits_sessions(&self) -> bool {
        let session = SESSION_TOKEN.1;
        match self {
            Accepts::Default | Accepts::Any => true,
            Accepts::One(variant) => *variant == session,
            Accepts::Many(variants) => variants.contains(&session),
        }
    }

    /// Whether any machine token type (every type but session tokens) is admitted.
    pub(crate) fn admits_machines(&self) -> bool {
        let session = SESSION_TOKEN.1;
        match self {
            Accepts::Default => false,
            Accepts::Any => true,
            Accepts::One(variant) => *variant != session,
            Accepts::Many(variants) => variants.iter().any(|v| *v != session),
        }
    }

    /// The wire names admitted, as a user would list them (`Default` is session tokens);
    /// empty for `Any`, which lists nothing.
    pub(crate) fn wire_names(&self) -> Vec<&'static str> {
        let wire = |variant: &str| TOKEN_TYPES.iter().find(|(_, v)| *v == variant).map(|(w, _)| *w);
        match self {
            Accepts::Default => vec![SESSION_TOKEN.0],
            Accepts::Any => Vec::new(),
            Accepts::One(variant) => wire(variant).into_iter().collect(),
            Accepts::Many(variants) => variants.iter().filter_map(|v| wire(v)).collect(),
        }
    }
}

/// `accepts = ["a", "b"]` written out, for suggestions.
pub(crate) fn accepts_list(names: &[&str]) -> String {
    format!("accepts = [{}]", quoted(names.iter().copied(), '"'))
}

/// A validated `reverification`, as the `Reverification` value it expands to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reverification {
    /// A preset: the variant's name, e.g. `Strict`.
    Preset(&'static str),
    /// `"<level>:<minutes>"`: the `ReverificationLevel` variant's name and the minutes (> 0).
    Custom { level: &'static str, after_minutes: u32 },
}

/// Validated arguments: what the expansion needs, every string known to be well formed.
pub(crate) struct ProtectedArgs {
    /// Any-of organization roles (empty: no role check).
    pub(crate) roles: Vec<LitStr>,
    pub(crate) permission: Option<LitStr>,
    pub(crate) feature: Option<LitStr>,
    pub(crate) plan: Option<LitStr>,
    pub(crate) reverification: Option<Reverification>,
    pub(crate) accepts: Accepts,
    /// The path of clerk-sdk (`crate = "..."`); `None` for `::clerk_sdk`.
    pub(crate) krate: Option<syn::Path>,
}

impl Parse for ProtectedArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut errors = Errors::default();
        let parsed = parse(input, &mut errors)?;
        errors.finish(parsed.args)
    }
}

/// The arguments, valid or not, as far as checks of the handler need them.
pub(crate) struct Parsed {
    /// Fit for the expansion only if no validation error was pushed.
    pub(crate) args: ProtectedArgs,
    /// Whether `args.accepts` is what was written (valid, or not given). An invalid `accepts`
    /// was reported already and stands in as the default; judging the handler's extractors
    /// against that stand-in would report mistakes the user did not make.
    pub(crate) accepts_known: bool,
}

/// Parses and validates the arguments, pushing each validation error into `errors`.
///
/// `Err` is a syntax error: nothing after it can be trusted, so nothing else is checked.
/// Otherwise the arguments come back even when some are invalid, so that `expand.rs` can check
/// the handler against `accepts` and report those errors together with these.
pub(crate) fn parse(input: ParseStream<'_>, errors: &mut Errors) -> syn::Result<Parsed> {
    let raw = Raw::parse(input, errors)?;
    Ok(ProtectedArgs::validate(raw, errors))
}

impl ProtectedArgs {
    fn validate(mut raw: Raw, errors: &mut Errors) -> Parsed {
        // The session-only checks given, to judge against `accepts` once it is known.
        let session_only: Vec<(Span, Key)> = raw
            .0
            .iter()
            .filter(|(key, ..)| key.session_only())
            .map(|(key, span, _)| (*span, *key))
            .collect();

        let roles = match raw.take(Key::Role) {
            None => Vec::new(),
            Some((_, value)) => {
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

        // An argument that takes one string, checked by `check`.
        let mut single = |key: Key, check: fn(&str) -> Result<(), String>, errors: &mut Errors| {
            let (_, value) = raw.take(key)?;
            let lit = value.single(key, errors)?;
            if let Err(message) = check(&lit.value()) {
                errors.push(syn::Error::new(lit.span(), message));
            }
            Some(lit)
        };
        let permission = single(Key::Permission, check_permission, errors);
        let feature = single(Key::Feature, |f| check_billing(Key::Feature, f), errors);
        let plan = single(Key::Plan, |p| check_billing(Key::Plan, p), errors);

        let reverification = raw.take(Key::Reverification).and_then(|(_, value)| {
            let lit = value.single(Key::Reverification, errors)?;
            check_reverification(&lit.value())
                .map_err(|message| errors.push(syn::Error::new(lit.span(), message)))
                .ok()
        });

        // An invalid `accepts` was reported already; judging the checks against what is left
        // of it would only add noise.
        let accepts = match raw.take(Key::Accepts) {
            None => Some(Accepts::Default),
            Some((_, value)) => accepts(value, errors),
        };
        if accepts.as_ref().is_some_and(|a| !a.admits_sessions()) {
            let session = SESSION_TOKEN.0;
            for (span, key) in session_only {
                let name = key.name();
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

        let krate = raw.take(Key::Crate).and_then(|(_, value)| {
            let lit = value.single(Key::Crate, errors)?;
            let path = lit.parse::<syn::Path>().ok();
            if path.is_none() {
                errors.push(syn::Error::new(
                    lit.span(),
                    "`crate` takes the path clerk-sdk is reachable at, e.g. `crate = \"::my_clerk\"`",
                ));
            }
            path
        });

        Parsed {
            accepts_known: accepts.is_some(),
            args: ProtectedArgs {
                roles,
                permission,
                feature,
                plan,
                reverification,
                accepts: accepts.unwrap_or(Accepts::Default),
                krate,
            },
        }
    }
}

/// The validated `accepts`, or `None` after reporting what is wrong with it.
fn accepts(value: Value, errors: &mut Errors) -> Option<Accepts> {
    // A string that holds several names gets the list form, built from every name written:
    // `token_type`'s closest-name hint would offer one of them and silently drop the others.
    let written: Vec<String> = match &value {
        Value::One(lit) => vec![lit.value()],
        Value::List(_, items) => items.iter().map(LitStr::value).collect(),
    };
    let list = written.iter().any(|text| several_names(text)).then(|| {
        let mut names: Vec<&str> = Vec::new();
        for name in written
            .iter()
            .flat_map(|text| split_names(text))
            .map(suggested_name)
        {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        accepts_list(&names)
    });
    let variant = |lit: &LitStr| {
        let text = lit.value();
        let message = match &list {
            Some(list) if several_names(&text) => Err(format!(
                "`accepts` takes one token type per string, and \"{text}\" names several; \
                 list them instead: `{list}`"
            )),
            _ => token_type(&text),
        };
        message.map_err(|m| syn::Error::new(lit.span(), m))
    };
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

/// The names in `text`, split at commas, `|`, `;` and whitespace: each is a way to try to write
/// several token types in one string.
fn split_names(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| matches!(c, ',' | '|' | ';') || c.is_whitespace())
        .filter(|name| !name.is_empty())
}

/// Whether `text` holds more than one name (`"session_token, m2m_token"`).
fn several_names(text: &str) -> bool {
    split_names(text).nth(1).is_some()
}

/// A name as a suggested `accepts` list writes it: a token type as is, a typo as the closest
/// token type (so the suggestion compiles), anything else as written (its own error will
/// then explain it).
fn suggested_name(name: &str) -> &str {
    if TOKEN_TYPES.iter().any(|(wire, _)| *wire == name) {
        return name;
    }
    closest(name, TOKEN_TYPES.map(|(wire, _)| wire)).unwrap_or(name)
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
fn check_billing(key: Key, value: &str) -> Result<(), String> {
    let name = key.name();
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

/// The `Reverification` a preset name or `"<level>:<minutes>"` expands to.
fn check_reverification(value: &str) -> Result<Reverification, String> {
    if let Some((_, variant)) = REVERIFICATION_PRESETS.iter().find(|(name, _)| *name == value) {
        return Ok(Reverification::Preset(variant));
    }
    let custom = value.split_once(':').and_then(|(level, minutes)| {
        let (_, level) = REVERIFICATION_LEVELS.iter().find(|(name, _)| *name == level)?;
        // Digits only: `u32::from_str` also takes a leading `+`, which clerk-sdk refuses.
        if minutes.is_empty() || !minutes.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let after_minutes = minutes.parse::<u32>().ok().filter(|m| *m > 0)?;
        Some(Reverification::Custom { level, after_minutes })
    });
    custom.ok_or_else(|| {
        let presets = REVERIFICATION_PRESETS.map(|(name, _)| name);
        let hint = closest(value, presets)
            .map(|c| format!("did you mean \"{c}\"? "))
            .unwrap_or_default();
        format!(
            "unknown reverification preset \"{value}\"; {hint}write one of {}, or \
             \"<level>:<minutes>\" with level {} and minutes > 0 (e.g. \"second_factor:30\")",
            quoted(presets, '"'),
            either(&REVERIFICATION_LEVELS.map(|(name, _)| name)),
        )
    })
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
            (
                "accepts = \"session_token, m2m_token\"",
                "list them instead: `accepts = [\"session_token\", \"m2m_token\"]`",
            ),
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

    /// Several names in one string: the list form, with every name (a typo corrected), never
    /// a closest-name hint that would keep one and drop the rest.
    #[test]
    fn several_names_in_one_string() {
        let cases = [
            (
                r#"accepts = "session_token, m2m_token""#,
                r#"`accepts` takes one token type per string, and "session_token, m2m_token" names several; list them instead: `accepts = ["session_token", "m2m_token"]`"#,
            ),
            (
                r#"accepts = "m2m_token|api_key session_token""#,
                r#"`accepts` takes one token type per string, and "m2m_token|api_key session_token" names several; list them instead: `accepts = ["m2m_token", "api_key", "session_token"]`"#,
            ),
            (
                r#"accepts = "session_token,m2m""#,
                r#"`accepts` takes one token type per string, and "session_token,m2m" names several; list them instead: `accepts = ["session_token", "m2m_token"]`"#,
            ),
            (
                r#"accepts = ["session_token", "m2m_token; session_token"]"#,
                r#"`accepts` takes one token type per string, and "m2m_token; session_token" names several; list them instead: `accepts = ["session_token", "m2m_token"]`"#,
            ),
        ];
        for (tokens, want) in cases {
            assert_eq!(error(tokens), want, "{tokens}");
        }
        // One name with a stray separator is a name, with the usual hint.
        assert!(error(r#"accepts = "m2m_token,""#).contains("did you mean \"m2m_token\"?"));
        assert!(error(r#"accepts = " m2m_token""#).contains("did you mean \"m2m_token\"?"));
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
    fn argument_table() {
        let docs = include_str!("lib.rs");
        for key in Key::ALL {
            assert_eq!(Key::from_name(key.name()), Some(key));
            assert!(key.example().starts_with(key.name()), "{key:?}");
            // The macro's docs have a row for it.
            assert!(docs.contains(&format!("/// | `{}` |", key.name())), "{key:?}");
        }
        assert_eq!(
            super::valid_arguments(),
            "`role`, `permission`, `feature`, `plan`, `reverification`, `accepts`, `crate`"
        );
        assert_eq!(
            error("5"),
            "expected one of: `role`, `permission`, `feature`, `plan`, `reverification`, \
             `accepts`, `crate`"
        );
        // Raw identifiers name the same argument; other keywords are unknown arguments.
        assert!(parse(r#"r#role = "org:admin""#).is_ok());
        assert!(error("self = \"x\"").starts_with("unknown argument `self`"));
    }

    #[test]
    fn reverification_values() {
        let custom = |level, after_minutes| Reverification::Custom { level, after_minutes };
        let cases = [
            ("strict_mfa", Reverification::Preset("StrictMfa")),
            ("lax", Reverification::Preset("Lax")),
            ("first_factor:1", custom("FirstFactor", 1)),
            ("second_factor:30", custom("SecondFactor", 30)),
            ("multi_factor:4294967295", custom("MultiFactor", u32::MAX)),
        ];
        for (text, want) in cases {
            assert_eq!(check_reverification(text), Ok(want), "{text}");
        }
        for bad in [
            "first_factor:+5",
            "first_factor: 5",
            "Strict",
            "first_factor:4294967296",
        ] {
            assert!(check_reverification(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn messages_list_the_tables() {
        assert_eq!(
            check_billing(Key::Plan, "pro:").unwrap_err(),
            r#"plan "pro:" has an unknown scope `pro`: write "org:<key>", "user:<key>", or just "<key>" for either"#
        );
        assert_eq!(
            check_billing(Key::Feature, "o:").unwrap_err(),
            r#"feature "o:" must be "<key>", "org:<key>" or "user:<key>""#
        );
        assert!(check_billing(Key::Feature, "organization:reports").is_ok());
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
