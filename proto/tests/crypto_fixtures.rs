//! The crypto primitives against vectors made by independent implementations (TgCrypto,
//! pycryptodome and the PyPI `mtproto` package): see `fixtures/crypto/gen_fixtures.py`.

mod common;

use common::unhex as hex;
use oxigram_proto::crypto::ctr::AesCtr;
use oxigram_proto::crypto::ige;
use oxigram_proto::crypto::message::{self, AuthKey, Sender};

const VECTORS: &str = include_str!("fixtures/crypto/vectors.txt");

fn arr<const N: usize>(text: &str) -> [u8; N] {
    hex(text).try_into().unwrap()
}

fn sender(x: &str) -> Sender {
    match x {
        "0" => Sender::Client,
        "8" => Sender::Server,
        _ => panic!("x must be 0 or 8, not {x}"),
    }
}

#[test]
fn every_fixture_record_matches() {
    let mut counts = std::collections::BTreeMap::new();
    for line in VECTORS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "ige-enc" => {
                let mut data = hex(f[3]);
                ige::encrypt(&mut data, &arr(f[1]), &arr(f[2])).unwrap();
                assert_eq!(data, hex(f[4]), "{line}");
            }
            "ige-dec" => {
                let mut data = hex(f[3]);
                ige::decrypt(&mut data, &arr(f[1]), &arr(f[2])).unwrap();
                assert_eq!(data, hex(f[4]), "{line}");
            }
            "ctr" => {
                let mut cipher = AesCtr::new(&arr(f[1]), &arr(f[2]));
                let mut data = hex(f[4]);
                let mut at = 0;
                for chunk in f[3].split(',').map(|c| c.parse::<usize>().unwrap()) {
                    cipher.apply(&mut data[at..at + chunk]);
                    at += chunk;
                }
                assert_eq!(at, data.len(), "chunks must cover the data");
                assert_eq!(data, hex(f[5]), "{line}");
            }
            "msgkey" => {
                let (auth_key, plaintext) = (AuthKey::new(arr(f[2])), hex(f[3]));
                let msg_key = message::msg_key(&auth_key, sender(f[1]), &plaintext);
                assert_eq!(msg_key.to_vec(), hex(f[4]), "{line}");
                let (key, iv) = message::aes_key_iv(&auth_key, sender(f[1]), &msg_key);
                assert_eq!(
                    (key.to_vec(), iv.to_vec()),
                    (hex(f[5]), hex(f[6])),
                    "{line}"
                );
            }
            "msg-enc" => {
                let auth_key = AuthKey::new(arr(f[2]));
                let mut data = hex(f[3]);
                let msg_key = message::encrypt(&auth_key, sender(f[1]), &mut data).unwrap();
                let packet = [&auth_key.id()[..], &msg_key[..], &data[..]].concat();
                assert_eq!(packet, hex(f[4]), "{line}");
                message::decrypt(&auth_key, sender(f[1]), &msg_key, &mut data).unwrap();
                assert_eq!(data, hex(f[3]));
            }
            other => panic!("unknown record kind {other}"),
        }
        *counts.entry(f[0]).or_insert(0) += 1;
    }
    // Every kind is present, so a truncated fixture cannot pass unnoticed.
    for kind in ["ige-enc", "ige-dec", "ctr", "msgkey", "msg-enc"] {
        assert!(
            counts.get(kind).copied().unwrap_or(0) >= 4,
            "too few {kind} records: {counts:?}"
        );
    }
}
