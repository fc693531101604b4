//! The expansion: a hidden policy struct and one leading guard argument; everything else as
//! written. Does no argument parsing (`args.rs` does), but checks the handler: that it is an
//! `async fn` without `self`, and that no extractor it takes is one `accepts` makes fail.
//!
//! ```text
//! #[clerk_protected(role = "org:admin", accepts = ["session_token", "m2m_token"], reverification = "strict")]
//! pub async fn delete_org(State(app): State<App>) -> impl IntoResponse { BODY }
//! ```
//! becomes
//! ```text
//! #[doc(hidden)]
//! #[allow(non_camel_case_types, dead_code, unreachable_pub)]
//! pub struct __clerk_policy_delete_org;
//! #[allow(unused_qualifications)]
//! impl ::clerk_sdk::__private::Policy for __clerk_policy_delete_org {
//!     const ACCEPTS: ::clerk_sdk::__private::Accepts = ::clerk_sdk::__private::Accepts::Many(&[
//!         ::clerk_sdk::__private::TokenType::SessionToken,
//!         ::clerk_sdk::__private::TokenType::M2mToken,
//!     ]);
//!     const ROLES: &'static [&'static str] = &["org:admin"];
//!     const REVERIFICATION: ::core::option::Option<::clerk_sdk::__private::Reverification> =
//!         ::core::option::Option::Some(::clerk_sdk::__private::Reverification::Strict);
//! }
//! pub async fn delete_org(
//!     _: ::clerk_sdk::__private::Guard<__clerk_policy_delete_org>,
//!     State(app): State<App>,
//! ) -> impl IntoResponse { BODY }
//! ```
//!
//! Token types and reverification are emitted as the runtime's own values, so the guard parses
//! nothing per request and has no "did not parse" case to handle. Roles, the permission, the
//! feature and the plan stay string literals: they are names the session's claims are compared
//! with, and their form was checked here at compile time.
//!
//! When anything is wrong the item is emitted unchanged, followed by the errors (the
//! arguments' and the handler's together), so the only errors are ours (no "not a handler"
//! cascade at `get(..)`), and IDEs keep completing.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::ext::IdentExt as _;
use syn::parse::{ParseStream, Parser as _};
use syn::spanned::Spanned as _;
use syn::{FnArg, GenericArgument, Ident, Item, ItemFn, LitStr, PathArguments, Signature, Type};

use crate::args::{self, Accepts, Errors, ProtectedArgs, Reverification, accepts_list, quoted};
use crate::tables::{SESSION_TOKEN, TOKEN_TYPES};

/// `#[clerk_protected(args)] item`: the expansion, or `item` unchanged followed by every error.
pub(crate) fn clerk_protected(args: TokenStream, item: TokenStream) -> TokenStream {
    // The arguments' errors first, then the handler's, in the order they are written.
    let mut errors = Errors::default();
    let parsed = (|input: ParseStream<'_>| args::parse(input, &mut errors)).parse2(args);
    let parsed = parsed.map_err(|error| errors.push(error)).ok();
    let function = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(function)) => Some(function),
        Ok(other) => {
            errors.push(not_a_fn(&other));
            None
        }
        Err(error) => {
            errors.push(error);
            None
        }
    };
    if let Some(function) = &function {
        check_fn(function, &mut errors);
        if let Some(parsed) = parsed.as_ref().filter(|parsed| parsed.accepts_known) {
            check_extractors(&function.sig, &parsed.args.accepts, &mut errors);
        }
    }
    let output = match (errors.finish(()), parsed, function) {
        (Ok(()), Some(parsed), Some(function)) => {
            expand(&parsed.args, function).unwrap_or_else(|error| {
                // Only a table entry that is not an identifier gets here (the unit tests
                // expand every entry): still the item and an error, never a panic.
                with_error(item, &error)
            })
        }
        (Err(error), ..) => with_error(item, &error),
        // Each `None` above pushed an error, so this is not reached; the unchanged item is
        // still a safe output.
        (Ok(()), ..) => item,
    };
    if std::env::var_os("CLERK_MACROS_DEBUG").is_some() {
        eprintln!("{output}");
    }
    output
}

fn with_error(item: TokenStream, error: &syn::Error) -> TokenStream {
    let mut output = item;
    output.extend(error.to_compile_error());
    output
}

/// The handler must be a free `async fn`.
fn check_fn(function: &ItemFn, errors: &mut Errors) {
    let sig = &function.sig;
    if sig.asyncness.is_none() {
        errors.push(syn::Error::new_spanned(
            sig.fn_token,
            "`#[clerk_protected]` protects axum and actix-web handlers, which are `async fn`s: \
             write `async fn`",
        ));
    }
    if let Some(FnArg::Receiver(receiver)) = sig.inputs.first() {
        errors.push(syn::Error::new_spanned(
            receiver,
            "`#[clerk_protected]` does not support methods taking `self` yet: the policy type it \
             generates cannot live in an impl block; write the handler as a free `async fn`",
        ));
    }
}

/// The clerk-sdk extractors that can fail for every caller the guard lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extractor {
    Session,
    Machine,
}

/// `ClerkSession` or `ClerkMachine` (possibly in an `Option` or `Maybe`) extracted while `accepts` admits
/// no caller it could succeed for: the handler would compile and then refuse every request (or
/// see only `None`). Each such argument is an error on its type.
fn check_extractors(sig: &Signature, accepts: &Accepts, errors: &mut Errors) {
    for input in &sig.inputs {
        let FnArg::Typed(argument) = input else { continue };
        let Some((extractor, wrapper)) = extractor(&argument.ty) else {
            continue;
        };
        let admitted = match extractor {
            Extractor::Session => accepts.admits_sessions(),
            Extractor::Machine => accepts.admits_machines(),
        };
        if !admitted {
            errors.push(syn::Error::new_spanned(
                &argument.ty,
                extractor_message(extractor, wrapper, accepts),
            ));
        }
    }
}

/// Which extractor `ty` is, and the optional form it is in, if any: `Option` (axum's) or
/// `Maybe` (actix-web's, `clerk_sdk::actix::Maybe`: actix's own `Option<T>` would hide an
/// outage).
///
/// A proc macro sees tokens, not types, so this goes by the last path segment: `ClerkMachine`,
/// `clerk_sdk::axum::ClerkMachine`, `clerk_sdk::actix::ClerkMachine`, `Option<ClerkMachine>`,
/// `Maybe<ClerkMachine>` and `::core::option::Option<ClerkMachine>` are all recognised, but a
/// type alias of them (or a
/// re-export under another name) is not, and that handler is not checked. An unrelated type
/// that happens to be named `ClerkSession` or `ClerkMachine` would be checked as if it were
/// clerk-sdk's; naming a type after the SDK's extractors is unlikely enough to accept that.
fn extractor(ty: &Type) -> Option<(Extractor, Option<&'static str>)> {
    let segment = last_segment(ty)?;
    let wrapper = ["Option", "Maybe"]
        .into_iter()
        .find(|wrapper| segment.ident == wrapper);
    if let Some(wrapper) = wrapper {
        let PathArguments::AngleBracketed(arguments) = &segment.arguments else {
            return None;
        };
        let mut arguments = arguments.args.iter();
        let (Some(GenericArgument::Type(inner)), None) = (arguments.next(), arguments.next()) else {
            return None;
        };
        let inner = last_segment(inner)?;
        return plain_extractor(inner).map(|extractor| (extractor, Some(wrapper)));
    }
    plain_extractor(segment).map(|extractor| (extractor, None))
}

fn plain_extractor(segment: &syn::PathSegment) -> Option<Extractor> {
    if !segment.arguments.is_none() {
        return None;
    }
    if segment.ident == "ClerkSession" {
        Some(Extractor::Session)
    } else if segment.ident == "ClerkMachine" {
        Some(Extractor::Machine)
    } else {
        None
    }
}

/// The last segment of a plain type path (through the invisible groups a `macro_rules!`
/// expansion wraps types in, and parentheses).
fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        _ => None,
    }
}

/// What is wrong with extracting `extractor` under `accepts`, and the two ways out: an
/// `accepts` that admits its callers (written out, built from the current one), or the other
/// extractor (or, for the `Option` and `Maybe` forms, dropping the argument).
fn extractor_message(extractor: Extractor, wrapper: Option<&str>, accepts: &Accepts) -> String {
    let session = SESSION_TOKEN.0;
    let machines: Vec<&str> = TOKEN_TYPES
        .iter()
        .map(|(wire, _)| *wire)
        .filter(|wire| *wire != session)
        .collect();
    let (name, other, missing, caller) = match extractor {
        Extractor::Session => ("ClerkSession", "ClerkMachine", session, "session"),
        Extractor::Machine => (
            "ClerkMachine",
            "ClerkSession",
            machines.first().copied().unwrap_or(session),
            "machine",
        ),
    };
    let mut suggested = accepts.wire_names();
    suggested.push(missing);
    if extractor == Extractor::Session {
        // Session tokens first, as the docs list them.
        suggested.rotate_right(1);
    }
    let suggested = accepts_list(&suggested);
    let why = match (extractor, accepts) {
        (Extractor::Machine, Accepts::Default) => {
            "without `accepts`, only session tokens are admitted".to_owned()
        }
        (Extractor::Machine, _) => "this `accepts` admits no machine token type".to_owned(),
        (Extractor::Session, _) => format!("this `accepts` admits no `{session}`"),
    };
    let admit = match extractor {
        Extractor::Session => format!("add \"{session}\" to `accepts`"),
        Extractor::Machine => format!(
            "admit a machine token type ({})",
            quoted(machines.iter().copied(), '"')
        ),
    };
    if let Some(wrapper) = wrapper {
        format!(
            "`{wrapper}<{name}>` is always `None` here: {why}, so no {caller} caller reaches this \
             handler; {admit}, e.g. `{suggested}`, or remove the argument"
        )
    } else {
        format!(
            "`{name}` never succeeds here, so every request would be refused: {why}; {admit}, \
             e.g. `{suggested}`, or extract `{other}`"
        )
    }
}

fn not_a_fn(item: &Item) -> syn::Error {
    let message = "`#[clerk_protected]` applies to axum and actix-web handler functions (`async fn`) only";
    let span = match item {
        Item::Struct(s) => s.struct_token.span,
        Item::Enum(e) => e.enum_token.span,
        Item::Impl(i) => i.impl_token.span,
        Item::Trait(t) => t.trait_token.span,
        Item::Mod(m) => m.mod_token.span,
        Item::Const(c) => c.const_token.span,
        Item::Static(s) => s.static_token.span,
        Item::Type(t) => t.type_token.span,
        Item::Use(u) => u.use_token.span,
        other => other.span(),
    };
    syn::Error::new(span, message)
}

fn expand(args: &ProtectedArgs, mut function: ItemFn) -> syn::Result<TokenStream> {
    let krate = args
        .krate
        .as_ref()
        .map_or_else(|| quote!(::clerk_sdk), ToTokens::to_token_stream);
    let private = quote!(#krate::__private);
    let vis = &function.vis;
    let policy = format_ident!(
        "__clerk_policy_{}",
        function.sig.ident.unraw(),
        span = Span::call_site()
    );
    // The struct and impl follow the handler in and out of `#[cfg]`.
    let cfgs = function.attrs.iter().filter(|a| a.path().is_ident("cfg"));
    let cfgs = quote!(#(#cfgs)*);
    let consts = consts(args, &private)?;

    let guard = syn::parse2(quote!(_: #private::Guard<#policy>))?;
    function.sig.inputs.insert(0, guard);

    Ok(quote! {
        #cfgs
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, unreachable_pub)]
        #vis struct #policy;

        #cfgs
        #[allow(unused_qualifications)]
        impl #private::Policy for #policy {
            #consts
        }

        #function
    })
}

/// The `Policy` consts the arguments set; the trait's defaults cover the rest.
fn consts(args: &ProtectedArgs, private: &TokenStream) -> syn::Result<TokenStream> {
    let mut consts = TokenStream::new();
    let token_type = |name: &str| -> syn::Result<TokenStream> {
        let variant = variant(name)?;
        Ok(quote!(#private::TokenType::#variant))
    };
    match &args.accepts {
        Accepts::Default => {}
        Accepts::Any => consts.extend(quote! {
            const ACCEPTS: #private::Accepts = #private::Accepts::Any;
        }),
        Accepts::One(name) => {
            let t = token_type(name)?;
            consts.extend(quote! {
                const ACCEPTS: #private::Accepts = #private::Accepts::One(#t);
            });
        }
        Accepts::Many(names) => {
            let types = names
                .iter()
                .map(|name| token_type(name))
                .collect::<syn::Result<Vec<_>>>()?;
            consts.extend(quote! {
                const ACCEPTS: #private::Accepts = #private::Accepts::Many(&[#(#types),*]);
            });
        }
    }
    if !args.roles.is_empty() {
        let roles = &args.roles;
        consts.extend(quote! {
            const ROLES: &'static [&'static str] = &[#(#roles),*];
        });
    }
    let names = [
        ("PERMISSION", &args.permission),
        ("FEATURE", &args.feature),
        ("PLAN", &args.plan),
    ];
    for (name, value) in names {
        if let Some(lit) = value {
            let name = format_ident!("{}", name);
            consts.extend(str_const(&name, lit));
        }
    }
    if let Some(reverification) = args.reverification {
        let value = match reverification {
            Reverification::Preset(name) => {
                let preset = variant(name)?;
                quote!(#private::Reverification::#preset)
            }
            Reverification::Custom { level, after_minutes } => {
                let level = variant(level)?;
                let after_minutes = Literal::u32_unsuffixed(after_minutes);
                quote! {
                    #private::Reverification::Custom {
                        level: #private::ReverificationLevel::#level,
                        after_minutes: #after_minutes,
                    }
                }
            }
        };
        consts.extend(quote! {
            const REVERIFICATION: ::core::option::Option<#private::Reverification> =
                ::core::option::Option::Some(#value);
        });
    }
    Ok(consts)
}

fn str_const(name: &Ident, lit: &LitStr) -> TokenStream {
    quote! {
        const #name: ::core::option::Option<&'static str> = ::core::option::Option::Some(#lit);
    }
}

/// A variant name from `tables.rs` as an identifier: an error rather than `format_ident!`'s
/// panic if an entry is not one.
fn variant(name: &str) -> syn::Result<Ident> {
    syn::parse_str(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(args: &str, item: &str) -> String {
        let output = clerk_protected(args.parse().unwrap(), item.parse().unwrap());
        prettyplease::unparse(&syn::parse2(output).unwrap())
    }

    /// The expansion as a reviewer reads it: a diff here is a review item.
    #[test]
    fn snapshot() {
        let got = pretty(
            r#"role = "org:admin", accepts = ["session_token", "m2m_token"], reverification = "strict""#,
            r#"
            /// Deletes the org.
            #[cfg(feature = "admin")]
            pub async fn delete_org<T: Send>(State(app): State<App>) -> impl IntoResponse where T: Sync {
                app.delete().await
            }
            "#,
        );
        let want = r#"#[cfg(feature = "admin")]
#[doc(hidden)]
#[allow(non_camel_case_types, dead_code, unreachable_pub)]
pub struct __clerk_policy_delete_org;
#[cfg(feature = "admin")]
#[allow(unused_qualifications)]
impl ::clerk_sdk::__private::Policy for __clerk_policy_delete_org {
    const ACCEPTS: ::clerk_sdk::__private::Accepts = ::clerk_sdk::__private::Accepts::Many(
        &[
            ::clerk_sdk::__private::TokenType::SessionToken,
            ::clerk_sdk::__private::TokenType::M2mToken,
        ],
    );
    const ROLES: &'static [&'static str] = &["org:admin"];
    const REVERIFICATION: ::core::option::Option<
        ::clerk_sdk::__private::Reverification,
    > = ::core::option::Option::Some(::clerk_sdk::__private::Reverification::Strict);
}
/// Deletes the org.
#[cfg(feature = "admin")]
pub async fn delete_org<T: Send>(
    _: ::clerk_sdk::__private::Guard<__clerk_policy_delete_org>,
    State(app): State<App>,
) -> impl IntoResponse
where
    T: Sync,
{
    app.delete().await
}
"#;
        assert_eq!(got, want, "\n{got}");
    }

    #[test]
    fn bare_and_renamed() {
        let got = pretty(r#"crate = "::clerk""#, "async fn r#type() {}");
        let want = "#[doc(hidden)]
#[allow(non_camel_case_types, dead_code, unreachable_pub)]
struct __clerk_policy_type;
#[allow(unused_qualifications)]
impl ::clerk::__private::Policy for __clerk_policy_type {}
async fn r#type(_: ::clerk::__private::Guard<__clerk_policy_type>) {}
";
        assert_eq!(got, want, "\n{got}");
    }

    /// The typed consts: the custom reverification form, one token type, `any`, and the
    /// string-valued checks.
    #[test]
    fn typed_consts() {
        let got = pretty(
            r#"reverification = "second_factor:4294967295", accepts = "any", permission = "org:a:b", feature = "reports", plan = "user:pro""#,
            "async fn f() {}",
        );
        let want = r#"#[doc(hidden)]
#[allow(non_camel_case_types, dead_code, unreachable_pub)]
struct __clerk_policy_f;
#[allow(unused_qualifications)]
impl ::clerk_sdk::__private::Policy for __clerk_policy_f {
    const ACCEPTS: ::clerk_sdk::__private::Accepts = ::clerk_sdk::__private::Accepts::Any;
    const PERMISSION: ::core::option::Option<&'static str> = ::core::option::Option::Some(
        "org:a:b",
    );
    const FEATURE: ::core::option::Option<&'static str> = ::core::option::Option::Some(
        "reports",
    );
    const PLAN: ::core::option::Option<&'static str> = ::core::option::Option::Some(
        "user:pro",
    );
    const REVERIFICATION: ::core::option::Option<
        ::clerk_sdk::__private::Reverification,
    > = ::core::option::Option::Some(::clerk_sdk::__private::Reverification::Custom {
        level: ::clerk_sdk::__private::ReverificationLevel::SecondFactor,
        after_minutes: 4294967295,
    });
}
async fn f(_: ::clerk_sdk::__private::Guard<__clerk_policy_f>) {}
"#;
        assert_eq!(got, want, "\n{got}");
        let got = pretty(r#"accepts = "api_key""#, "async fn f() {}");
        assert!(
            got.contains("::clerk_sdk::__private::Accepts::One(\n        ::clerk_sdk::__private::TokenType::ApiKey,\n    )"),
            "\n{got}"
        );
    }

    /// Every name of `tables.rs` expands to an item, without an error: `expand` can fail only
    /// on a table entry that is not an identifier.
    #[test]
    fn every_table_entry_expands() {
        use crate::tables::{REVERIFICATION_LEVELS, REVERIFICATION_PRESETS, TOKEN_TYPES};
        let arguments = TOKEN_TYPES
            .iter()
            .map(|(name, _)| format!("accepts = {name:?}"))
            .chain(
                REVERIFICATION_PRESETS
                    .iter()
                    .map(|(name, _)| format!("reverification = {name:?}")),
            )
            .chain(
                REVERIFICATION_LEVELS
                    .iter()
                    .map(|(name, _)| format!("reverification = \"{name}:1\"")),
            );
        for arguments in arguments {
            let output = clerk_protected(arguments.parse().unwrap(), "async fn f() {}".parse().unwrap());
            let text = output.to_string();
            assert!(!text.contains("compile_error"), "{arguments}: {text}");
            assert!(
                text.contains("impl :: clerk_sdk :: __private :: Policy"),
                "{arguments}: {text}"
            );
        }
    }

    /// The messages `check_extractors` gives for a handler taking `inputs`, under `args`.
    fn extractor_errors(args: &str, inputs: &str) -> Vec<String> {
        let args = syn::parse_str::<ProtectedArgs>(args).unwrap();
        let function = syn::parse_str::<ItemFn>(&format!("async fn f({inputs}) {{}}")).unwrap();
        let mut errors = Errors::default();
        check_extractors(&function.sig, &args.accepts, &mut errors);
        errors
            .finish(())
            .err()
            .into_iter()
            .flatten()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn extractors_against_accepts() {
        let machine = "`ClerkMachine` never succeeds here";
        let some_machine = "`Option<ClerkMachine>` is always `None` here";
        let session = "`ClerkSession` never succeeds here";
        let some_session = "`Option<ClerkSession>` is always `None` here";
        let cases: &[(&str, &str, &[&str])] = &[
            // Every spelling of the type is recognised by its last segment.
            ("", "ClerkMachine(m): ClerkMachine", &[machine]),
            ("", "m: clerk_sdk::axum::ClerkMachine", &[machine]),
            ("", "m: ::clerk_sdk::axum::ClerkMachine", &[machine]),
            ("", "m: (ClerkMachine)", &[machine]),
            (
                r#"accepts = "session_token""#,
                "m: Option<ClerkMachine>",
                &[some_machine],
            ),
            (
                r#"accepts = ["session_token"]"#,
                "m: ::core::option::Option<clerk_sdk::axum::ClerkMachine>",
                &[some_machine],
            ),
            (
                r#"accepts = "m2m_token""#,
                "ClerkSession(s): ClerkSession",
                &[session],
            ),
            (
                r#"accepts = ["m2m_token", "api_key"]"#,
                "s: Option<ClerkSession>",
                &[some_session],
            ),
            // actix-web's optional form.
            (
                "",
                "m: Maybe<ClerkMachine>",
                &["`Maybe<ClerkMachine>` is always `None` here"],
            ),
            (
                "",
                "m: clerk_sdk::actix::Maybe<clerk_sdk::actix::ClerkMachine>",
                &["`Maybe<ClerkMachine>` is always `None` here"],
            ),
            (
                r#"accepts = "m2m_token""#,
                "s: Maybe<ClerkSession>",
                &["`Maybe<ClerkSession>` is always `None` here"],
            ),
            (r#"accepts = "m2m_token""#, "m: Maybe<ClerkMachine>", &[]),
            // Each argument is judged: two wrong extractors, two errors.
            (
                "",
                "a: ClerkMachine, b: Option<ClerkMachine>",
                &[machine, some_machine],
            ),
            // Admitted.
            ("", "s: ClerkSession, t: Option<ClerkSession>", &[]),
            (r#"accepts = "any""#, "m: ClerkMachine, s: ClerkSession", &[]),
            (
                r#"accepts = ["session_token", "m2m_token"]"#,
                "m: ClerkMachine, s: ClerkSession",
                &[],
            ),
            (r#"accepts = "oauth_token""#, "m: ClerkMachine", &[]),
            (r#"accepts = "api_key""#, "m: Option<ClerkMachine>", &[]),
            // Not these extractors, or not recognisable as one.
            ("", "a: ClerkAuth", &[]),
            ("", "m: Vec<ClerkMachine>", &[]),
            ("", "m: Option<Option<ClerkMachine>>", &[]),
            ("", "m: Maybe<Maybe<ClerkMachine>>", &[]),
            ("", "m: Option<ClerkMachine, X>", &[]),
            ("", "m: ClerkMachine<T>", &[]),
            ("", "m: <T as Trait>::ClerkMachine", &[]),
            ("", "m: &ClerkMachine", &[]),
            ("", "m: ClerkMachines", &[]),
        ];
        for (args, inputs, want) in cases {
            let got = extractor_errors(args, inputs);
            assert_eq!(got.len(), want.len(), "{args} / {inputs}: {got:?}");
            for (got, want) in got.iter().zip(*want) {
                assert!(got.starts_with(want), "{args} / {inputs}: {got}");
            }
        }
    }

    /// The whole messages: what is wrong, and an `accepts` built from the one written.
    #[test]
    fn extractor_messages() {
        let cases = [
            (
                "",
                "m: ClerkMachine",
                r#"`ClerkMachine` never succeeds here, so every request would be refused: without `accepts`, only session tokens are admitted; admit a machine token type ("m2m_token", "oauth_token", "api_key"), e.g. `accepts = ["session_token", "m2m_token"]`, or extract `ClerkSession`"#,
            ),
            (
                r#"accepts = "session_token""#,
                "m: Option<ClerkMachine>",
                r#"`Option<ClerkMachine>` is always `None` here: this `accepts` admits no machine token type, so no machine caller reaches this handler; admit a machine token type ("m2m_token", "oauth_token", "api_key"), e.g. `accepts = ["session_token", "m2m_token"]`, or remove the argument"#,
            ),
            (
                r#"accepts = ["m2m_token", "api_key"]"#,
                "s: ClerkSession",
                r#"`ClerkSession` never succeeds here, so every request would be refused: this `accepts` admits no `session_token`; add "session_token" to `accepts`, e.g. `accepts = ["session_token", "m2m_token", "api_key"]`, or extract `ClerkMachine`"#,
            ),
            (
                r#"accepts = "oauth_token""#,
                "s: Option<ClerkSession>",
                r#"`Option<ClerkSession>` is always `None` here: this `accepts` admits no `session_token`, so no session caller reaches this handler; add "session_token" to `accepts`, e.g. `accepts = ["session_token", "oauth_token"]`, or remove the argument"#,
            ),
        ];
        for (args, inputs, want) in cases {
            assert_eq!(extractor_errors(args, inputs), [want], "{args} / {inputs}");
        }
    }

    /// The extractor errors join the others; an invalid `accepts` judges no extractor.
    #[test]
    fn extractor_errors_are_collected() {
        let errors = |args: &str, item: &str| {
            let output = clerk_protected(args.parse().unwrap(), item.parse().unwrap());
            let text = output.to_string();
            // The item, unchanged, comes before the errors.
            assert!(
                text.starts_with("fn f (") || text.starts_with("async fn f ("),
                "{text}"
            );
            (
                text.matches("compile_error").count(),
                text.matches("never succeeds").count(),
            )
        };
        // A bad role, a missing `async` and the extractor: all three.
        assert_eq!(errors(r#"role = "admin""#, "fn f(m: ClerkMachine) {}"), (3, 1));
        // A syntax error in the arguments: `accepts` is unknown, so only the fn's own errors.
        assert_eq!(errors("5", "fn f(m: ClerkMachine) {}"), (2, 0));
        // `accepts` itself is wrong: its error alone, not one about the stand-in default.
        assert_eq!(
            errors(r#"accepts = "m2mtoken""#, "async fn f(m: ClerkMachine) {}"),
            (1, 0)
        );
        assert_eq!(
            errors(
                r#"accepts = "m2m_token", role = "org:admin""#,
                "async fn f(s: ClerkSession) {}"
            ),
            (2, 1)
        );
    }

    #[test]
    fn errors_keep_the_item() {
        let output = clerk_protected(r#"role = "admin""#.parse().unwrap(), "fn f() {}".parse().unwrap());
        let text = output.to_string();
        assert!(text.starts_with("fn f () { }"), "{text}");
        assert_eq!(text.matches("compile_error").count(), 2, "{text}");
    }
}
