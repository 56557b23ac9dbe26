//! The tests' server key pair (see `fixtures/rsa/gen_key.py`), shared with the benches.

use oxigram_proto::crypto::rsa::RsaPrivateKey;

/// Reads `fixtures/rsa/test_server_key.txt`: lines `n HEX`, `e HEX`, `d HEX`.
pub fn server_key() -> RsaPrivateKey {
    let text = include_str!("../fixtures/rsa/test_server_key.txt");
    let field = |name: &str| -> Vec<u8> {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap();
        let hex = line[name.len() + 1..].trim();
        let hex = if hex.len() % 2 == 1 {
            format!("0{hex}")
        } else {
            hex.to_owned()
        };
        (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    };
    RsaPrivateKey::new(&field("n"), &field("e"), &field("d")).unwrap()
}
