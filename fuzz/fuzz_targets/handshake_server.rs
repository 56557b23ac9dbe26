//! The server role of the key exchange fed arbitrary client messages, after a genuine
//! first request (so that later inputs reach the later states).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxigram_proto::crypto::rsa::RsaPrivateKey;
use oxigram_proto::handshake::{ServerHandshake, ServerHandshakeConfig};
use oxigram_proto::random::SeededRandom;

#[path = "../../proto/tests/common/server_key.rs"]
mod server_key;

fuzz_target!(|data: &[u8]| {
    static KEY: std::sync::OnceLock<RsaPrivateKey> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(server_key::server_key).clone();
    let mut random = SeededRandom::new([2; 32]);
    let mut server = ServerHandshake::new(ServerHandshakeConfig { key, dc: None });
    let mut first = 0xbe7e8ef1_u32.to_le_bytes().to_vec();
    first.extend([0x11; 16]);
    if server.handle(&first, 0, &mut random).is_err() {
        return;
    }
    for message in data.split(|b| *b == 0xff).take(2) {
        if server.handle(message, 0, &mut random).is_err() {
            return;
        }
    }
});
