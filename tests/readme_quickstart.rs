//! The README's quick starts are `examples/quickstart/main.rs` (axum) and
//! `examples/quickstart-actix/main.rs` (actix-web), byte for byte: `cargo build --examples`
//! compiles the README's code, and this test fails as soon as one drifts apart. (The README is also the crate's rustdoc, where the block is `rust,ignore`: a
//! doctest would run without the `macros` feature, and hidden `# ` lines would show on GitHub
//! and break a paste.)
//!
//! Each block is found by the HTML comment on the line before its opening fence (invisible on
//! GitHub and in rustdoc); `.ci/run quickstart` reads the same blocks the same way and builds
//! each quick start as a fresh crate.

use std::path::{Path, PathBuf};

/// One of the README's quick starts: the comments before its two blocks, the example its code
/// must equal, and the features its dependency block must name.
struct QuickStart {
    /// The comment before the `[dependencies]` block.
    dependencies_marker: &'static str,
    /// The comment before the quick start's code.
    main_marker: &'static str,
    /// The file the quick start's code must equal.
    example: &'static str,
    /// `(dependency line prefix, features it must name)`.
    wants: &'static [(&'static str, &'static [&'static str])],
}

const QUICK_STARTS: [QuickStart; 2] = [
    // `#[clerk_protected]` and `#[derive(FromRef)]`, `#[tokio::main]` on the multi-threaded
    // runtime, and a TCP listener.
    QuickStart {
        dependencies_marker: "<!-- quickstart: Cargo.toml -->",
        main_marker: "<!-- quickstart: src/main.rs = examples/quickstart/main.rs -->",
        example: "examples/quickstart/main.rs",
        wants: &[
            ("clerk-sdk = ", &["\"axum\"", "\"macros\""]),
            ("axum = ", &["\"macros\""]),
            ("tokio = ", &["\"macros\"", "\"rt-multi-thread\"", "\"net\""]),
        ],
    },
    // `#[clerk_protected]` on actix handlers, and `#[actix_web::main]`.
    QuickStart {
        dependencies_marker: "<!-- quickstart-actix: Cargo.toml -->",
        main_marker: "<!-- quickstart-actix: src/main.rs = examples/quickstart-actix/main.rs -->",
        example: "examples/quickstart-actix/main.rs",
        wants: &[
            ("clerk-sdk = ", &["\"actix\"", "\"macros\""]),
            ("actix-web = ", &["\"macros\""]),
        ],
    },
];

/// The comment before the code of "Calling the Backend API".
const BACKEND_API_MARKER: &str = "<!-- backend-api: src/main.rs = examples/backend-api/main.rs -->";
/// The file that code must equal.
const BACKEND_API_EXAMPLE: &str = "examples/backend-api/main.rs";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The fenced block right after the line `marker`: its info string and its text (every line
/// between the fences, each ending with `\n`).
fn block_after(readme: &str, marker: &str) -> (String, String) {
    let lines: Vec<&str> = readme.lines().collect();
    let at: Vec<usize> = (0..lines.len()).filter(|&i| lines[i] == marker).collect();
    assert_eq!(
        at.len(),
        1,
        "README.md must have the line {marker:?} exactly once"
    );
    let fence = lines.get(at[0] + 1).copied().unwrap_or_default();
    let info = fence.strip_prefix("```").unwrap_or_else(|| {
        panic!("README.md: the line after {marker:?} must open a ``` block, not {fence:?}")
    });
    let mut text = String::new();
    for line in &lines[at[0] + 2..] {
        if *line == "```" {
            return (info.to_owned(), text);
        }
        text.push_str(line);
        text.push('\n');
    }
    panic!("README.md: the block after {marker:?} is never closed");
}

/// The first line where `readme` and the file `name` (`example`) differ, for the failure
/// message.
fn first_difference(readme: &str, example: &str, name: &str) -> String {
    let (mut a, mut b) = (readme.lines(), example.lines());
    let mut number = 0;
    loop {
        number += 1;
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => {}
            (None, None) => return "the lines are equal; the line endings differ".to_owned(),
            (x, y) => return format!("line {number} of the block:\n  README:  {x:?}\n  {name}: {y:?}"),
        }
    }
}

#[test]
fn each_quick_start_is_its_compiled_example() {
    let readme = read("README.md");
    for quick_start in &QUICK_STARTS {
        let (example_name, marker) = (quick_start.example, quick_start.main_marker);
        let example = read(example_name);
        let (info, code) = block_after(&readme, marker);
        assert_eq!(
            info, "rust,ignore",
            "the quick start is compiled as {example_name}; as a doctest it would run without the `macros` feature"
        );
        assert!(
            code == example,
            "README.md's quick start and {example_name} have drifted apart: copy one onto the \
             other (the README's block is the text between the fences after {marker:?}).\nFirst \
             difference: {}",
            first_difference(&code, &example, example_name)
        );
    }
}

#[test]
fn the_backend_api_section_is_the_compiled_example() {
    let readme = read("README.md");
    let example = read(BACKEND_API_EXAMPLE);
    let (info, code) = block_after(&readme, BACKEND_API_MARKER);
    assert_eq!(
        info, "rust,ignore",
        "the Backend API section is compiled as {BACKEND_API_EXAMPLE}; as a doctest it would run without the `macros` feature"
    );
    assert!(
        code == example,
        "README.md's \"Calling the Backend API\" and {BACKEND_API_EXAMPLE} have drifted apart: copy \
         one onto the other.\nFirst difference: {}",
        first_difference(&code, &example, BACKEND_API_EXAMPLE)
    );
}

#[test]
fn each_dependency_block_names_this_repository_and_the_features_its_quick_start_needs() {
    let readme = read("README.md");
    // `.ci/run quickstart` swaps this git dependency for a path to the checkout.
    let workspace = read("Cargo.toml");
    let repository = workspace
        .lines()
        .find_map(|line| line.strip_prefix("repository = "))
        .expect("the workspace Cargo.toml names its repository")
        .trim();
    for quick_start in &QUICK_STARTS {
        let (info, toml) = block_after(&readme, quick_start.dependencies_marker);
        assert_eq!(info, "toml");
        assert_eq!(toml.lines().next(), Some("[dependencies]"), "{toml}");
        let clerk_sdk = toml
            .lines()
            .find(|line| line.starts_with("clerk-sdk = "))
            .unwrap_or_else(|| panic!("no clerk-sdk line in the README's dependency block:\n{toml}"));
        assert!(
            clerk_sdk.contains(&format!("git = {repository}")),
            "the README's clerk-sdk dependency is not `git = {repository}`: {clerk_sdk}"
        );
        for (dependency, features) in quick_start.wants {
            let line = toml
                .lines()
                .find(|line| line.starts_with(dependency))
                .unwrap_or_else(|| {
                    panic!("no `{dependency}` line in the README's dependency block:\n{toml}")
                });
            for feature in *features {
                assert!(line.contains(feature), "`{line}` lacks the feature {feature}");
            }
        }
    }
}
