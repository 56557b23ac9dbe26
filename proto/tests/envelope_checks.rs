//! The encrypted envelope against the shared vectors, and one test per incoming check.

mod common;

use common::replay::Replay;
use common::{array, hex, load};
use oxigram_proto::crypto::message::{self, AuthKey, Sender};
use oxigram_proto::random::SeededRandom;
use oxigram_proto::session::{EnvelopeError, Inner, open, seal};

fn number(value: &serde_json::Value) -> i64 {
    let text = value.as_str().unwrap().trim_start_matches("0x");
    u64::from_str_radix(text, 16).unwrap() as i64
}

#[test]
fn official_sample_packets_open_and_seal() {
    let (Some(v), Some(keys)) = (
        load("mtproto2_message_vectors.json"),
        load("auth_key_sample.json"),
    ) else {
        return;
    };
    let auth_key = AuthKey::new(array(&keys["steps"][7]["auth_key"]));
    for (name, sender) in [
        ("client_to_server", Sender::Client),
        ("server_to_client", Sender::Server),
    ] {
        let case = &v["derived_from_official_sample"][name];
        let packet = hex(&case["packet"]);
        let inner = open(&auth_key, sender, &packet).unwrap();
        let salt = i64::from_le_bytes(array(&case["server_salt"]));
        let session_id = i64::from_le_bytes(array(&case["session_id"]));
        let expected = Inner {
            salt,
            session_id,
            msg_id: number(&case["msg_id"]),
            seq_no: case["seqno"].as_i64().unwrap() as i32,
            body: hex(&case["message_data"]).into(),
        };
        assert_eq!(inner, expected, "{name}");
        if sender == Sender::Client {
            // Our padding rule (the fewest bytes from 12 that fill a block) gives the
            // vector's 20 bytes here, so the whole packet comes out the same.
            let mut random = Replay::new(&[&hex(&case["padding"])]);
            let fields = (salt, session_id, expected.msg_id, expected.seq_no);
            assert_eq!(
                seal(&auth_key, sender, fields, &expected.body, &mut random),
                packet
            );
        }
    }
}

fn key() -> AuthKey {
    AuthKey::new(std::array::from_fn(|i| (i * 31 + 7) as u8))
}

/// An envelope around a hand-made plaintext (header fields, then `body_len`, then `rest`).
fn envelope_with(body_len: u32, rest: usize) -> Vec<u8> {
    let auth_key = key();
    let mut plain = vec![0x11; 28];
    plain.extend(body_len.to_le_bytes());
    plain.resize(32 + rest, 0x22);
    let msg_key = message::encrypt(&auth_key, Sender::Server, &mut plain).unwrap();
    [&auth_key.id()[..], &msg_key[..], &plain[..]].concat()
}

#[test]
fn a_valid_envelope_opens() {
    let mut random = SeededRandom::new([4; 32]);
    let packet = seal(&key(), Sender::Server, (1, 2, 3, 4), &[9; 40], &mut random);
    let inner = open(&key(), Sender::Server, &packet).unwrap();
    assert_eq!(
        (inner.salt, inner.session_id, inner.msg_id, inner.seq_no),
        (1, 2, 3, 4)
    );
    assert_eq!(&inner.body[..], &[9; 40]);
    // The inner-length rules accept the extremes of the padding range.
    assert!(open(&key(), Sender::Server, &envelope_with(4, 16)).is_ok());
    assert!(open(&key(), Sender::Server, &envelope_with(0, 1024)).is_ok());
}

#[test]
fn length_not_whole_blocks() {
    let mut packet = envelope_with(4, 16);
    packet.truncate(packet.len() - 4);
    assert_eq!(
        open(&key(), Sender::Server, &packet),
        Err(EnvelopeError::Length(packet.len()))
    );
}

#[test]
fn length_too_short() {
    let packet = vec![0; 24 + 16];
    assert_eq!(
        open(&key(), Sender::Server, &packet),
        Err(EnvelopeError::Length(40))
    );
}

#[test]
fn another_auth_key() {
    let mut packet = envelope_with(4, 16);
    packet[0] ^= 1;
    assert_eq!(
        open(&key(), Sender::Server, &packet),
        Err(EnvelopeError::AuthKeyId)
    );
}

#[test]
fn message_key_mismatch() {
    let mut packet = envelope_with(4, 16);
    packet[40] ^= 1;
    assert_eq!(
        open(&key(), Sender::Server, &packet),
        Err(EnvelopeError::MessageKey)
    );
    // The other direction's keys fail the same way.
    let packet = envelope_with(4, 16);
    assert_eq!(
        open(&key(), Sender::Client, &packet),
        Err(EnvelopeError::MessageKey)
    );
}

#[test]
fn inner_length_not_a_multiple_of_4() {
    assert_eq!(
        open(&key(), Sender::Server, &envelope_with(6, 32)),
        Err(EnvelopeError::InnerLength(6))
    );
}

#[test]
fn padding_below_12() {
    assert_eq!(
        open(&key(), Sender::Server, &envelope_with(8, 16)),
        Err(EnvelopeError::InnerLength(8))
    );
}

#[test]
fn padding_above_1024() {
    assert_eq!(
        open(&key(), Sender::Server, &envelope_with(4, 1040)),
        Err(EnvelopeError::InnerLength(4))
    );
}

#[test]
fn inner_length_beyond_the_plaintext() {
    assert_eq!(
        open(&key(), Sender::Server, &envelope_with(4096, 16)),
        Err(EnvelopeError::InnerLength(4096))
    );
}
