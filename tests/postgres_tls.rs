//! TLS to PostgreSQL, as `DATABASE_URL` asks for it with `sslmode=`: the
//! history's own connections are encrypted under `require` (the server says
//! so in `pg_stat_ssl`) and plain under `disable`; `verify-full` trusts the
//! server only with its certificate's issuer as `sslrootcert` and the name
//! in it as host. Needs `PIXDROP_TEST_DATABASE_URL` and a server with
//! `ssl = on` (Debian's default; `.ci/run` makes sure, with a certificate
//! for `localhost`), and says SKIPPED without the URL.

#[path = "support/postgres.rs"]
mod postgres;

use pixdrop::history::{History, Retention};
use postgres::{test_server_url, with_parameter};
use sqlx::{Connection, PgConnection};

const RETENTION: Retention = Retention {
    user_days: 365,
    anonymous_days: 30,
};

#[tokio::test]
async fn history_over_sslmode_require_is_encrypted() {
    let Some(url) = test_server_url("PostgreSQL TLS") else {
        return;
    };
    let history = History::connect(&with_parameter(&url, "sslmode=require"), RETENTION)
        .await
        .expect("sslmode=require connects");
    assert_eq!(history.encrypted().await.unwrap(), Some(true));

    let plain = History::connect(&with_parameter(&url, "sslmode=disable"), RETENTION)
        .await
        .unwrap();
    assert_eq!(
        plain.encrypted().await.unwrap(),
        Some(false),
        "the check tells the two apart"
    );
}

#[tokio::test]
async fn verify_full_trusts_only_the_configured_issuer_and_name() {
    let Some(url) = test_server_url("PostgreSQL TLS verify-full") else {
        return;
    };
    let mut admin = PgConnection::connect(&url).await.unwrap();
    let certificate: String = sqlx::query_scalar("SHOW ssl_cert_file")
        .fetch_one(&mut admin)
        .await
        .unwrap();
    let by_name = with_host(&url, "localhost");

    let unknown_issuer =
        History::connect(&with_parameter(&by_name, "sslmode=verify-full"), RETENTION)
            .await
            .err()
            .expect("a self-signed server certificate is refused without sslrootcert");
    assert!(
        unknown_issuer.to_lowercase().contains("certificate"),
        "{unknown_issuer}"
    );

    let trusted = format!("sslmode=verify-full&sslrootcert={certificate}");
    let history = History::connect(&with_parameter(&by_name, &trusted), RETENTION)
        .await
        .expect("verify-full connects with the issuer trusted and the right name");
    assert_eq!(history.encrypted().await.unwrap(), Some(true));

    let wrong_name = History::connect(&with_parameter(&url, &trusted), RETENTION)
        .await
        .err()
        .expect("verify-full refuses an address the certificate doesn't name");
    assert!(
        wrong_name.to_lowercase().contains("certificate"),
        "{wrong_name}"
    );
}

/// `url` with its host replaced by `host`.
fn with_host(url: &str, host: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (credentials, address) = rest.rsplit_once('@').unwrap_or(("", rest));
    let end = address.find([':', '/']).unwrap_or(address.len());
    let credentials = if credentials.is_empty() {
        String::new()
    } else {
        format!("{credentials}@")
    };
    format!("{scheme}://{credentials}{host}{}", &address[end..])
}
