//! The expansion: a hidden policy struct and one leading guard argument; everything else as
//! written. Does no argument parsing (`args.rs` does).
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
//! When anything is wrong the item is emitted unchanged, followed by the errors, so the only
//! errors are ours (no "not a handler" cascade at `get(..)`), and IDEs keep completing.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::ext::IdentExt as _;
use syn::spanned::Spanned as _;
use syn::{FnArg, Ident, Item, ItemFn, LitStr};

use crate::args::{Accepts, ProtectedArgs, Reverification};

/// `#[clerk_protected(args)] item`: the expansion, or `item` unchanged followed by every error.
pub(crate) fn clerk_protected(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = syn::parse2::<ProtectedArgs>(args);
    let function = syn::parse2::<Item>(item.clone()).and_then(|item| match item {
        Item::Fn(function) => check_fn(&function).map(|()| function),
        other => Err(not_a_fn(&other)),
    });
    let output = match (args, function) {
        (Ok(args), Ok(function)) => expand(&args, function).unwrap_or_else(|error| {
            // Only a table entry that is not an identifier gets here (the unit tests expand
            // every entry): still the item and an error, never a panic.
            with_error(item, &error)
        }),
        (Err(mut error), Err(other)) => {
            error.combine(other);
            with_error(item, &error)
        }
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => with_error(item, &error),
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
fn check_fn(function: &ItemFn) -> syn::Result<()> {
    let sig = &function.sig;
    let mut errors: Vec<syn::Error> = Vec::new();
    if sig.asyncness.is_none() {
        errors.push(syn::Error::new_spanned(
            sig.fn_token,
            "`#[clerk_protected]` protects axum handlers, which are `async fn`s: write `async fn`",
        ));
    }
    if let Some(FnArg::Receiver(receiver)) = sig.inputs.first() {
        errors.push(syn::Error::new_spanned(
            receiver,
            "`#[clerk_protected]` does not support methods taking `self` yet: the policy type it \
             generates cannot live in an impl block; write the handler as a free `async fn`",
        ));
    }
    let mut errors = errors.into_iter();
    match errors.next() {
        None => Ok(()),
        Some(mut first) => {
            errors.for_each(|e| first.combine(e));
            Err(first)
        }
    }
}

fn not_a_fn(item: &Item) -> syn::Error {
    let message = "`#[clerk_protected]` applies to axum handler functions (`async fn`) only";
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

    #[test]
    fn errors_keep_the_item() {
        let output = clerk_protected(r#"role = "admin""#.parse().unwrap(), "fn f() {}".parse().unwrap());
        let text = output.to_string();
        assert!(text.starts_with("fn f () { }"), "{text}");
        assert_eq!(text.matches("compile_error").count(), 2, "{text}");
    }
}
