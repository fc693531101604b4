// Generic handlers keep their parameters and `where` clause; the guard works for any state
// holding a `Clerk`.
use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::get;
use clerk_sdk::{Clerk, clerk_protected};

trait Greeting {
    fn greeting(&self) -> String;
}

#[derive(Clone, FromRef)]
struct App {
    clerk: Clerk,
    name: Name,
}

#[derive(Clone)]
struct Name(&'static str);

impl Greeting for Name {
    fn greeting(&self) -> String {
        format!("hello {}", self.0)
    }
}

#[clerk_protected(role = "org:admin")]
async fn greet<G>(State(greeting): State<G>) -> String
where
    G: Greeting + Clone + Send + Sync + 'static,
{
    greeting.greeting()
}

fn main() {
    let keys = clerk_sdk::testing::TestKeys::generate().unwrap();
    let clerk = Clerk::new(keys.config_builder().build().unwrap());
    let _app: Router = Router::new().route("/", get(greet::<Name>)).with_state(App {
        clerk,
        name: Name("admin"),
    });
}
