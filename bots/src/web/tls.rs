//! HTTPS on `PIXDROP_BIND`: the certificate chain and private key of
//! `PIXDROP_TLS_CERT` / `PIXDROP_TLS_KEY`, read and checked once at start
//! (a bad file stops start-up, naming its setting), and the handshake each
//! connection goes through before `listen` serves HTTP on it. rustls with
//! ring, as the clients to Redis, PostgreSQL and the chat platforms use.
//! A handshake gets the header timeout: a client that opens a connection
//! and never finishes it is dropped, and gives its slot back, like one
//! that never sends its header.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::server::TlsStream;

/// The server's TLS settings, ready to accept connections.
#[derive(Clone)]
pub struct Tls(TlsAcceptor);

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tls(..)")
    }
}

/// What is wrong with the TLS files, and which setting names the culprit.
#[derive(Debug)]
pub struct TlsProblem {
    pub variable: &'static str,
    pub problem: String,
}

const CERT: &str = "PIXDROP_TLS_CERT";
const KEY: &str = "PIXDROP_TLS_KEY";

impl Tls {
    /// The chain of PEM certificates at `cert` (the server's first) and the
    /// PEM private key (PKCS#8, PKCS#1 or SEC1) at `key`.
    pub fn from_pem_files(cert: &str, key: &str) -> Result<Self, TlsProblem> {
        let refuse = |variable, problem| TlsProblem { variable, problem };
        let cert_pem =
            std::fs::read(cert).map_err(|e| refuse(CERT, format!("can't read {cert}: {e}")))?;
        let chain = CertificateDer::pem_slice_iter(&cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| refuse(CERT, format!("{cert} is not a PEM certificate: {e}")))?;
        if chain.is_empty() {
            return Err(refuse(CERT, format!("{cert} holds no PEM certificate")));
        }
        let key_pem =
            std::fs::read(key).map_err(|e| refuse(KEY, format!("can't read {key}: {e}")))?;
        let private = PrivateKeyDer::from_pem_slice(&key_pem)
            .map_err(|e| refuse(KEY, format!("{key} holds no PEM private key: {e}")))?;
        let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| refuse(CERT, e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, private)
            .map_err(|e| {
                refuse(
                    KEY,
                    format!("{key} does not fit the certificate in {cert}: {e}"),
                )
            })?;
        // Only HTTP/1.1 is served.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self(TlsAcceptor::from(Arc::new(config))))
    }

    /// The TLS session over `io`, or `None` when the client failed the
    /// handshake or did not finish it within `limit`.
    pub async fn handshake<IO>(&self, io: IO, limit: Duration) -> Option<TlsStream<IO>>
    where
        IO: AsyncRead + AsyncWrite + Unpin,
    {
        match tokio::time::timeout(limit, self.0.accept(io)).await {
            Ok(Ok(stream)) => Some(stream),
            Ok(Err(error)) => {
                tracing::debug!("TLS handshake failed: {error}");
                None
            }
            Err(_) => {
                tracing::debug!("TLS handshake not finished within {limit:?}");
                None
            }
        }
    }
}
