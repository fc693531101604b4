//! The actix-web integration over real HTTP on loopback: for every credential, with and
//! without the middleware, an actix app answers exactly what the same axum app answers
//! (status, headers and body), and a request is authenticated once.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;

use actix_web::{App, HttpServer, web};
use clerk_sdk::testing::{MachineTokenSpec, MockClerkApi};
use clerk_sdk::{AcceptsToken, Clerk, Has, TokenType, auth::Requirement};
use common::{APP, keys};

const SECRET: &str = "sk_test_actix_secret";

async fn mock() -> MockClerkApi {
    let mock = MockClerkApi::start(SECRET).await.unwrap();
    mock.set_keys(&[keys()]);
    mock.register_machine_token("mt_valid", MachineTokenSpec::m2m("mch_opaque"));
    mock
}

fn clerk(mock: &MockClerkApi) -> Clerk {
    // A fixed clock: messages quote "now", and the two adapters must answer byte for byte.
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    Clerk::new(
        common::builder()
            .clock(clerk_sdk::clock::FixedClock::new(now_ms))
            .secret_key(SECRET)
            .api_url(mock.url())
            .accepts(AcceptsToken::Many(vec![
                TokenType::SessionToken,
                TokenType::M2mToken,
            ]))
            .build()
            .unwrap(),
    )
}

/// The credentials of the matrix, by name.
fn credentials() -> Vec<(&'static str, Option<String>)> {
    let session = |user: &str, role: &str| {
        keys()
            .session(user)
            .authorized_party(APP)
            .org_v1("org_1", "acme", role, &[])
            .sign()
            .unwrap()
    };
    vec![
        ("none", None),
        ("member", Some(session("user_member", "org:member"))),
        ("admin", Some(session("user_admin", "org:admin"))),
        (
            "expired",
            Some(
                keys()
                    .session("user_member")
                    .authorized_party(APP)
                    .expired()
                    .sign()
                    .unwrap(),
            ),
        ),
        (
            "wrong azp",
            Some(
                keys()
                    .session("user_member")
                    .authorized_party("https://evil.example")
                    .sign()
                    .unwrap(),
            ),
        ),
        ("m2m jwt", Some(keys().m2m_token("mch_service").sign().unwrap())),
        ("opaque m2m", Some("mt_valid".to_owned())),
    ]
}

const PATHS: [&str; 6] = [
    "/public",
    "/two",
    "/maybe",
    "/machine",
    "/admin",
    "/admins-or-machines",
];

fn admin_requirement() -> Requirement {
    Requirement::new().has(Has::role("org:admin"))
}

fn admins_or_machines() -> Requirement {
    Requirement::new()
        .accepts(AcceptsToken::Many(vec![
            TokenType::SessionToken,
            TokenType::M2mToken,
        ]))
        .any_of([Has::role("org:admin"), Has::role("org:billing")])
}

mod axum_app {
    use axum::Router;
    use axum::extract::FromRef;
    use axum::routing::get;
    use clerk_sdk::Clerk;
    use clerk_sdk::axum::{ClerkAuth, ClerkLayer, ClerkMachine, ClerkSession, RequireLayer};

    #[derive(Clone, FromRef)]
    struct State {
        clerk: Clerk,
    }

    pub(super) fn router(clerk: Clerk, layer: bool) -> Router {
        let router = Router::new()
            .route("/public", get(|| async { "public" }))
            .route(
                "/two",
                get(
                    |ClerkAuth(state): ClerkAuth, ClerkSession(session): ClerkSession| async move {
                        format!("{} {}", state.status(), session.user_id())
                    },
                ),
            )
            .route(
                "/maybe",
                get(|session: Option<ClerkSession>| async move {
                    session.map_or_else(
                        || "anonymous".to_owned(),
                        |ClerkSession(s)| s.user_id().to_owned(),
                    )
                }),
            )
            .route(
                "/machine",
                get(|ClerkMachine(m): ClerkMachine| async move { m.subject().to_owned() }),
            )
            .route(
                "/admin",
                get(|| async { "admin" })
                    .route_layer(RequireLayer::new(clerk.clone(), super::admin_requirement())),
            )
            .route(
                "/admins-or-machines",
                get(|| async { "ok" })
                    .route_layer(RequireLayer::new(clerk.clone(), super::admins_or_machines())),
            );
        let router = if layer {
            router.layer(ClerkLayer::new(clerk.clone()))
        } else {
            router
        };
        router.with_state(State { clerk })
    }
}

mod actix_app {
    use actix_web::web;
    use clerk_sdk::Clerk;
    use clerk_sdk::actix::{ClerkAuth, ClerkGuard, ClerkMachine, ClerkSession, Maybe};

    async fn two(ClerkAuth(state): ClerkAuth, ClerkSession(session): ClerkSession) -> String {
        format!("{} {}", state.status(), session.user_id())
    }

    async fn maybe(Maybe(session): Maybe<ClerkSession>) -> String {
        session.map_or_else(
            || "anonymous".to_owned(),
            |ClerkSession(s)| s.user_id().to_owned(),
        )
    }

    async fn machine(ClerkMachine(m): ClerkMachine) -> String {
        m.subject().to_owned()
    }

    pub(super) fn routes(clerk: Clerk) -> impl FnOnce(&mut web::ServiceConfig) {
        move |config| {
            config
                .route("/public", web::get().to(|| async { "public" }))
                .route("/two", web::get().to(two))
                .route("/maybe", web::get().to(maybe))
                .route("/machine", web::get().to(machine))
                .service(
                    web::resource("/admin")
                        .wrap(ClerkGuard::new(clerk.clone(), super::admin_requirement()))
                        .route(web::get().to(|| async { "admin" })),
                )
                .service(
                    web::resource("/admins-or-machines")
                        .wrap(ClerkGuard::new(clerk, super::admins_or_machines()))
                        .route(web::get().to(|| async { "ok" })),
                );
        }
    }
}

async fn serve_axum(clerk: Clerk, layer: bool) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = axum_app::router(clerk, layer);
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// An actix server on loopback: with the middleware, or with `Clerk` as `web::Data` only, or
/// (`register: false`) with no `Clerk` at all.
fn serve_actix(clerk: Clerk, middleware: bool, register: bool) -> SocketAddr {
    let server = HttpServer::new(move || {
        let app = App::new();
        let app = if register {
            app.app_data(web::Data::new(clerk.clone()))
        } else {
            app
        };
        app.wrap(actix_web::middleware::Condition::new(
            middleware,
            clerk_sdk::actix::ClerkMiddleware::new(clerk.clone()),
        ))
        .configure(actix_app::routes(clerk.clone()))
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .unwrap();
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    addr
}

#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
}

async fn get(client: &reqwest::Client, addr: SocketAddr, path: &str, token: Option<&str>) -> Answer {
    let mut request = client.get(format!("http://{addr}{path}"));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        // The clock, not the adapter, decides `date`.
        .filter(|(name, _)| name.as_str() != "date")
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response.text().await.unwrap();
    Answer {
        status,
        headers,
        body,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[actix_web::test]
async fn actix_answers_what_axum_answers() {
    let mock = mock().await;
    let clerk = clerk(&mock);
    let client = client();
    for middleware in [true, false] {
        let axum = serve_axum(clerk.clone(), middleware).await;
        let actix = serve_actix(clerk.clone(), middleware, true);
        for (name, token) in credentials() {
            for path in PATHS {
                let expected = get(&client, axum, path, token.as_deref()).await;
                let got = get(&client, actix, path, token.as_deref()).await;
                assert_eq!(
                    got, expected,
                    "{path} with credential {name:?}, middleware {middleware}"
                );
            }
        }
    }
}

#[actix_web::test]
async fn the_matrix_decides_as_expected() {
    let mock = mock().await;
    let clerk = clerk(&mock);
    let client = client();
    let actix = serve_actix(clerk.clone(), true, true);
    let by_name: BTreeMap<_, _> = credentials().into_iter().collect();
    let two = |name: &'static str| {
        let token = by_name[name].clone();
        let client = client.clone();
        async move { get(&client, actix, "/two", token.as_deref()).await }
    };
    let none = two("none").await;
    assert_eq!(
        (none.status, none.headers["www-authenticate"].as_str()),
        (401, "Bearer")
    );
    assert_eq!(none.headers["x-clerk-auth-status"], "signed-out");
    assert_eq!(two("member").await.body, "signed-in user_member");
    assert_eq!(two("admin").await.body, "signed-in user_admin");
    let expired = two("expired").await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.headers["x-clerk-auth-reason"], "token-expired");
    assert!(expired.headers["www-authenticate"].starts_with("Bearer error=\"invalid_token\""));
    assert!(
        expired
            .body
            .starts_with(r#"{"error":"invalid_token","reason":"token-expired""#)
    );
    assert_eq!(two("wrong azp").await.status, 401);
    // A machine where a session is required: refused, not mistaken for a user.
    let m2m = two("m2m jwt").await;
    assert_eq!(
        (m2m.status, m2m.headers["x-clerk-auth-reason"].as_str()),
        (401, "token-type-mismatch")
    );
    for name in ["m2m jwt", "opaque m2m"] {
        let token = by_name[name].clone();
        let answer = get(&client, actix, "/machine", token.as_deref()).await;
        assert_eq!(answer.status, 200, "{name}");
    }
    assert_eq!(get(&client, actix, "/maybe", None).await.body, "anonymous");
    // The guards.
    let admin = |name: &'static str, path: &'static str| {
        let token = by_name[name].clone();
        let client = client.clone();
        async move { get(&client, actix, path, token.as_deref()).await }
    };
    assert_eq!(admin("admin", "/admin").await.body, "admin");
    let member = admin("member", "/admin").await;
    assert_eq!(member.status, 403);
    assert_eq!(member.headers["x-clerk-auth-status"], "signed-in");
    assert!(member.headers["www-authenticate"].starts_with("Bearer error=\"insufficient_scope\""));
    assert_eq!(admin("none", "/admin").await.status, 401);
    assert_eq!(admin("admin", "/admins-or-machines").await.status, 200);
    // "Org admins or billing, or any m2m caller": both halves, and a member is neither.
    assert_eq!(admin("m2m jwt", "/admins-or-machines").await.status, 200);
    assert_eq!(admin("member", "/admins-or-machines").await.status, 403);
}

#[actix_web::test]
async fn guard_with_custom_rejection() {
    use actix_web::HttpResponse;
    use clerk_sdk::actix::{ClerkGuard, ClerkRejection};
    let mock = mock().await;
    let clerk = clerk(&mock);
    let guard_clerk = clerk.clone();
    let server = HttpServer::new(move || {
        App::new().service(
            web::resource("/admin")
                .wrap(
                    ClerkGuard::new(guard_clerk.clone(), admin_requirement()).with_rejection(
                        |rejection: ClerkRejection| {
                            HttpResponse::ImATeapot().body(format!("nope: {}", rejection.denial().reason()))
                        },
                    ),
                )
                .route(web::get().to(|| async { "admin" })),
        )
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .unwrap();
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    let answer = get(&client(), addr, "/admin", Some(&by_name_member())).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (418, "nope: insufficient-scope")
    );
    let before = clerk.authentications();
    let admin = credentials()
        .into_iter()
        .find(|(name, _)| *name == "admin")
        .and_then(|(_, token)| token);
    assert_eq!(
        get(&client(), addr, "/admin", admin.as_deref()).await.body,
        "admin"
    );
    assert_eq!(clerk.authentications() - before, 1);
}

#[actix_web::test]
async fn middleware_and_extractors_authenticate_once() {
    let mock = mock().await;
    let clerk = clerk(&mock);
    let client = client();
    let token = by_name_member();
    for middleware in [true, false] {
        let actix = serve_actix(clerk.clone(), middleware, true);
        let before = clerk.authentications();
        let answer = get(&client, actix, "/two", Some(&token)).await;
        assert_eq!(answer.body, "signed-in user_member");
        assert_eq!(clerk.authentications() - before, 1, "middleware {middleware}");
    }
}

fn by_name_member() -> String {
    credentials()
        .into_iter()
        .find(|(name, _)| *name == "member")
        .and_then(|(_, token)| token)
        .unwrap()
}

#[actix_web::test]
async fn an_unregistered_clerk_is_a_500() {
    let mock = mock().await;
    let clerk = clerk(&mock);
    let client = client();
    let actix = serve_actix(clerk, false, false);
    let answer = get(&client, actix, "/two", Some(&by_name_member())).await;
    assert_eq!(answer.status, 500);
    assert_eq!(answer.headers["x-clerk-auth-reason"], "clerk-not-registered");
    assert!(!answer.headers.contains_key("www-authenticate"));
    // The optional form does not hide it either.
    assert_eq!(get(&client, actix, "/maybe", None).await.status, 500);
}

#[actix_web::test]
async fn keys_unavailable_is_503_even_for_maybe() {
    use clerk_sdk::testing::{Endpoint, Fault};
    let mock = MockClerkApi::start(SECRET).await.unwrap();
    mock.set_fault(Endpoint::Jwks, Fault::Status(503));
    let clerk = Clerk::new(
        clerk_sdk::ClerkConfig::builder()
            .secret_key(SECRET)
            .api_url(mock.url())
            .jwks_policy(
                clerk_sdk::config::JwksPolicy::default().timeout(std::time::Duration::from_millis(500)),
            )
            .build()
            .unwrap(),
    );
    let client = client();
    for middleware in [true, false] {
        let axum = serve_axum(clerk.clone(), middleware).await;
        let actix = serve_actix(clerk.clone(), middleware, true);
        for path in ["/two", "/maybe"] {
            let got = get(&client, actix, path, Some(&by_name_member())).await;
            assert_eq!(got.status, 503, "{path}");
            assert_eq!(got.headers["x-clerk-auth-reason"], "jwk-remote-failed-to-load");
            assert_eq!(got, get(&client, axum, path, Some(&by_name_member())).await);
        }
    }
}

mod webhooks {
    use std::net::SocketAddr;

    use actix_web::{App, HttpServer, web};
    use clerk_sdk::webhook::{
        ReplayFuture, ReplayMessage, ReplayStore, ReplayStoreError, ReplayStoreFailure, Webhook,
    };

    use super::{Answer, client};

    const SECRET: &str = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";

    #[derive(Debug)]
    struct Down;
    impl ReplayStore for Down {
        fn check<'a>(&'a self, _message: ReplayMessage<'a>) -> ReplayFuture<'a> {
            Box::pin(async { Err(ReplayStoreError::Timeout(std::time::Duration::from_millis(500))) })
        }
    }

    async fn serve_axum(webhook: Webhook) -> SocketAddr {
        use axum::routing::post;
        use clerk_sdk::axum::ClerkWebhook;
        let router = axum::Router::new()
            .route(
                "/webhooks/clerk",
                post(|ClerkWebhook(event): ClerkWebhook| async move { event.event_type.to_string() }),
            )
            .with_state(webhook);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        addr
    }

    /// `webhook: None` registers none.
    fn serve_actix(webhook: Option<Webhook>) -> SocketAddr {
        use clerk_sdk::actix::ClerkWebhook;
        async fn events(ClerkWebhook(event): ClerkWebhook) -> String {
            event.event_type.to_string()
        }
        let server = HttpServer::new(move || {
            let app = App::new();
            let app = match &webhook {
                Some(webhook) => app.app_data(web::Data::new(webhook.clone())),
                None => app,
            };
            app.route("/webhooks/clerk", web::post().to(events))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap();
        let addr = server.addrs()[0];
        actix_web::rt::spawn(server.run());
        addr
    }

    async fn post(addr: SocketAddr, body: &[u8], headers: &http::HeaderMap) -> Answer {
        let mut request = client()
            .post(format!("http://{addr}/webhooks/clerk"))
            .body(body.to_vec());
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_bytes());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter(|(name, _)| name.as_str() != "date")
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response.text().await.unwrap();
        Answer {
            status,
            headers,
            body,
        }
    }

    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    }

    #[actix_web::test]
    async fn webhook_answers_what_axum_answers() {
        let sign =
            |id: &str, at: i64, body: &[u8]| clerk_sdk::testing::sign_webhook(SECRET, id, at, body).unwrap();
        let body = br#"{"type":"user.created","object":"event","data":{"id":"user_1"}}"#.to_vec();
        let mut tampered = body.clone();
        tampered.push(b' ');
        let big = vec![b'x'; 2048];
        let cases: Vec<(&str, Vec<u8>, http::HeaderMap, u16)> = vec![
            ("valid", body.clone(), sign("msg_1", now(), &body), 200),
            ("tampered", tampered, sign("msg_1", now(), &body), 401),
            ("no headers", body.clone(), http::HeaderMap::new(), 400),
            ("too large", big.clone(), sign("msg_2", now(), &big), 413),
            ("too old", body.clone(), sign("msg_3", now() - 3600, &body), 401),
        ];
        let webhook = Webhook::new(SECRET).unwrap().max_body_len(1024);
        let axum = serve_axum(webhook.clone()).await;
        let actix = serve_actix(Some(webhook));
        for (name, body, headers, status) in cases {
            let got = post(actix, &body, &headers).await;
            assert_eq!(got.status, status, "{name}: {}", got.body);
            assert_eq!(got, post(axum, &body, &headers).await, "{name}");
        }
        let valid = post(actix, &body, &sign("msg_4", now(), &body)).await;
        assert_eq!(valid.body, "user.created");

        // A replay store that cannot answer: 503 (Clerk retries), unless opted into accepting.
        let strict = Webhook::new(SECRET)
            .unwrap()
            .replay_store(std::sync::Arc::new(Down));
        let lenient = strict
            .clone()
            .on_replay_store_failure(ReplayStoreFailure::AcceptWithWarning);
        for (webhook, status) in [(strict, 503), (lenient, 200)] {
            let axum = serve_axum(webhook.clone()).await;
            let actix = serve_actix(Some(webhook));
            let headers = sign("msg_5", now(), &body);
            let got = post(actix, &body, &headers).await;
            assert_eq!(got.status, status, "{}", got.body);
            assert_eq!(got, post(axum, &body, &headers).await);
        }
    }

    #[actix_web::test]
    async fn an_unregistered_webhook_is_a_500() {
        let body = br#"{"type":"user.created","object":"event","data":{"id":"user_1"}}"#.to_vec();
        let headers = clerk_sdk::testing::sign_webhook(SECRET, "msg_1", now(), &body).unwrap();
        let got = post(serve_actix(None), &body, &headers).await;
        assert_eq!(got.status, 500);
        assert!(got.body.contains("webhook-secret-missing"), "{}", got.body);
    }
}

/// Records the target and message of every event on the current thread.
#[derive(Default, Clone)]
struct Events(std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>);

impl tracing::Subscriber for Events {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        self.0
            .lock()
            .unwrap()
            .push((event.metadata().target().to_owned(), message.0));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// The 500 for a missing `Clerk` is logged under `clerk_sdk::actix` with how to register it.
#[actix_web::test]
async fn an_unregistered_clerk_is_logged_with_the_fix() {
    use actix_web::test;
    let events = Events::default();
    let _guard = tracing::subscriber::set_default(events.clone());
    let mock = mock().await;
    let clerk = clerk(&mock);
    let app = test::init_service(App::new().configure(actix_app::routes(clerk))).await;
    let request = test::TestRequest::get()
        .uri("/two")
        .insert_header(("authorization", format!("Bearer {}", by_name_member())))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status().as_u16(), 500);
    let events = events.0.lock().unwrap();
    assert!(
        events.iter().any(|(target, message)| target == "clerk_sdk::actix"
            && message.contains("app_data(web::Data::new(clerk))")),
        "{events:?}"
    );
    // The token is never logged.
    let token = by_name_member();
    assert!(events.iter().all(|(_, message)| !message.contains(&token)));
}
