//! How the models read Clerk's JSON leniently without losing speed or error paths.
//!
//! Every model keeps the fields this version does not know in an `extra` map. serde's
//! `#[serde(flatten)]` would do that, but it first buffers the whole object into an internal
//! tree and then reads the fields from the tree: that costs about as much as parsing into a
//! `serde_json::Value`, and errors raised from the tree no longer carry the field path a
//! decode error must name. Instead, [`model!`] derives `Deserialize` for a private twin of the
//! struct, and [`with_unknown_fields`] feeds it the object key by key: a key the twin declares
//! goes to the derived code unchanged, any other key is read as a `Value` into `extra`. Both
//! paths read straight from the underlying deserializer, so a path tracker wrapped around it
//! (such as `serde_path_to_error`) sees every key.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, forward_to_deserialize_any};
use serde_json::{Map, Value};

/// Reads `null` as the type's default, for lists, metadata and flags Clerk may send as
/// `null` (a missing field is covered by `#[serde(default)]` beside it).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Reads a JSON object into `T` (a derived struct), returning the keys `T` does not declare
/// with their values.
pub(crate) fn with_unknown_fields<'de, T, D>(
    deserializer: D,
    type_name: &'static str,
) -> Result<(T, Map<String, Value>), D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    deserializer.deserialize_map(ObjectVisitor {
        type_name,
        marker: PhantomData,
    })
}

struct ObjectVisitor<T> {
    type_name: &'static str,
    marker: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = (T, Map<String, Value>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", self.type_name)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut extra = Map::new();
        let value = T::deserialize(ObjectDeserializer {
            map,
            extra: &mut extra,
        })?;
        Ok((value, extra))
    }
}

/// Hands the derived code the object it asked for, remembering the field names it declared.
struct ObjectDeserializer<'a, A> {
    map: A,
    extra: &'a mut Map<String, Value>,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for ObjectDeserializer<'_, A> {
    type Error = A::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(KnownFields {
            map: self.map,
            fields: Some(fields),
            extra: self.extra,
        })
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        // Not a derived struct: it sees every key, none is set aside.
        visitor.visit_map(KnownFields {
            map: self.map,
            fields: None,
            extra: self.extra,
        })
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The object's entries, minus the ones whose key is not in `fields` (those go to `extra`).
struct KnownFields<'a, A> {
    map: A,
    fields: Option<&'static [&'static str]>,
    extra: &'a mut Map<String, Value>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for KnownFields<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<WireStr<'de>>()? {
            let known = self.fields.is_none_or(|fields| fields.contains(&key.as_str()));
            if known {
                return match key {
                    WireStr::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::new(key)),
                    WireStr::Owned(key) => seed.deserialize(StringDeserializer::new(key)),
                }
                .map(Some);
            }
            let value: Value = self.map.next_value()?;
            self.extra.insert(key.into_string(), value);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A string from the input, borrowed when it can be (no escapes), so object keys and enum
/// values cost no allocation.
pub(crate) enum WireStr<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl WireStr<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            WireStr::Borrowed(text) => text,
            WireStr::Owned(text) => text,
        }
    }

    fn into_string(self) -> String {
        match self {
            WireStr::Borrowed(text) => text.to_owned(),
            WireStr::Owned(text) => text,
        }
    }
}

impl<'de> Deserialize<'de> for WireStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WireStrVisitor;

        impl<'de> Visitor<'de> for WireStrVisitor {
            type Value = WireStr<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<WireStr<'de>, E> {
                Ok(WireStr::Borrowed(text))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<WireStr<'de>, E> {
                Ok(WireStr::Owned(text.to_owned()))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<WireStr<'de>, E> {
                Ok(WireStr::Owned(text))
            }
        }

        deserializer.deserialize_str(WireStrVisitor)
    }
}

/// The wire names a derived struct declares, as serde passes them to `deserialize_struct`
/// (after renames). For tests that compare the models with Clerk's published schema.
#[cfg(test)]
pub(crate) fn declared_fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe(Option<&'static [&'static str]>);

    // A deserializer that records the field list, then stops with an error.
    impl<'de> Deserializer<'de> for &mut Probe {
        type Error = de::value::Error;

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = Some(fields);
            Err(de::Error::custom("probe"))
        }

        fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("probe"))
        }

        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    let mut probe = Probe(None);
    let _ = T::deserialize(&mut probe);
    probe.0.unwrap_or(&[])
}

/// Declares a model: the public struct (`#[non_exhaustive]`, `Serialize`, `Default`, an
/// `extra` map for unknown fields) and its lenient `Deserialize` (see the module docs).
///
/// Field attributes are written once and apply to both the public struct and the private
/// twin the `Deserialize` is derived on.
macro_rules! model {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_attr:meta])*
                pub $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$field_attr])*
                pub $field: $ty,
            )*
            /// Every field this version does not model, as Clerk sent it (serialized back
            /// unchanged).
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        const _: () = {
            #[derive(serde::Deserialize)]
            struct Wire {
                $(
                    $(#[$field_attr])*
                    $field: $ty,
                )*
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let (wire, extra) = $crate::api::model::de::with_unknown_fields::<Wire, D>(
                        deserializer,
                        stringify!($name),
                    )?;
                    Ok($name {
                        $( $field: wire.$field, )*
                        extra,
                    })
                }
            }

            #[cfg(test)]
            impl $name {
                /// The wire names this model reads.
                #[allow(dead_code)]
                pub(crate) fn declared_fields() -> &'static [&'static str] {
                    $crate::api::model::de::declared_fields::<Wire>()
                }
            }
        };
    };
}

/// Declares a string enum that keeps values it does not know: the known variants, an
/// `Unknown(String)` variant, `as_str`, `Display`, `From<&str>` and string (de)serialization.
/// Reading one never fails on a string. One variant carries `#[default]`.
macro_rules! string_enum {
    (
        $(#[$attr:meta])*
        pub enum $name:ident {
            $( $(#[$variant_attr:meta])* $variant:ident => $wire:literal, )*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_attr])* #[doc = concat!("`", $wire, "`")] $variant, )*
            /// A value this version does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// The value as Clerk spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Unknown(value) => value,
                }
            }

            /// The variant for a wire value; a value this version does not know is kept in
            /// `Unknown`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $( $wire => $name::$variant, )*
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::from_wire(value)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = $crate::api::model::de::WireStr::deserialize(deserializer)?;
                Ok($name::from_wire(value.as_str()))
            }
        }
    };
}

pub(crate) use model;
pub(crate) use string_enum;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::api::model::test_support::{parse, parse_error};
    use crate::api::{OrganizationMembership, User};

    const USER: &str = include_str!("fixtures/user_large_metadata.json");

    #[test]
    fn a_bad_value_deep_in_a_body_names_its_path() {
        let mut body: serde_json::Value = serde_json::from_str(USER).unwrap();
        body["email_addresses"][1]["verification"]["attempts"] = json!("three");
        let (path, message) = parse_error::<User>(&body.to_string());
        assert_eq!(path, "email_addresses[1].verification.attempts");
        assert!(message.contains("invalid type: string"), "{message}");

        let mut body: serde_json::Value = serde_json::from_str(USER).unwrap();
        body["enterprise_accounts"][0]["enterprise_connection"]["created_at"] = json!(true);
        let (path, _) = parse_error::<User>(&body.to_string());
        assert_eq!(path, "enterprise_accounts[0].enterprise_connection.created_at");
    }

    #[test]
    fn a_missing_id_or_organization_is_an_error_with_a_path() {
        let (path, message) = parse_error::<User>(r#"{"first_name":"Ada"}"#);
        assert_eq!(path, ".");
        assert!(message.starts_with("missing field `id`"), "{message}");

        let (path, message) = parse_error::<OrganizationMembership>(
            r#"{"id":"orgmem_1","role":"org:admin","organization":{"name":"No id"}}"#,
        );
        assert_eq!(path, "organization");
        assert!(message.starts_with("missing field `id`"), "{message}");
    }

    #[test]
    fn a_body_that_is_not_an_object_says_what_was_expected() {
        let (_, message) = parse_error::<User>(r#""user_1""#);
        assert!(message.contains("a JSON object (User)"), "{message}");
        let (path, _) = parse_error::<User>(r#"{"id":"user_1","email_addresses":[7]}"#);
        assert_eq!(path, "email_addresses[0]");
    }

    #[test]
    fn a_duplicate_field_is_refused() {
        let (_, message) = parse_error::<User>(r#"{"id":"user_1","id":"user_2"}"#);
        assert!(message.starts_with("duplicate field `id`"), "{message}");
    }

    #[test]
    fn unknown_fields_are_kept_whatever_their_shape_or_position() {
        let user: User = parse(
            r#"{"new_first":{"a":[1,2,{"b":null}]},"id":"user_1","esc\u0061ped":"x",
                "first_name":"Ada","new_last":false}"#,
        );
        assert_eq!(user.id, "user_1");
        assert_eq!(user.first_name.as_deref(), Some("Ada"));
        assert_eq!(user.extra.len(), 3);
        assert_eq!(user.extra["new_first"], json!({"a":[1,2,{"b":null}]}));
        assert_eq!(user.extra["escaped"], "x");
        assert_eq!(user.extra["new_last"], false);
    }

    #[test]
    fn every_input_form_reads_the_same() {
        let from_str: User = serde_json::from_str(USER).unwrap();
        let from_reader: User = serde_json::from_reader(USER.as_bytes()).unwrap();
        let from_value: User = serde_json::from_value(serde_json::from_str(USER).unwrap()).unwrap();
        assert_eq!(from_reader, from_str);
        assert_eq!(from_value, from_str);
        assert!(!from_str.extra.is_empty());
    }
}
