//! `decode TOKEN`: header and claims, decoded with the SDK's own rules but **not verified**,
//! and labelled so.

use std::io::Write;

use clerk_sdk::dangerous::decode_unverified;

use super::{Error, output};

pub(super) fn run(token: &str, stdout: &mut dyn Write) -> Result<(), Error> {
    let decoded =
        decode_unverified(token).map_err(|e| Error::Usage(format!("the token does not decode: {e}")))?;
    output::write(stdout, &output::decode(&decoded))
}
