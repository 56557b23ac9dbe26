//! Interoperability with an independent implementation, the PyPI `mtproto` package (see
//! `fixtures/transport/check_frames.py`), for every transport, plain and obfuscated:
//!
//! - `client_frames.txt` is what this code sends for fixed inputs; the script checks that
//!   the package, as a server, reads exactly those packets back. The test here fails when
//!   the code and the file disagree (run with `OXIGRAM_WRITE_FIXTURES=1` to rewrite it, then
//!   rerun the script).
//! - `server_frames.txt` is what the package sends as a server; our client reads it here.

mod common;

use bytes::BytesMut;
use common::replay::Replay;
use common::unhex;
use oxigram_proto::random::SeededRandom;
use oxigram_proto::transport::{Frame, Framer, Kind, Obfuscated, Role};

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/transport/client_frames.txt"
);

fn payloads() -> Vec<Vec<u8>> {
    // An unencrypted-message-shaped packet, an encrypted-shaped one, and one long enough
    // for abridged's long length form.
    let mut plain = vec![0u8; 8];
    plain.extend(0x65c5_3d50_0006_72d4_u64.to_le_bytes());
    plain.extend(20u32.to_le_bytes());
    plain.extend([0xf1, 0x8e, 0x7e, 0xbe]);
    plain.extend([0x40; 16]);
    let encrypted: Vec<u8> = (0..24 + 16 * 5).map(|i| (i * 13 % 256) as u8).collect();
    let long: Vec<u8> = (0..24 + 16 * 40).map(|i| (i * 7 % 256) as u8).collect();
    vec![plain, encrypted, long]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn render() -> String {
    let mut out = String::from(
        "# Client frames written by oxigram for fixed inputs (transport_interop.rs).\n\
         # kind obfuscation secret|- payload,payload,... bytes-on-the-wire\n",
    );
    let kinds = [
        ("abridged", Kind::Abridged),
        ("intermediate", Kind::Intermediate),
        ("padded_intermediate", Kind::PaddedIntermediate),
        ("full", Kind::Full),
    ];
    let payload_hex = payloads()
        .iter()
        .map(|p| hex(p))
        .collect::<Vec<_>>()
        .join(",");
    for (name, kind) in kinds {
        let mut random = SeededRandom::new([11; 32]);
        let mut framer = Framer::new(kind, Role::Client);
        let mut wire = BytesMut::new();
        for p in payloads() {
            framer.encode(&p, &mut wire, &mut random);
        }
        out.push_str(&format!("{name} plain - {payload_hex} {}\n", hex(&wire)));
        if kind == Kind::Full {
            continue;
        }
        for secret in [None, Some([0x5a_u8; 16])] {
            let mut obfuscated = Obfuscated::client(kind, Some(2), secret.as_ref(), &mut random);
            let mut wire = BytesMut::new();
            for p in payloads() {
                obfuscated.encode(&p, &mut wire, &mut random);
            }
            let secret = secret.map_or("-".to_owned(), |s| hex(&s));
            out.push_str(&format!(
                "{name} obfuscated {secret} {payload_hex} {}\n",
                hex(&wire)
            ));
        }
    }
    out
}

#[test]
fn client_frames_fixture_is_current() {
    let text = render();
    if std::env::var_os("OXIGRAM_WRITE_FIXTURES").is_some() {
        std::fs::write(PATH, &text).unwrap();
    }
    let committed = std::fs::read_to_string(PATH).unwrap_or_default();
    assert_eq!(
        committed, text,
        "client_frames.txt is stale: rewrite it (see the module docs)"
    );
}

fn kind(name: &str) -> Kind {
    match name {
        "abridged" => Kind::Abridged,
        "intermediate" => Kind::Intermediate,
        "padded_intermediate" => Kind::PaddedIntermediate,
        "full" => Kind::Full,
        _ => panic!("unknown transport {name}"),
    }
}

#[test]
fn our_client_reads_the_packages_server_frames() {
    let text = include_str!("fixtures/transport/server_frames.txt");
    let mut checked = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split(' ').collect();
        let [name, mode, _secret, header, payloads, wire] = f[..] else {
            panic!("bad line {line}")
        };
        let kind = kind(name);
        let mut input = BytesMut::from(&unhex(wire)[..]);
        let mut frames = Vec::new();
        match mode {
            "plain" => {
                let mut client = Framer::new(kind, Role::Client);
                while let Some(frame) = client.decode(&mut input).unwrap() {
                    frames.push(frame);
                }
            }
            "obfuscated" => {
                // The receive keys come from the client's header as it was sent.
                let mut random = Replay::new(&[&unhex(header)]);
                let mut client = Obfuscated::client(kind, None, None, &mut random);
                while let Some(frame) = client.decode(&mut input).unwrap() {
                    frames.push(frame);
                }
            }
            "quickack" => {
                if kind == Kind::PaddedIntermediate {
                    // The package sends its own form here (a padded frame holding
                    // ffffffff and the token), not the 4-byte word intermediate uses.
                    continue;
                }
                let token = u32::from_le_bytes(unhex(payloads).try_into().unwrap());
                let mut client = Framer::new(kind, Role::Client);
                assert_eq!(
                    client.decode(&mut input).unwrap(),
                    Some(Frame::QuickAck(token)),
                    "{line}"
                );
                checked += 1;
                continue;
            }
            _ => panic!("unknown mode {mode}"),
        }
        assert!(input.is_empty(), "{name} {mode}: bytes left over");
        let expected: Vec<Frame> = payloads
            .split(',')
            .map(|p| Frame::Packet(unhex(p).into()))
            .collect();
        assert_eq!(frames, expected, "{name} {mode}");
        checked += 1;
    }
    assert_eq!(checked, 9, "every frame line and two quick acks");
}
