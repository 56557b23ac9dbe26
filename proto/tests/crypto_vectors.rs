//! The crypto primitives against the shared protocol vectors.

mod common;

use common::{array, hex, load};
use oxigram_proto::crypto::message::{self, AuthKey, Sender};
use oxigram_proto::crypto::{factor::factor, ige};

#[test]
fn official_sample_pq_factors() {
    let Some(v) = load("auth_key_sample.json") else {
        return;
    };
    let step = &v["steps"][2];
    let pq = step["pq"].as_u64().unwrap();
    let (p, q) = (step["p"].as_u64().unwrap(), step["q"].as_u64().unwrap());
    assert_eq!(factor(pq), Ok((p, q)));
}

#[test]
fn official_sample_auth_key_id_and_aux_hash() {
    let Some(v) = load("auth_key_sample.json") else {
        return;
    };
    let step = &v["steps"][7];
    let key = AuthKey::new(array(&step["auth_key"]));
    assert_eq!(key.id().to_vec(), hex(&step["derived_auth_key_id_wire"]));
    assert_eq!(
        key.aux_hash().to_vec(),
        hex(&step["derived_auth_key_aux_hash"])
    );
}

#[test]
fn message_keys_and_packets_from_the_official_auth_key() {
    let Some(v) = load("mtproto2_message_vectors.json") else {
        return;
    };
    let sample = &v["derived_from_official_sample"];
    let Some(keys) = load("auth_key_sample.json") else {
        return;
    };
    let auth_key = AuthKey::new(array(&keys["steps"][7]["auth_key"]));
    for (name, sender) in [
        ("client_to_server", Sender::Client),
        ("server_to_client", Sender::Server),
    ] {
        let case = &sample[name];
        let plaintext = hex(&case["plaintext"]);
        let msg_key = message::msg_key(&auth_key, sender, &plaintext);
        assert_eq!(msg_key.to_vec(), hex(&case["msg_key"]), "{name}");
        let (aes_key, aes_iv) = message::aes_key_iv(&auth_key, sender, &msg_key);
        assert_eq!(aes_key.to_vec(), hex(&case["aes_key"]), "{name}");
        assert_eq!(aes_iv.to_vec(), hex(&case["aes_iv"]), "{name}");

        let mut data = plaintext.clone();
        let key = message::encrypt(&auth_key, sender, &mut data).unwrap();
        let packet = [&auth_key.id()[..], &key[..], &data[..]].concat();
        assert_eq!(packet, hex(&case["packet"]), "{name}");

        message::decrypt(&auth_key, sender, &key, &mut data).unwrap();
        assert_eq!(data, plaintext, "{name}");
    }
}

#[test]
fn grammers_vectors() {
    let Some(v) = load("mtproto2_message_vectors.json") else {
        return;
    };
    let g = &v["grammers_vectors"];

    let calc = &g["calc_key"];
    let auth_key = AuthKey::new(array(&calc["auth_key"]));
    let msg_key: [u8; 16] = array(&calc["msg_key"]);
    for (name, sender) in [("client_x0", Sender::Client), ("server_x8", Sender::Server)] {
        let (key, iv) = message::aes_key_iv(&auth_key, sender, &msg_key);
        assert_eq!(key.to_vec(), hex(&calc[name]["aes_key"]), "{name}");
        assert_eq!(iv.to_vec(), hex(&calc[name]["aes_iv"]), "{name}");
    }

    let enc = &g["encrypt_client"];
    let auth_key = AuthKey::new(array(&enc["auth_key"]));
    let mut data = [hex(&enc["plaintext"]), hex(&enc["padding"])].concat();
    let key = message::encrypt(&auth_key, Sender::Client, &mut data).unwrap();
    let out = [&auth_key.id()[..], &key[..], &data[..]].concat();
    assert_eq!(out, hex(&enc["output_auth_key_id_msg_key_ciphertext"]));

    let dec = &g["decrypt_server"];
    let auth_key = AuthKey::new(array(&dec["auth_key"]));
    let input = hex(&dec["input"]);
    assert_eq!(input[..8], auth_key.id());
    let msg_key: [u8; 16] = input[8..24].try_into().unwrap();
    let mut data = input[24..].to_vec();
    message::decrypt(&auth_key, Sender::Server, &msg_key, &mut data).unwrap();
    assert_eq!(data, hex(&dec["plaintext"]));

    let ige_case = &g["aes_ige"];
    let (key, iv) = (array(&ige_case["key"]), array(&ige_case["iv"]));
    let mut data = hex(&ige_case["data"]);
    ige::encrypt(&mut data, &key, &iv).unwrap();
    assert_eq!(data, hex(&ige_case["encrypt"]));
    let mut data = hex(&ige_case["data"]);
    ige::decrypt(&mut data, &key, &iv).unwrap();
    assert_eq!(data, hex(&ige_case["decrypt"]));
}
