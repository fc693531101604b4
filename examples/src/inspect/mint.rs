//! `mint`: loads the development key pair from `--out-dir` (creating it on first use) and
//! prints a session token signed by it, made with the SDK's test kit.
//!
//! The directory holds `private_key.pem` (PKCS#8), `public_key.pem` (the `CLERK_JWT_KEY` form)
//! and `kid`. When the tool creates the directory's key pair it also writes a `.gitignore`
//! that ignores everything, so the private key is not committed by accident.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use clerk_sdk::testing::TestKeys;

use super::args::MintArgs;
use super::{Error, output};

const PRIVATE_KEY_FILE: &str = "private_key.pem";
const PUBLIC_KEY_FILE: &str = "public_key.pem";
const KID_FILE: &str = "kid";

pub(super) fn run(args: &MintArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<(), Error> {
    let (keys, created) = load_or_create(&args.out_dir)?;

    let mut builder = keys.session(args.user_id.as_str());
    if let Some(ms) = args.now_ms {
        builder = builder.issued_at_ms(ms);
    }
    if let Some(secs) = args.lifetime_secs {
        builder = builder.lifetime(Duration::from_secs(secs));
    }
    if args.expired {
        builder = builder.expired();
    }
    // Without --authorized-party, the first party `verify` would require (from
    // CLERK_AUTHORIZED_PARTIES), so that a minted token passes the same environment's check.
    let env_parties = std::env::var(clerk_sdk::config::env::AUTHORIZED_PARTIES).ok();
    let azp = authorized_party(args.authorized_party.as_deref(), env_parties.as_deref());
    if let Some(azp) = &azp {
        builder = builder.authorized_party(azp.as_str());
    }
    if args.pending {
        builder = builder.pending();
    }
    let permissions: Vec<&str> = args.permissions.iter().map(String::as_str).collect();
    builder = match (&args.org, args.v2) {
        (Some(org), false) => builder.org_v1(&org.id, &org.slug, &org.role, &permissions),
        (Some(org), true) => builder.org_v2(&org.id, &org.slug, &org.role, &permissions),
        (None, true) => builder.v2(),
        (None, false) => builder,
    };
    let token = builder
        .sign()
        .map_err(|e| Error::Internal(format!("cannot sign the token: {e}")))?;

    let key_file = args.out_dir.join(PUBLIC_KEY_FILE).display().to_string();
    output::write(
        stdout,
        &output::mint(&key_file, keys.kid(), &token, builder.claims()),
    )?;

    // Hints only: a closed stderr must not turn a printed token into a failure.
    if created {
        let _ = writeln!(
            stderr,
            "note: created a development key pair in {} (kid {}); it is for local testing only",
            args.out_dir.display(),
            keys.kid()
        );
    }
    let mut command = format!(
        "cargo run --example clerk-inspect -- verify --jwt-key-file {}",
        shell_quote(&key_file)
    );
    if let Some(azp) = &args.authorized_party {
        command.push_str(&format!(" --authorized-party {}", shell_quote(azp)));
    }
    if let Some(ms) = args.now_ms {
        command.push_str(&format!(" --now-ms {ms}"));
    }
    let claims = builder.claims();
    let time = |name: &str| claims.get(name).and_then(serde_json::Value::as_i64);
    if let (Some(exp), Some(iat)) = (time("exp"), time("iat")) {
        let from = if azp.is_some() && args.authorized_party.is_none() {
            format!(
                ", azp {} from CLERK_AUTHORIZED_PARTIES",
                azp.as_deref().unwrap_or_default()
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            stderr,
            "note: the token expires {} s after it was issued (exp {exp}{from}); --lifetime-secs N changes that",
            exp - iat
        );
    }
    let _ = writeln!(stderr, "hint: verify it with: {command} {token}");
    Ok(())
}

/// The `azp` to mint with: the flag's, else the first party listed in the environment's
/// CLERK_AUTHORIZED_PARTIES (comma-separated, as the config reads it).
fn authorized_party(flag: Option<&str>, env_parties: Option<&str>) -> Option<String> {
    flag.map(str::to_owned).or_else(|| {
        env_parties?
            .split(',')
            .map(str::trim)
            .find(|p| !p.is_empty())
            .map(str::to_owned)
    })
}

/// The key pair in `dir`, or a new one written there (`true`) when `dir` holds none.
fn load_or_create(dir: &Path) -> Result<(TestKeys, bool), Error> {
    let private = read_optional(&dir.join(PRIVATE_KEY_FILE))?;
    let kid = read_optional(&dir.join(KID_FILE))?;
    let public = read_optional(&dir.join(PUBLIC_KEY_FILE))?;
    match (private, kid, public) {
        (None, None, None) => create(dir).map(|keys| (keys, true)),
        (Some(private), Some(kid), public) => load(dir, &private, &kid, public.as_deref()),
        _ => Err(Error::Config(format!(
            "{} holds an incomplete key pair ({PRIVATE_KEY_FILE} and {KID_FILE} are both \
             needed); delete the directory to generate a new one",
            dir.display()
        ))),
    }
}

fn load(dir: &Path, private: &str, kid: &str, public: Option<&str>) -> Result<(TestKeys, bool), Error> {
    let kid = kid.trim();
    if kid.is_empty() {
        return Err(Error::Config(format!(
            "{} is empty",
            dir.join(KID_FILE).display()
        )));
    }
    let keys = TestKeys::from_private_key_pem(private, kid)
        .map_err(|e| Error::Config(format!("{}: {e}", dir.join(PRIVATE_KEY_FILE).display())))?;
    let derived = public_pem(&keys)?;
    match public {
        None => write_new(&dir.join(PUBLIC_KEY_FILE), &derived, false)?,
        Some(text) if pem_body(text) == pem_body(&derived) => {}
        Some(_) => {
            return Err(Error::Config(format!(
                "{} does not match {PRIVATE_KEY_FILE}; delete the directory to generate a new \
                 key pair",
                dir.join(PUBLIC_KEY_FILE).display()
            )));
        }
    }
    Ok((keys, false))
}

fn create(dir: &Path) -> Result<TestKeys, Error> {
    let keys =
        TestKeys::generate().map_err(|e| Error::Internal(format!("cannot generate a key pair: {e}")))?;
    let private = keys
        .private_key_pem()
        .map_err(|e| Error::Internal(format!("cannot encode the private key: {e}")))?;
    fs::create_dir_all(dir).map_err(|e| Error::Config(format!("cannot create {}: {e}", dir.display())))?;
    write_new(&dir.join(".gitignore"), "*\n", false)?;
    write_new(&dir.join(PRIVATE_KEY_FILE), &private, true)?;
    write_new(&dir.join(PUBLIC_KEY_FILE), &public_pem(&keys)?, false)?;
    write_new(&dir.join(KID_FILE), &format!("{}\n", keys.kid()), false)?;
    Ok(keys)
}

fn public_pem(keys: &TestKeys) -> Result<String, Error> {
    keys.public_key_pem()
        .map_err(|e| Error::Internal(format!("cannot encode the public key: {e}")))
}

/// The file's text, or `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<String>, Error> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Config(format!("cannot read {}: {e}", path.display()))),
    }
}

/// Writes a file that must not exist yet; `private` restricts it to the owner (Unix).
fn write_new(path: &Path, contents: &str, private: bool) -> Result<(), Error> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    options
        .open(path)
        .and_then(|mut file| file.write_all(contents.as_bytes()))
        .map_err(|e| Error::Config(format!("cannot write {}: {e}", path.display())))
}

/// The base64 body of a PEM text, whitespace and armor removed, for comparing keys.
fn pem_body(pem: &str) -> String {
    pem.lines()
        .filter(|line| !line.trim_start().starts_with("-----"))
        .flat_map(|line| line.chars().filter(|c| !c.is_whitespace()))
        .collect()
}

/// `s` as one shell word (POSIX quoting), bare when that is safe.
fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if safe {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::authorized_party;

    #[test]
    fn the_flag_wins_then_the_first_listed_party() {
        assert_eq!(
            authorized_party(Some("https://a"), Some("https://b")).as_deref(),
            Some("https://a")
        );
        assert_eq!(
            authorized_party(None, Some(" , https://b, https://c")).as_deref(),
            Some("https://b")
        );
        assert_eq!(authorized_party(None, Some(" ,")), None);
        assert_eq!(authorized_party(None, None), None);
    }
}
