//! What the PostgreSQL tests share: the database's URL, and the test DC's addresses as
//! worker processes get them.

use std::net::SocketAddr;

/// The URL in `OXIGRAM_TEST_POSTGRES`; without it, `None` after saying the test is
/// skipped, or a panic with `CI` set (CI must run these tests).
pub fn database() -> Option<String> {
    match std::env::var("OXIGRAM_TEST_POSTGRES") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI is set but OXIGRAM_TEST_POSTGRES is not: the PostgreSQL tests must run")
        }
        Err(_) => {
            eprintln!("skipped: set OXIGRAM_TEST_POSTGRES to a database URL to run this test");
            None
        }
    }
}

/// A name no other run uses (the database outlives the test DC).
#[allow(dead_code)]
pub fn unique(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{test}-{}-{nanos:x}", std::process::id())
}

/// DC addresses as `ID=IP:PORT,…`, for a worker's environment.
#[allow(dead_code)]
pub fn encode_addresses(addresses: &[(i16, SocketAddr)]) -> String {
    addresses
        .iter()
        .map(|(dc, a)| format!("{dc}={a}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[allow(dead_code)]
pub fn decode_addresses(text: &str) -> Vec<(i16, SocketAddr)> {
    text.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (dc, address) = p.split_once('=').unwrap();
            (dc.parse().unwrap(), address.parse().unwrap())
        })
        .collect()
}

/// The runs of the harness-free tests end with a line in the test runner's form, so
/// that totals over every test binary count them.
#[allow(dead_code)]
pub fn report(passed: usize, ignored: usize) {
    println!(
        "test result: ok. {passed} passed; 0 failed; {ignored} ignored; 0 measured; 0 filtered out"
    );
}
