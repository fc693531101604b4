//! Procedural macros for `clerk-sdk`: [`macro@clerk_protected`].
//!
//! Users never depend on this crate directly: `clerk-sdk` re-exports the macro behind its
//! `macros` feature and pins this crate to the exact same version, so the expansion and the
//! runtime it calls into (`clerk_sdk::__private`) always change together.
//!
//! The crate parses, validates and expands, nothing more: `args.rs` parses the arguments into
//! `(key, value)` pairs and validates them (all errors reported together, each on its own
//! token), `expand.rs` writes a hidden policy struct and one leading guard argument. Every
//! behaviour lives in clerk-sdk (`protected.rs`, with `axum/guard.rs` and
//! `actix/protected.rs` making the guard each framework's extractor) and is tested there as
//! plain Rust. The expansion does not depend on the framework: the same handler attribute
//! protects an axum handler and an actix-web handler.
//! `tables.rs` holds the names clerk-sdk also parses (token types, reverification presets and
//! levels, billing scopes); this crate cannot depend on clerk-sdk, so `tests/tables.rs` pins
//! each entry to clerk-sdk's parsers instead.
//!
//! Choices a reader might not expect, and why:
//! - The policy carries every `has()` dimension (role, permission, feature, plan,
//!   reverification) and an any-of role list, not just a role: a route protected by the macro
//!   should be able to ask anything `has()` can, and a route often admits several roles. The
//!   guard builds a `clerk_sdk::auth::Requirement` from it.
//! - A router state without `Clerk` cannot be made a clear error at `get(handler)`: rustc
//!   reports axum's unsatisfied `Handler<_, _>` bound there and nothing below it (checked on
//!   rustc 1.95, pinned by `tests/ui/fail/state_without_clerk.rs`). The guard's bound goes
//!   through `clerk_sdk::__private::ClerkState` (`#[diagnostic::on_unimplemented]`, with
//!   `#[diagnostic::do_not_recommend]` on its blanket impl), so with `#[axum::debug_handler]`
//!   the error is ours and says to add `Clerk` to the state
//!   (`tests/ui/fail/state_without_clerk_debug_handler.rs`). The docs point users there.
//! - An associated fn inside an `impl` block that takes no `self` is not detected (a proc
//!   macro cannot see its surroundings): rustc then refuses the generated items with "struct
//!   is not supported in `trait`s or `impl`s" (`tests/ui/fail/associated_fn_in_impl.rs`).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
#![doc(test(attr(deny(warnings))))]

mod args;
mod expand;
mod tables;

use proc_macro::TokenStream;

/// Protects an axum or actix-web handler: only callers that meet the arguments reach its
/// body; the others get clerk-sdk's 401 / 403 / 503 rejections.
///
/// Use it through `clerk_sdk::clerk_protected` (feature `macros`, with `axum` or `actix` for
/// the framework; both may be on). The arguments, the checks and the answers are the same on
/// both frameworks.
///
/// ```
/// use axum::{Router, extract::FromRef, routing::{delete, get}};
/// use clerk_sdk::{Clerk, clerk_protected};
/// use clerk_sdk::axum::ClerkSession;
///
/// #[derive(Clone, FromRef)]
/// struct App {
///     clerk: Clerk,
/// }
///
/// /// Any signed-in session.
/// #[clerk_protected]
/// async fn me(ClerkSession(session): ClerkSession) -> String {
///     session.user_id().to_owned()
/// }
///
/// /// Org admins, or any m2m caller.
/// #[clerk_protected(role = "org:admin", accepts = ["session_token", "m2m_token"])]
/// async fn delete_org() -> &'static str {
///     "deleted"
/// }
///
/// fn app(clerk: Clerk) -> Router {
///     Router::new()
///         .route("/me", get(me))
///         .route("/org", delete(delete_org))
///         .with_state(App { clerk })
/// }
/// # let _ = app;
/// ```
///
/// On actix-web, the guard takes the `Clerk` registered with `App::app_data` (as
/// `web::Data<Clerk>`, or a plain `Clerk`), as clerk-sdk's actix extractors do; a route
/// without one answers 500 and logs how to register it:
///
/// ```
/// use actix_web::{App, web};
/// use clerk_sdk::actix::{ClerkMachine, ClerkMiddleware, ClerkSession, Maybe};
/// use clerk_sdk::{Clerk, clerk_protected};
///
/// /// Any signed-in session.
/// #[clerk_protected]
/// async fn me(ClerkSession(session): ClerkSession) -> String {
///     session.user_id().to_owned()
/// }
///
/// /// Org admins, or any m2m caller (`Maybe` is actix's optional form: it still answers
/// /// 503 in an outage).
/// #[clerk_protected(role = "org:admin", accepts = ["session_token", "m2m_token"])]
/// async fn reports(Maybe(machine): Maybe<ClerkMachine>) -> &'static str {
///     if machine.is_some() { "reports for a machine" } else { "reports for an admin" }
/// }
///
/// fn app(clerk: Clerk) {
///     let _app = App::new()
///         .app_data(web::Data::new(clerk.clone()))
///         // Optional: authenticates each request once; the guards then reuse its outcome.
///         .wrap(ClerkMiddleware::new(clerk))
///         .route("/me", web::get().to(me))
///         .route("/reports", web::get().to(reports));
/// }
/// # let _ = app;
/// ```
///
/// # Arguments
///
/// All optional; every check given must pass (AND), as `has()` does.
///
/// | argument | example | meaning |
/// |---|---|---|
/// | `role` | `"org:admin"` or `["org:admin", "org:billing"]` | the active organization role; a list means *any of* them |
/// | `permission` | `"org:invoices:read"` | an organization permission, `org:<feature>:<permission>` |
/// | `feature` | `"org:reports"`, `"user:reports"`, `"reports"` | a billing feature (`fea` claim) |
/// | `plan` | `"org:pro"`, `"user:pro"`, `"pro"` | a billing plan (`pla` claim) |
/// | `reverification` | `"strict"` | `strict_mfa`, `strict`, `moderate`, `lax`, or `"<level>:<minutes>"` such as `"second_factor:30"` |
/// | `accepts` | `"m2m_token"`, `["session_token", "m2m_token"]`, `"any"` | admitted token types; default session tokens only |
/// | `crate` | `"::my_clerk"` | where clerk-sdk is, if you renamed or re-export it |
///
/// Bare `#[clerk_protected]` admits any signed-in session.
///
/// **Role, permission, feature, plan and reverification apply to session callers only.**
/// Machine tokens carry no organization role, so a machine caller of a type `accepts` admits
/// passes them. `#[clerk_protected(role = "org:admin", accepts = ["session_token",
/// "m2m_token"])]` therefore means "org admins, or any m2m caller". A session-only check
/// with an `accepts` that admits no session token is a compile error, since it could never run.
///
/// # Compile-time checks
///
/// Each mistake is an error on the offending token: unknown or repeated arguments, values that
/// are not string literals, a role without `org:`, a permission not of the form
/// `org:<feature>:<permission>`, system permissions (`org:sys_*`, never in session tokens), an
/// unknown token type (with the closest valid one suggested), several token types in one
/// string (the list form is suggested), an empty `accepts`, an unknown reverification preset,
/// a non-`async` fn, a `self` receiver, and anything that is not a fn (on either framework).
///
/// An extractor that `accepts` makes useless is an error on its type: `ClerkMachine` when
/// `accepts` admits no machine token type (the default admits session tokens only), or
/// `ClerkSession` when it admits no `session_token`. Either would refuse every request, and
/// its optional form (`Option` on axum, `Maybe` on actix-web) would always be `None`. The
/// macro sees the type as written, not what it resolves to, so it goes by the last path
/// segment (`ClerkMachine`, `clerk_sdk::axum::ClerkMachine`, `clerk_sdk::actix::ClerkMachine`,
/// `Option<ClerkMachine>`, `Maybe<ClerkMachine>`); a type alias is not checked.
///
/// # What it expands to
///
/// The handler keeps its body, return type, visibility, generics, `where` clause, attributes
/// and docs. One argument is prepended, `_: clerk_sdk::__private::Guard<__clerk_policy_NAME>`,
/// an extractor that authenticates the request (or reuses what a `ClerkLayer`, or on actix-web
/// a `ClerkMiddleware`, stored) and
/// rejects it unless it meets the policy, which is a hidden unit struct next to the handler.
/// The handler may also take `ClerkSession`, `ClerkMachine` or `ClerkAuth`: they receive the
/// already-verified outcome, so a request is verified once. Set `CLERK_MACROS_DEBUG=1` while
/// building to print the expansion.
///
/// On axum, the guard takes `Clerk` from the router state (`Clerk: FromRef<S>`), so the router's state
/// must hold one. If it does not, the error at `.route(.., get(handler))` is axum's vague
/// "the trait `Handler<_, _>` is not implemented"; put `#[axum::debug_handler(state = YourState)]`
/// *below* `#[clerk_protected]` and the error names the missing `Clerk` on the attribute:
///
/// ```compile_fail,E0277
/// # use axum::{Router, routing::get};
/// # use clerk_sdk::clerk_protected;
/// #[derive(Clone)]
/// struct NoClerk;
///
/// #[clerk_protected]
/// #[axum::debug_handler(state = NoClerk)]
/// async fn handler() {}
///
/// let _: Router = Router::new().route("/", get(handler)).with_state(NoClerk);
/// ```
///
/// Limitations: methods taking `self` are refused (the policy struct cannot live in an impl
/// block), and so, by rustc, are associated fns inside an `impl`.
#[proc_macro_attribute]
pub fn clerk_protected(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::clerk_protected(args.into(), item.into()).into()
}
