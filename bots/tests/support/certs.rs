//! A throwaway certificate authority and a `localhost` server certificate
//! for TLS tests, made with the `openssl` command (CI installs it). Without
//! it the caller is told to skip, and a SKIPPED line says why.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Writes `ca`, `cert` and `key` (PEM) into `dir`; `false` when `openssl`
/// is missing.
pub fn generate(dir: &Path) -> bool {
    let openssl = |args: &[&str]| {
        Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
    };
    let Ok(made) = openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca",
        "-days",
        "2",
        "-subj",
        "/CN=pixdrop test CA",
    ]) else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: TLS tests (no openssl on PATH to make a test certificate)"
        );
        return false;
    };
    assert!(made.success(), "openssl made no CA");
    std::fs::write(
        dir.join("san"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    for step in [
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "key",
            "-out",
            "csr",
            "-subj",
            "/CN=localhost",
        ][..],
        &[
            "x509",
            "-req",
            "-in",
            "csr",
            "-CA",
            "ca",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "cert",
            "-days",
            "2",
            "-extfile",
            "san",
        ],
    ] {
        assert!(openssl(step).unwrap().success(), "openssl {step:?} failed");
    }
    true
}
