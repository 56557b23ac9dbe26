//! The client role of the key exchange fed arbitrary server answers: the input is split
//! into up to three answers (two length bytes before each).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxigram_proto::handshake::{ClientHandshake, ClientHandshakeConfig, Step};
use oxigram_proto::random::SeededRandom;

fuzz_target!(|data: &[u8]| {
    let mut random = SeededRandom::new([1; 32]);
    let (mut client, _) = ClientHandshake::start(ClientHandshakeConfig::new(2), &mut random);
    let mut rest = data;
    while let Some((len, tail)) = rest.split_first_chunk::<2>() {
        let len = usize::from(u16::from_le_bytes(*len)).min(tail.len());
        let (answer, tail) = tail.split_at(len);
        rest = tail;
        match client.handle(answer, 1_700_000_000, &mut random) {
            Ok(Step::Send(_)) => {}
            Ok(Step::Done(_)) | Err(_) => return,
        }
    }
});
