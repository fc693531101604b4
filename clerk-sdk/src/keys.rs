//! Keys: the PEM public key for networkless verification ([`JwtKey`]), the publishable key
//! ([`PublishableKey`]), the secret key type ([`SecretKey`]), and why keys could not be fetched
//! from the Backend API ([`JwksError`]).

pub use crate::jwks::JwksError;
pub use crate::jwt_key::{JwtKey, JwtKeyError};
pub use crate::publishable_key::{InstanceType, PublishableKey, PublishableKeyError};
pub use crate::secret::SecretKey;
