//! Reading metadata maps as the application's own types.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Reads a metadata map as `T` without copying it.
pub(crate) fn metadata_as<T: DeserializeOwned>(
    metadata: &Map<String, Value>,
) -> Result<T, serde_json::Error> {
    T::deserialize(metadata)
}

/// Adds `<field>_as::<T>()` readers to a model for each of its metadata maps.
macro_rules! metadata_readers {
    ($model:ident { $( $reader:ident => $field:ident ),+ $(,)? }) => {
        impl $model {
            $(
                #[doc = concat!("[`", stringify!($model), "::", stringify!($field), "`] read as your own type.")]
                ///
                /// # Errors
                ///
                /// The metadata does not fit `T`.
                pub fn $reader<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
                    $crate::api::model::metadata::metadata_as(&self.$field)
                }
            )+
        }
    };
}

pub(crate) use metadata_readers;
