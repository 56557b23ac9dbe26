//! Fake TLS, both sides: a server's acceptor and records fed in pieces (the input either
//! follows a genuine client hello, to reach the records, or replaces it), and a client
//! waiting for the server's answer fed the same bytes.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use oxigram_proto::random::SeededRandom;
use oxigram_proto::transport::{FakeTls, FakeTlsAcceptor};

const KEY: [u8; 16] = [7; 16];
const T: u32 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut random = SeededRandom::new([pick; 32]);
    let mut client = FakeTls::client(Some(2), &KEY, "example.com", T, &mut random);
    let mut input = BytesMut::new();
    if pick & 1 != 0 {
        client.flush(&mut input);
    }
    let piece = usize::from(pick >> 1) * 29 + 1;
    let mut acceptor = FakeTlsAcceptor::new(KEY);
    let mut server = None;
    let mut from_server = BytesMut::new();
    for chunk in rest.chunks(piece) {
        input.extend_from_slice(chunk);
        from_server.extend_from_slice(chunk);
        if server.is_none() {
            match acceptor.accept(&mut input, T, &mut random) {
                Ok(Some(accepted)) => server = Some(accepted),
                Ok(None) => {}
                Err(_) => return,
            }
        }
        if let Some(server) = &mut server {
            loop {
                match server.decode(&mut input) {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(_) => return,
                }
            }
        }
        while let Ok(Some(_)) = client.decode(&mut from_server) {}
    }
});
