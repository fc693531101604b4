//! The Backend API's resources as Rust types.
//!
//! # Leniency
//!
//! Clerk adds fields and enum values without a new API version, sometimes leaves out fields
//! its schema calls required (a verification without `object`, an email address without
//! `linked_to`) and sends `null` where the schema promises a value. Peers whose models are
//! generated strictly from the schema fail on such bodies, so these models read them:
//!
//! - what Clerk's schema marks optional or nullable is an `Option`;
//! - lists and metadata are empty when missing or `null`, flags `false`;
//! - other scalars Clerk leaves out read as their empty value (`""`, `0`); only the id of the
//!   object itself (`User::id`, …) and a membership's organization must be present;
//! - enum values this version does not know are kept (`Unknown(String)`), and open-ended
//!   ones (verification strategies, roles, providers) are plain strings;
//! - fields this version does not model are kept, as sent, in each type's `extra` map, and
//!   written back when the value is serialized;
//! - `object` is read when sent but never needed.
//!
//! A body that still cannot be read (a string where a number belongs, say) is an error that
//! names the field, read through a path-tracking deserializer such as `serde_path_to_error`:
//! the models keep every key visible to it.
//!
//! Timestamps are what Clerk sends: Unix milliseconds as `i64`;
//! [`system_time_from_unix_ms`] turns one into a [`SystemTime`].
//!
//! # Building values
//!
//! The types are `#[non_exhaustive]` (Clerk's resources grow), so outside this crate they are
//! built from `Default` and then field by field, or deserialized from JSON:
//!
//! ```
//! use clerk_sdk::api::User;
//!
//! let mut user = User::default();
//! user.id = "user_2abc".to_owned();
//! user.first_name = Some("Ada".to_owned());
//! assert_eq!(user.full_name().as_deref(), Some("Ada"));
//!
//! let user: User = serde_json::from_str(r#"{"id":"user_2abc","future_field":1}"#)?;
//! assert_eq!(user.extra["future_field"], 1);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod accounts;
mod de;
mod deleted;
mod identifiers;
mod invitation;
mod metadata;
mod organization;
mod page;
mod session;
mod user;
mod verification;

#[cfg(test)]
mod spec_coverage;
#[cfg(test)]
mod test_support;

pub use accounts::{EnterpriseAccount, EnterpriseConnection, ExternalAccount};
pub use deleted::DeletedObject;
pub use identifiers::{EmailAddress, IdentificationLink, Passkey, PhoneNumber, Web3Wallet};
pub use invitation::{Invitation, InvitationStatus, OrganizationInvitation, PublicOrganizationData};
pub use organization::{Organization, OrganizationMembership, PublicUserData};
pub use page::Page;
pub use session::{Session, SessionActivity, SessionStatus, SessionTask};
pub use user::User;
pub use verification::{Verification, VerificationStatus};

/// A Clerk timestamp (Unix milliseconds, as every response sends them) as a [`SystemTime`];
/// `None` if it does not fit one.
pub fn system_time_from_unix_ms(unix_ms: i64) -> Option<SystemTime> {
    let offset = Duration::from_millis(unix_ms.unsigned_abs());
    if unix_ms >= 0 {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::system_time_from_unix_ms;

    #[test]
    fn unix_ms_becomes_system_time() {
        assert_eq!(
            system_time_from_unix_ms(1_732_000_000_123),
            Some(UNIX_EPOCH + Duration::from_millis(1_732_000_000_123))
        );
        assert_eq!(
            system_time_from_unix_ms(-1_000),
            UNIX_EPOCH.checked_sub(Duration::from_secs(1))
        );
        assert_eq!(system_time_from_unix_ms(0), Some(UNIX_EPOCH));
    }
}
