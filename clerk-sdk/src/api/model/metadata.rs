//! Reading metadata maps as the application's own types.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Reads a metadata map as `T` without copying it.
pub(crate) fn metadata_as<T: DeserializeOwned>(
    metadata: &Map<String, Value>,
) -> Result<T, serde_json::Error> {
    T::deserialize(metadata)
}
