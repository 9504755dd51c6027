//! Buckets in Redis, for several instances that must give a sender one
//! allowance between them. Each check is one atomic round trip: the GCRA
//! script (`gcra.lua`, sent by `EVALSHA`) reads, decides and writes in one
//! step, on Redis' clock. Bucket keys are a keyed hash of the sender, so
//! Redis never holds an address or a user id, and they expire once the
//! bucket is full again.

use std::fmt;
use std::sync::LazyLock;
use std::time::Duration;

use hmac::{Hmac, Mac};
use pixdrop::UserError;
use pixdrop::store::OUTAGE_RETRY_SECONDS;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sha2::Sha256;

use super::Pace;

static GCRA: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(include_str!("gcra.lua")));

/// Keeps bucket keys apart from everything else under the same key.
const KEY_LABEL: &[u8] = b"pixdrop rate-limit keys v1";
/// Bytes of the keyed hash kept in a key name: 128 bits, no collisions.
const KEY_BYTES: usize = 16;
/// Longest one check may take, reconnecting included, before the sender
/// is told the service is unavailable.
const CHECK_WITHIN: Duration = Duration::from_secs(2);

/// One connection to Redis for the buckets, shared by every front end of
/// this instance (cheap to clone).
#[derive(Clone)]
pub struct Shared {
    connection: ConnectionManager,
    /// Derived from the secret every instance shares, so they all name a
    /// sender's bucket alike.
    key: [u8; 32],
    prefix: String,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Shared(..)")
    }
}

impl Shared {
    /// Connects to `url`. `secret` (the signing key) must be the same on
    /// every instance; `prefix` namespaces the keys.
    pub async fn connect(url: &str, secret: &[u8], prefix: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("bad REDIS_URL: {e}"))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CHECK_WITHIN / 2))
            .set_response_timeout(Some(CHECK_WITHIN / 2))
            .set_number_of_retries(1);
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| format!("can't reach Redis for the rate limits: {e}"))?;
        let mut key = [0u8; 32];
        hkdf::Hkdf::<Sha256>::new(None, secret)
            .expand(KEY_LABEL, &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 length");
        Ok(Self {
            connection,
            key,
            prefix: prefix.to_string(),
        })
    }

    /// The key of `identity`'s bucket in `scope`: reveals neither, and
    /// can't be worked back to them without the secret.
    pub fn bucket_key(&self, scope: &str, identity: &[u8]) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(scope.as_bytes());
        mac.update(&[0]);
        mac.update(identity);
        let tag = mac.finalize().into_bytes();
        let hex: String = tag[..KEY_BYTES]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{}:pace:{hex}", self.prefix)
    }

    /// Takes one conversion from the bucket: `None` when admitted, else how
    /// long to wait. A Redis fault is `Unavailable`, never a free pass.
    pub async fn take(
        &self,
        scope: &str,
        identity: &[u8],
        pace: Pace,
    ) -> Result<Option<Duration>, UserError> {
        let interval = u64::try_from(pace.interval.as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        let mut connection = self.connection.clone();
        let mut invocation = GCRA.key(self.bucket_key(scope, identity));
        invocation.arg(interval).arg(pace.burst);
        let checked = tokio::time::timeout(
            CHECK_WITHIN,
            invocation.invoke_async::<u64>(&mut connection),
        )
        .await;
        match checked {
            Ok(Ok(0)) => Ok(None),
            Ok(Ok(wait)) => Ok(Some(Duration::from_micros(wait))),
            Ok(Err(error)) => Err(unavailable(&error)),
            Err(_) => Err(unavailable(&"no answer in time")),
        }
    }
}

/// Redis out of reach: logged, and the sender told to come back shortly
/// (the connection manager reconnects meanwhile).
fn unavailable(error: &dyn fmt::Display) -> UserError {
    tracing::warn!("redis unavailable for the rate limits: {error}");
    UserError::Unavailable {
        seconds: OUTAGE_RETRY_SECONDS,
    }
}

impl Shared {
    /// The buckets for this configuration: in Redis when `REDIS_URL` is
    /// set, named under the signing key every instance must share.
    pub async fn configured(config: &crate::config::Config) -> Result<Option<Self>, String> {
        let Some(url) = &config.redis_url else {
            return Ok(None);
        };
        let Some(key) = &config.signing_key else {
            return Err(
                "REDIS_URL: the shared rate limits need PIXDROP_SIGNING_KEY, the same on every instance"
                    .into(),
            );
        };
        Self::connect(&url.0, key.0.as_bytes(), "pixdrop")
            .await
            .map(Some)
    }
}
