//! A fresh, empty PostgreSQL database for one test, on the server named by
//! `PIXDROP_TEST_DATABASE_URL` (CI sets it), dropped when the guard goes:
//! start-up and migration tests need a database nobody has migrated yet.
//! The test role needs CREATEDB. Without the variable the caller is told to
//! skip, and a SKIPPED line says why. Shared by the core's tests and the
//! bots' (included there by path), so it uses only what both have; each
//! test binary uses part of it.
#![allow(dead_code)]

use std::io::Write;

use sqlx::{Connection, Executor, PgConnection};

pub struct FreshDatabase {
    /// The test server's URL with this database in it.
    pub url: String,
    pub name: String,
    admin_url: String,
}

impl FreshDatabase {
    /// Creates the database; `None` (after a SKIPPED line naming `what`)
    /// when no test server is configured.
    pub async fn create(what: &str) -> Option<Self> {
        let admin_url = test_server_url(what)?;
        let name = format!("pixdrop_fresh_{}", pixdrop::store::FileId::random());
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .expect("connect to PIXDROP_TEST_DATABASE_URL");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("CREATE DATABASE (the test role needs CREATEDB)");
        Some(Self {
            url: with_database(&admin_url, &name),
            name,
            admin_url,
        })
    }

    /// A direct connection to this database, for the test's own checks.
    pub async fn connect(&self) -> PgConnection {
        PgConnection::connect(&self.url).await.unwrap()
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop runs inside the test's runtime, which can't block on itself:
        // a thread with a runtime of its own does the dropping.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await.ok()?;
                admin.execute(statement.as_str()).await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            let _ = writeln!(
                std::io::stderr(),
                "could not drop test database {}",
                self.name
            );
        }
    }
}

/// `PIXDROP_TEST_DATABASE_URL`, or `None` after a SKIPPED line naming `what`.
pub fn test_server_url(what: &str) -> Option<String> {
    let url = std::env::var("PIXDROP_TEST_DATABASE_URL").ok();
    if url.is_none() {
        // Straight to stderr: the harness hides `eprintln!` of passing tests,
        // and CI looks for this line.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {what} (PIXDROP_TEST_DATABASE_URL unset)"
        );
    }
    url
}

/// `url` naming database `name` instead of its own; its parameters stay.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let (server, _) = base
        .rsplit_once('/')
        .expect("PIXDROP_TEST_DATABASE_URL names a database");
    format!("{server}/{name}{query}")
}

/// `url` with `parameter` (`sslmode=require`) added.
pub fn with_parameter(url: &str, parameter: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{parameter}")
}
