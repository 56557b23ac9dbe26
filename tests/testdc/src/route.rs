//! Where the MTProxy knob sends a connection: an MTProxy forwards each connection to the
//! DC its obfuscated header names (`dc + 10000` for a test DC, negative for a media one),
//! so the knob reads that header from the first bytes, before any DC sees them, and
//! hands the connection to that DC.
//!
//! The header is read from a copy of what arrived: the DC the connection goes to reads
//! everything again from the start, as if it had been its own from the first byte. A
//! fake-TLS client sends its hello alone and waits for the answer before its first
//! record, so the DC it reached answers the hello, and the connection (its transport
//! as that DC began it) moves on once the first record names its DC ([`route_records`]).

use bytes::BytesMut;
use oxigram_proto::random::SeededRandom;
use oxigram_proto::transport::{Codec, FakeTlsAcceptor, MtProxySecret};

/// What the first bytes of a connection say about its DC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// Too few bytes yet to tell.
    Pending,
    /// Served where it arrived: not obfuscated, or keyed otherwise (the DC refuses it).
    Here,
    /// A fake-TLS hello with nothing after it: answered where it arrived, the DC read
    /// from the records that follow the answer ([`route_records`]).
    AfterHello,
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
                // Nothing after the hello: the client waits for the answer.
                Ok(Some(_)) if copy.is_empty() => return Route::AfterHello,
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
    codec.header_dc().map_or(Route::Pending, named_dc)
}

/// The DC a header names: test DCs (`+10000`) and media connections (negative) are
/// served by the DC of the same number.
fn named_dc(named: i16) -> Route {
    Route::Dc(i32::from(named).abs() % 10000)
}

/// After a fake-TLS hello was answered: the DC the obfuscated header in the first
/// application-data records of `input` names (ChangeCipherSpec records skipped).
pub(crate) fn route_records(input: &[u8], key: &[u8; 16]) -> Route {
    let mut header = Vec::with_capacity(64);
    let mut rest = input;
    while header.len() < 64 {
        let Some(&[kind, _, _, hi, lo]) = rest.first_chunk::<5>() else {
            return Route::Pending;
        };
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        let body = &rest[5..rest.len().min(5 + len)];
        match kind {
            0x17 => header.extend_from_slice(&body[..body.len().min(64 - header.len())]),
            0x14 => {}
            // Anything else the DC's own codec refuses.
            _ => return Route::Here,
        }
        if body.len() < len {
            break;
        }
        rest = &rest[5 + len..];
    }
    if header.len() < 64 {
        return Route::Pending;
    }
    let mut codec = Codec::detect(&header, Some(key)).expect("64 bytes are enough to tell");
    let mut copy = BytesMut::from(&header[..]);
    if !codec.is_obfuscated() || codec.decode(&mut copy).is_err() {
        return Route::Here;
    }
    codec.header_dc().map_or(Route::Here, named_dc)
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
            fake_tls([0x42; 16]),
        ]
    }

    fn fake_tls(key: [u8; 16]) -> MtProxySecret {
        MtProxySecret::FakeTls {
            key,
            domain: "example.com".into(),
        }
    }

    /// A client's first bytes for `secret` naming `dc` in its header, with a frame to
    /// send: what it sends at once, and (fake TLS, whose hello goes alone) what it sends
    /// after a server keyed with `KEY` answered.
    fn opening(secret: &MtProxySecret, dc: i16) -> (BytesMut, BytesMut) {
        let mut random = SeededRandom::new([dc as u8; 32]);
        let hidden = Obfuscation::MtProxy(secret.clone());
        let mut client = Codec::client(Kind::Intermediate, dc, &hidden, T, &mut random);
        let mut first = BytesMut::new();
        client.encode(&[5; 72], &mut first, &mut random);
        let mut after = BytesMut::new();
        if let MtProxySecret::FakeTls { key, .. } = secret {
            let mut hello = first.clone();
            let mut server = FakeTlsAcceptor::new(*key)
                .accept(&mut hello, T, &mut random)
                .expect("our own hello")
                .expect("whole");
            let mut answer = BytesMut::new();
            server.flush(&mut answer);
            assert_eq!(client.decode(&mut answer), Ok(None));
            client.flush(&mut after);
        }
        (first, after)
    }

    /// The first answer other than `Pending` for each prefix of `wire`, and the prefix
    /// length it came at.
    fn told(wire: &[u8], read: impl Fn(&[u8]) -> Route) -> Option<(usize, Route)> {
        (0..=wire.len())
            .map(|n| (n, read(&wire[..n])))
            .find(|(_, r)| *r != Route::Pending)
    }

    #[test]
    fn the_header_names_the_dc_however_it_is_written() {
        for secret in secrets() {
            for (named, dc) in [(1, 1), (10003, 3), (-10002, 2), (-4, 4)] {
                let (first, after) = opening(&secret, named);
                let at_once = |b: &[u8]| route(b, &secret, T);
                if let MtProxySecret::FakeTls { key, .. } = &secret {
                    // The hello alone, waited for whole; the DC from the records that
                    // follow the answer, waited for until the header is whole.
                    assert!(after.len() > 64);
                    assert_eq!(
                        told(&first, at_once),
                        Some((first.len(), Route::AfterHello))
                    );
                    let (at, route) = told(&after, |b| route_records(b, key)).unwrap();
                    assert_eq!(route, Route::Dc(dc), "{named}");
                    assert!(at <= after.len() && at >= 64, "{at}");
                } else {
                    assert!(after.is_empty());
                    // Byte by byte it waits for the 64-byte header, then tells the DC.
                    assert_eq!(told(&first, at_once), Some((64, Route::Dc(dc))), "{named}");
                }
            }
        }
    }

    #[test]
    fn what_it_cannot_route_stays_where_it_arrived() {
        let plain = &secrets()[0];
        // Unobfuscated transports.
        assert_eq!(route(&[0xef, 1, 2], plain, T), Route::Here);
        assert_eq!(route(&[0xee; 8], plain, T), Route::Here);
        // Keyed otherwise: the header's tag does not read.
        let other = MtProxySecret::Plain([7; 16]);
        assert_eq!(route(&opening(&other, 2).0, plain, T), Route::Here);
        // A fake-TLS hello signed with another key.
        let fake = fake_tls(KEY);
        let foreign = fake_tls([7; 16]);
        assert_eq!(route(&opening(&foreign, 2).0, &fake, T), Route::Here);
        assert_eq!(route(&[], &fake, T), Route::Pending);
        // After a hello: records keyed otherwise, or of a type with no place there.
        let (_, after) = opening(&foreign, 2);
        assert_eq!(route_records(&after, &KEY), Route::Here);
        assert_eq!(route_records(&[0x15, 3, 3, 0, 2, 2, 40], &KEY), Route::Here);
        assert_eq!(route_records(&[0x14, 3, 3, 0, 1, 1], &KEY), Route::Pending);
    }

    proptest::proptest! {
        /// Whatever a client sends first, reading it does not panic.
        #[test]
        fn any_first_bytes_are_read_safely(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..1200),
            tls in proptest::prelude::any::<bool>(),
        ) {
            let mut input = bytes.clone();
            if tls {
                input.splice(0..0, [0x16, 0x03, 0x01]);
            }
            for secret in secrets() {
                std::hint::black_box(route(&input, &secret, T));
                std::hint::black_box(route_records(&input, secret.key()));
            }
        }
    }
}
