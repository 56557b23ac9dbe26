//! Where the MTProxy knob sends a connection: an MTProxy forwards each connection to the
//! DC its obfuscated header names (`dc + 10000` for a test DC, negative for a media one),
//! so the knob reads that header from the first bytes, before any DC sees them, and
//! hands the connection to that DC.
//!
//! The header is read from a copy of what arrived: the DC the connection goes to reads
//! everything again from the start, as if it had been its own from the first byte.

use bytes::BytesMut;
use oxigram_proto::random::SeededRandom;
use oxigram_proto::transport::{Codec, FakeTlsAcceptor, MtProxySecret};

/// What the first bytes of a connection say about its DC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// Too few bytes yet to tell.
    Pending,
    /// Served where it arrived: not obfuscated, keyed otherwise (the DC refuses it), or
    /// a fake-TLS hello with no record after it yet (a client waiting for the answer).
    Here,
    /// The DC its header names, as Telegram numbers DCs (no test offset, no sign).
    Dc(i32),
}

/// Reads the DC the connection's header names from `input` (nothing is consumed), for a
/// knob keyed with `secret` at server time `unix`.
pub(crate) fn route(input: &[u8], secret: &MtProxySecret, unix: u32) -> Route {
    let Some(&first) = input.first() else {
        return Route::Pending;
    };
    let mut copy = BytesMut::from(input);
    let codec = match secret {
        MtProxySecret::FakeTls { key, .. } if first == 0x16 => {
            match FakeTlsAcceptor::looks_like_tls(input) {
                None => return Route::Pending,
                Some(false) => return Route::Here,
                Some(true) => {}
            }
            // An acceptor of its own, so that the DC's (and its replay cache) sees the
            // hello once; the answer it makes is thrown away with its randomness.
            let mut acceptor = FakeTlsAcceptor::new(*key);
            let mut random = SeededRandom::new([0; 32]);
            match acceptor.accept(&mut copy, unix, &mut random) {
                // Nothing after the hello: the client may be waiting for the answer,
                // which only the DC it arrived at can give.
                Ok(Some(_)) if copy.is_empty() => return Route::Here,
                Ok(Some(tls)) => Codec::FakeTls(Box::new(tls)),
                Ok(None) => return Route::Pending,
                // The DC it arrived at refuses it the same way.
                Err(_) => return Route::Here,
            }
        }
        _ => match Codec::detect(input, Some(secret.key())) {
            None => return Route::Pending,
            Some(codec) if !codec.is_obfuscated() => return Route::Here,
            Some(codec) => codec,
        },
    };
    let mut codec = codec;
    // The header comes with the first bytes (of the first record, for fake TLS); a
    // frame after it need not be whole.
    if codec.decode(&mut copy).is_err() {
        return Route::Here;
    }
    match codec.header_dc() {
        Some(named) => Route::Dc(i32::from(named).abs() % 10000),
        None => Route::Pending,
    }
}

#[cfg(test)]
mod tests {
    use oxigram_proto::transport::{Kind, Obfuscation};

    use super::*;

    const KEY: [u8; 16] = [0x42; 16];
    const T: u32 = 1_700_000_000;

    fn secrets() -> [MtProxySecret; 3] {
        [
            MtProxySecret::Plain(KEY),
            MtProxySecret::Padded(KEY),
            MtProxySecret::FakeTls {
                key: KEY,
                domain: "example.com".into(),
            },
        ]
    }

    /// A client's first bytes for `secret` naming `dc` in its header.
    fn opening(secret: &MtProxySecret, dc: i16) -> BytesMut {
        let mut random = SeededRandom::new([dc as u8; 32]);
        let hidden = Obfuscation::MtProxy(secret.clone());
        let mut client = Codec::client(Kind::Intermediate, dc, &hidden, T, &mut random);
        let mut wire = BytesMut::new();
        client.encode(&[5; 72], &mut wire, &mut random);
        wire
    }

    /// The length of the fake-TLS hello record opening `wire`.
    fn hello_len(wire: &[u8]) -> usize {
        5 + usize::from(u16::from_be_bytes([wire[3], wire[4]]))
    }

    #[test]
    fn the_header_names_the_dc_however_it_is_written() {
        for secret in secrets() {
            for (named, dc) in [(1, 1), (10003, 3), (-10002, 2), (-4, 4)] {
                let wire = opening(&secret, named);
                assert_eq!(
                    route(&wire, &secret, T),
                    Route::Dc(dc),
                    "{secret:?} {named}"
                );
                // Byte by byte, it waits until it can tell, then tells the same (fake
                // TLS: from the first record on; see below for the hello alone).
                let from = match secret {
                    MtProxySecret::FakeTls { .. } => hello_len(&wire) + 1,
                    _ => 1,
                };
                let told = (from..=wire.len())
                    .map(|n| route(&wire[..n], &secret, T))
                    .find(|r| *r != Route::Pending);
                assert_eq!(told, Some(Route::Dc(dc)), "{secret:?} {named}");
                let before = (1..from.min(wire.len()) - 1)
                    .map(|n| route(&wire[..n], &secret, T))
                    .find(|r| *r != Route::Pending);
                assert_eq!(before, None, "{secret:?} {named}");
            }
        }
    }

    #[test]
    fn what_it_cannot_route_stays_where_it_arrived() {
        // Unobfuscated transports.
        assert_eq!(route(&[0xef, 1, 2], &secrets()[0], T), Route::Here);
        assert_eq!(route(&[0xee; 8], &secrets()[0], T), Route::Here);
        // Keyed otherwise: the header's tag does not read.
        let other = MtProxySecret::Plain([7; 16]);
        assert_eq!(route(&opening(&other, 2), &secrets()[0], T), Route::Here);
        // A fake-TLS hello signed with another key, or one with nothing after it yet.
        let fake = &secrets()[2];
        let foreign = MtProxySecret::FakeTls {
            key: [7; 16],
            domain: "example.com".into(),
        };
        assert_eq!(route(&opening(&foreign, 2), fake, T), Route::Here);
        let wire = opening(fake, 2);
        assert_eq!(route(&wire[..hello_len(&wire)], fake, T), Route::Here);
        assert_eq!(route(&[], fake, T), Route::Pending);
    }
}
