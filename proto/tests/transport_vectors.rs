//! Transport framing against the shared vectors, and decoding hostile bytes.

mod common;

use bytes::BytesMut;
use common::{hex, load};
use oxigram_proto::crypto::message::{self, AuthKey, Sender};
use oxigram_proto::random::SeededRandom;
use oxigram_proto::transport::{
    Codec, Frame, Framer, Kind, MAX_PAYLOAD, Obfuscated, Role, SERVER_MAX_PAYLOAD, TransportError,
};
use proptest::prelude::*;

fn packet() -> Option<Vec<u8>> {
    let v = load("mtproto2_message_vectors.json")?;
    Some(hex(
        &v["derived_from_official_sample"]["client_to_server"]["packet"]
    ))
}

fn encode(kind: Kind, payload: &[u8]) -> Vec<u8> {
    let mut framer = Framer::new(kind, Role::Client);
    let mut out = BytesMut::new();
    framer.encode(payload, &mut out, &mut SeededRandom::new([0; 32]));
    out.to_vec()
}

#[test]
fn frames_match_the_vectors() {
    let (Some(v), Some(packet)) = (load("transport_vectors.json"), packet()) else {
        return;
    };
    let t = &v["transports"];
    let abridged = encode(Kind::Abridged, &packet);
    assert_eq!(
        abridged,
        [
            hex(&t["abridged"]["init"]),
            hex(&t["abridged"]["frame_small"])
        ]
        .concat()
    );

    let intermediate = encode(Kind::Intermediate, &packet);
    let expected = [
        hex(&t["intermediate"]["init"]),
        hex(&t["intermediate"]["frame_small_header"]),
        packet.clone(),
    ];
    assert_eq!(intermediate, expected.concat());

    let full = encode(Kind::Full, &packet);
    assert_eq!(full, hex(&t["full"]["frame_seq0"]));

    // Padded intermediate: the header counts the packet and its random padding.
    let padded = encode(Kind::PaddedIntermediate, &packet);
    assert_eq!(padded[..4], hex(&t["padded_intermediate"]["init"])[..]);
    let len = u32::from_le_bytes(padded[4..8].try_into().unwrap()) as usize;
    assert!((packet.len()..packet.len() + 16).contains(&len));
    assert_eq!(padded[8..8 + packet.len()], packet[..]);

    // The abridged long form: 512 bytes are 128 words, `7f 80 00 00`.
    let long = encode(Kind::Abridged, &[0u8; 512]);
    assert_eq!(
        long[1..5],
        hex(&t["abridged"]["frame_512_zero_to_ff_x2_header"])[..]
    );
}

#[test]
fn every_transport_round_trips_in_both_directions() {
    let mut random = SeededRandom::new([3; 32]);
    for kind in [
        Kind::Abridged,
        Kind::Intermediate,
        Kind::PaddedIntermediate,
        Kind::Full,
    ] {
        let packets: Vec<Vec<u8>> = [0usize, 24, 508, 512, 4096, 1 << 20]
            .iter()
            .map(|n| {
                // An encrypted-looking packet: 24 bytes of header, then whole blocks.
                let n = if *n < 24 { 24 } else { 24 + (n - 24) / 16 * 16 };
                (0..n).map(|i| (i % 251 + 1) as u8).collect()
            })
            .collect();
        for (sender, receiver) in [(Role::Client, Role::Server), (Role::Server, Role::Client)] {
            let (mut tx, mut rx) = (Framer::new(kind, sender), Framer::new(kind, receiver));
            // Only clients send the tag; only servers expect it.
            let mut wire = BytesMut::new();
            for p in &packets {
                tx.encode(p, &mut wire, &mut random);
            }
            // Feed the bytes one odd-sized piece at a time.
            let mut input = BytesMut::new();
            let mut got = Vec::new();
            for chunk in wire.chunks(777) {
                input.extend_from_slice(chunk);
                while let Some(frame) = rx.decode(&mut input).unwrap() {
                    got.push(frame);
                }
            }
            assert!(input.is_empty(), "{kind:?}: bytes left over");
            let expected: Vec<Frame> = packets
                .iter()
                .map(|p| Frame::Packet(p.clone().into()))
                .collect();
            assert_eq!(got, expected, "{kind:?} {sender:?}");
        }
    }
}

#[test]
fn transport_errors_and_bad_frames() {
    let mut random = SeededRandom::new([1; 32]);
    for kind in [Kind::Abridged, Kind::Intermediate, Kind::Full] {
        let mut tx = Framer::new(kind, Role::Server);
        let mut wire = BytesMut::new();
        tx.encode(&(-404i32).to_le_bytes(), &mut wire, &mut random);
        let mut rx = Framer::new(kind, Role::Client);
        assert_eq!(
            rx.decode(&mut wire).unwrap(),
            Some(Frame::Error(-404)),
            "{kind:?}"
        );
    }

    let mut rx = Framer::new(Kind::Intermediate, Role::Server);
    assert_eq!(
        rx.decode(&mut BytesMut::from(&[0xefu8, 0, 0, 0][..])),
        Err(TransportError::BadTag)
    );

    let mut rx = Framer::new(Kind::Intermediate, Role::Client);
    let mut huge = BytesMut::from(&0x7fff_fff0u32.to_le_bytes()[..]);
    assert_eq!(
        rx.decode(&mut huge),
        Err(TransportError::TooLarge {
            len: 0x7fff_fff0,
            max: MAX_PAYLOAD
        })
    );
    let mut odd = BytesMut::from(&6u32.to_le_bytes()[..]);
    assert_eq!(rx.decode(&mut odd), Err(TransportError::BadLength(6)));

    let mut wire = BytesMut::new();
    Framer::new(Kind::Full, Role::Client).encode(&[1, 2, 3, 4], &mut wire, &mut random);
    let mut corrupt = wire.clone();
    corrupt[8] ^= 1;
    assert_eq!(
        Framer::new(Kind::Full, Role::Server).decode(&mut corrupt),
        Err(TransportError::BadChecksum)
    );
    let mut rx = Framer::new(Kind::Full, Role::Server);
    let mut twice = wire.clone();
    twice.extend_from_slice(&wire);
    assert!(rx.decode(&mut twice).unwrap().is_some());
    assert_eq!(
        rx.decode(&mut twice),
        Err(TransportError::BadSequence {
            expected: 1,
            got: 0
        })
    );
}

proptest! {
    /// Any bytes: a frame, a wait for more, or a typed error; never a panic, and never a
    /// frame larger than what arrived.
    #[test]
    fn hostile_bytes_never_panic(kind in 0usize..4, role in any::<bool>(), bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let kind = [Kind::Abridged, Kind::Intermediate, Kind::PaddedIntermediate, Kind::Full][kind];
        let mut rx = Framer::new(kind, if role { Role::Server } else { Role::Client });
        let mut input = BytesMut::from(&bytes[..]);
        while let Ok(Some(frame)) = rx.decode(&mut input) {
            if let Frame::Packet(p) = frame {
                prop_assert!(p.len() <= bytes.len());
            }
        }
        let mut server = Obfuscated::server(role.then_some(&[9u8; 16]));
        let mut input = BytesMut::from(&bytes[..]);
        while let Ok(Some(frame)) = server.decode(&mut input) {
            if let Frame::Packet(p) = frame {
                prop_assert!(p.len() <= bytes.len());
            }
        }
    }
}

#[test]
fn obfuscated2_headers_and_frames_match_the_vectors() {
    let Some(v) = load("transport_vectors.json") else {
        return;
    };
    for (name, kind, dc, secret) in [
        ("no_proxy", Kind::Intermediate, None, None),
        (
            "mtproxy_dd_secret_dc_minus4",
            Kind::PaddedIntermediate,
            Some(-4i16),
            Some([0x99u8; 16]),
        ),
    ] {
        let case = &v["obfuscated2"][name];
        // The header's random bytes, then (padded intermediate) 16 bytes asking for no padding.
        let mut random = common::replay::Replay::new(&[&hex(&case["init_plain"]), &[0; 16]]);
        let mut client = Obfuscated::client(kind, dc, secret.as_ref(), &mut random);
        let mut out = BytesMut::new();
        let frame = hex(&case["next_frame_plain"]);
        assert_eq!(frame[..4], 4u32.to_le_bytes());
        client.encode(&frame[4..], &mut out, &mut random);
        let expected = [hex(&case["header_sent"]), hex(&case["next_frame_sent"])].concat();
        assert_eq!(out.to_vec(), expected, "{name}");

        // The server side reads the header back and decodes the frame.
        let mut server = Obfuscated::server(secret.as_ref());
        let mut input = BytesMut::from(&expected[..]);
        let got = server.decode(&mut input).unwrap();
        assert_eq!(server.kind(), kind, "{name}");
        // A 4-byte payload is never a packet: it reads as a transport error code.
        let code = i32::from_le_bytes([0xaa, 0xbb, 0xcc, 0xdd]);
        assert_eq!(got, Some(Frame::Error(code)), "{name}");
    }
}

#[test]
fn obfuscated_round_trips_both_ways() {
    let mut random = SeededRandom::new([5; 32]);
    for kind in [Kind::Abridged, Kind::Intermediate, Kind::PaddedIntermediate] {
        for secret in [None, Some([7u8; 16])] {
            let mut client = Obfuscated::client(kind, Some(2), secret.as_ref(), &mut random);
            let mut server = Obfuscated::server(secret.as_ref());
            let mut up = BytesMut::new();
            let packets: Vec<Vec<u8>> = (0..20).map(|i| vec![i as u8 + 1; 24 + 16 * i]).collect();
            for p in &packets {
                client.encode(p, &mut up, &mut random);
            }
            // The server learns the keys from the client's header: it reads before it answers.
            let (mut to_server, mut to_client) = (BytesMut::new(), BytesMut::new());
            let (mut got_server, mut got_client) = (Vec::new(), Vec::new());
            for chunk in up.chunks(33) {
                to_server.extend_from_slice(chunk);
                while let Some(f) = server.decode(&mut to_server).unwrap() {
                    got_server.push(f);
                }
            }
            let mut reply = BytesMut::new();
            for p in &packets {
                server.encode(p, &mut reply, &mut random);
            }
            for chunk in reply.chunks(29) {
                to_client.extend_from_slice(chunk);
                while let Some(f) = client.decode(&mut to_client).unwrap() {
                    got_client.push(f);
                }
            }
            let expected: Vec<Frame> = packets
                .iter()
                .map(|p| Frame::Packet(p.clone().into()))
                .collect();
            assert_eq!(got_server, expected, "{kind:?} up");
            assert_eq!(got_client, expected, "{kind:?} down");
        }
    }
}

#[test]
fn quick_acks_are_requested_and_recognised() {
    let (Some(v), Some(packet)) = (load("transport_vectors.json"), packet()) else {
        return;
    };
    let t = &v["transports"];
    let mut random = SeededRandom::new([2; 32]);
    // The token the server computes for the vector's packet, as the vectors record it.
    let (Some(messages), Some(keys)) = (
        load("mtproto2_message_vectors.json"),
        load("auth_key_sample.json"),
    ) else {
        return;
    };
    let case = &messages["derived_from_official_sample"]["client_to_server"];
    let auth_key = AuthKey::new(common::array(&keys["steps"][7]["auth_key"]));
    let token = message::quick_ack_token(&auth_key, Sender::Client, &hex(&case["plaintext"]));
    let recorded = case["quick_ack_token_u32_le"]
        .as_str()
        .unwrap()
        .trim_start_matches("0x");
    assert_eq!(token, u32::from_str_radix(recorded, 16).unwrap());
    for kind in [Kind::Abridged, Kind::Intermediate, Kind::PaddedIntermediate] {
        let (mut client, mut server) = (
            Framer::new(kind, Role::Client),
            Framer::new(kind, Role::Server),
        );
        let mut up = BytesMut::new();
        client.encode_requesting_ack(&packet, &mut up, &mut random);
        match kind {
            Kind::Abridged => assert_eq!(
                up[1..2],
                hex(&t["abridged"]["quick_ack_request_small_first_byte"])[..]
            ),
            Kind::Intermediate => assert_eq!(
                up[4..8],
                hex(&t["intermediate"]["quick_ack_request_header"])[..]
            ),
            _ => assert_eq!(up[7] & 0x80, 0x80),
        }
        let frame = server.decode(&mut up).unwrap();
        assert_eq!(
            frame,
            Some(Frame::PacketAckRequested(packet.clone().into())),
            "{kind:?}"
        );

        // The answer: the acknowledgement, then an ordinary packet.
        let mut down = BytesMut::new();
        server.encode_quick_ack(token, &mut down);
        server.encode(&packet, &mut down, &mut random);
        assert_eq!(
            client.decode(&mut down).unwrap(),
            Some(Frame::QuickAck(token)),
            "{kind:?}"
        );
        assert_eq!(
            client.decode(&mut down).unwrap(),
            Some(Frame::Packet(packet.clone().into()))
        );
    }

    // The same through obfuscation.
    let mut client = Obfuscated::client(Kind::Intermediate, None, None, &mut random);
    let mut server = Obfuscated::server(None);
    let mut up = BytesMut::new();
    client.encode_requesting_ack(&packet, &mut up, &mut random);
    assert!(matches!(
        server.decode(&mut up).unwrap(),
        Some(Frame::PacketAckRequested(_))
    ));
    let mut down = BytesMut::new();
    server.encode_quick_ack(token, &mut down);
    assert_eq!(
        client.decode(&mut down).unwrap(),
        Some(Frame::QuickAck(token))
    );
}

#[test]
fn a_server_refuses_a_frame_beyond_its_maximum_as_soon_as_the_length_arrives() {
    let mut random = SeededRandom::new([6; 32]);
    // Payloads shaped as encrypted packets (24 bytes and whole blocks), which padded
    // intermediate can tell from their padding.
    let too_long = vec![7u8; 24 + (2 << 20)];
    let largest_request = vec![7u8; 24 + (1 << 20)];
    for kind in [
        Kind::Abridged,
        Kind::Intermediate,
        Kind::PaddedIntermediate,
        Kind::Full,
    ] {
        for obfuscated in [false, true] {
            let client = |random: &mut SeededRandom| {
                if obfuscated {
                    Codec::Obfuscated(Box::new(Obfuscated::client(kind, None, None, random)))
                } else {
                    Codec::Plain(Framer::new(kind, Role::Client))
                }
            };
            // A request of 1 MiB (an upload part of 512 KiB with room to spare) passes.
            let mut wire = BytesMut::new();
            client(&mut random).encode(&largest_request, &mut wire, &mut random);
            let mut server = Codec::detect(&wire, None).expect("enough bytes");
            let passed = match server.decode(&mut wire) {
                Ok(Some(Frame::Packet(p))) => p.len(),
                other => panic!("{kind:?} {obfuscated}: {:?}", other.map(|_| "a frame")),
            };
            assert_eq!(passed, largest_request.len(), "{kind:?} {obfuscated}");
            // A longer one is refused from its first bytes: the server holds none of it.
            let mut wire = BytesMut::new();
            client(&mut random).encode(&too_long, &mut wire, &mut random);
            wire.truncate(if obfuscated { 64 + 8 } else { 8 });
            let mut server = Codec::detect(&wire, None).expect("enough bytes");
            let refused = server.decode(&mut wire);
            assert!(
                matches!(
                    refused,
                    Err(TransportError::TooLarge { len, max: SERVER_MAX_PAYLOAD })
                        if len >= too_long.len()
                ),
                "{kind:?} {obfuscated}: {refused:?}"
            );
        }
    }
    // A client still takes answers that long from its server.
    let mut wire = BytesMut::new();
    Framer::new(Kind::Intermediate, Role::Server).encode(&too_long, &mut wire, &mut random);
    let mut client = Framer::new(Kind::Intermediate, Role::Client);
    assert!(matches!(
        client.decode(&mut wire),
        Ok(Some(Frame::Packet(p))) if p.len() == too_long.len()
    ));
}
