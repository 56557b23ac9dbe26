//! Every transport decoder, plain and obfuscated, on both sides: the first byte picks the
//! decoder, the rest arrives in pieces whose sizes the next bytes pick.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use oxigram_proto::transport::{Frame, Framer, Kind, Obfuscated, Role};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let kind = [
        Kind::Abridged,
        Kind::Intermediate,
        Kind::PaddedIntermediate,
        Kind::Full,
    ][usize::from(pick & 3)];
    let role = if pick & 4 == 0 {
        Role::Client
    } else {
        Role::Server
    };
    let mut input = BytesMut::new();
    let mut plain = Framer::new(kind, role);
    let mut obfuscated = Obfuscated::server((pick & 8 != 0).then_some(&[7; 16]));
    for piece in rest.chunks(usize::from(pick >> 4) * 37 + 1) {
        input.extend_from_slice(piece);
        let mut copy = input.clone();
        loop {
            let (a, b) = (plain.decode(&mut input), obfuscated.decode(&mut copy));
            let done = |r: &Result<Option<Frame>, _>| !matches!(r, Ok(Some(_)));
            if let Ok(Some(Frame::Packet(p))) = &a {
                assert!(p.len() <= rest.len());
            }
            if done(&a) && done(&b) {
                break;
            }
        }
        if plain.decode(&mut input).is_err() {
            return;
        }
    }
});
