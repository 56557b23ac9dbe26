//! The client role of the key exchange replayed on recorded exchanges.

mod common;

use bytes::Bytes;
use common::replay::Replay;
use common::{array, hex, load};
use oxigram_proto::crypto::rsa;
use oxigram_proto::handshake::{ClientHandshake, ClientHandshakeConfig, InnerData, Step};
use oxigram_tl::Serialize;
use oxigram_tl::mtproto::{functions, types};

/// A number written as a JSON number or a decimal string.
fn number(value: &serde_json::Value) -> i64 {
    value
        .as_i64()
        .or_else(|| value.as_str()?.parse().ok())
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

fn sent(step: Step) -> Vec<u8> {
    match step {
        Step::Send(body) => body,
        Step::Done(outcome) => panic!("finished early: {outcome:?}"),
    }
}

/// A handshake captured against a Telegram test DC with every client random input known:
/// req_DH_params (RSA_PAD included) and set_client_DH_params must come out byte for byte.
#[test]
fn grammers_test_dc_flow_byte_for_byte() {
    let Some(v) = load("auth_flow_grammers_test_dc.json") else {
        return;
    };
    let v = &v["vector"];
    let mut random = Replay::new(&[
        &hex(&v["step1_random"]),
        &hex(&v["step2_random"]),
        &hex(&v["step3_random"]),
    ]);
    let config = ClientHandshakeConfig {
        keys: vec![rsa::test_key()],
        inner: InnerData::Legacy,
        max_retries: 5,
    };
    let (mut client, first) = ClientHandshake::start(config, &mut random);
    assert_eq!(first, hex(&v["step1_request"]));

    let now = number(&v["step3_now"]);
    let second = sent(
        client
            .handle(&hex(&v["step1_response"]), now, &mut random)
            .unwrap(),
    );
    assert_eq!(second, hex(&v["step2_request"]), "req_DH_params");
    let third = sent(
        client
            .handle(&hex(&v["step2_response"]), now, &mut random)
            .unwrap(),
    );
    assert_eq!(third, hex(&v["step3_request"]), "set_client_DH_params");
    let Step::Done(outcome) = client
        .handle(&hex(&v["step3_response"]), now, &mut random)
        .unwrap()
    else {
        panic!("expected the key");
    };
    assert_eq!(
        outcome.auth_key.bytes().to_vec(),
        hex(&v["expected_auth_key"])
    );
    assert_eq!(outcome.first_salt, number(&v["expected_first_salt"]));
    assert_eq!(outcome.time_offset, 0);
    assert_eq!(
        outcome.auth_key.id().to_vec(),
        hex(&v["derived"]["auth_key_id"])
    );
}

/// Telegram's official sample: its RSA_PAD key is not published, so req_DH_params cannot
/// match, but with its new_nonce and b the rest must: the encrypted client_DH_inner_data
/// (which holds g_b) and the auth key.
#[test]
fn official_sample_with_its_new_nonce_and_b() {
    let Some(v) = load("auth_key_sample.json") else {
        return;
    };
    let steps = &v["steps"];
    let (res_pq, inner_step, dh_ok, client_dh, key_step, gen_ok) = (
        &steps[1], &steps[3], &steps[5], &steps[6], &steps[7], &steps[8],
    );
    let nonce: [u8; 16] = array(&steps[0]["nonce"]);
    let server_nonce: [u8; 16] = array(&res_pq["server_nonce"]);
    let new_nonce: [u8; 32] = array(&inner_step["new_nonce"]);

    let mut random = Replay::new(&[
        &nonce,
        &new_nonce,
        &[0x5a; 224 + 32 * 8], // RSA_PAD's unpublished randomness, with room for retries
    ]);
    let (mut client, first) = ClientHandshake::start(ClientHandshakeConfig::new(2), &mut random);
    assert_eq!(first, functions::ReqPqMulti { nonce }.to_bytes());

    let fingerprints = res_pq["server_public_key_fingerprints_u64"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            u64::from_str_radix(f.as_str().unwrap().trim_start_matches("0x"), 16).unwrap() as i64
        })
        .collect();
    let answer = types::ResPQ {
        nonce,
        server_nonce,
        pq: Bytes::from(hex(&res_pq["pq_be_hex"])),
        server_public_key_fingerprints: fingerprints,
    };
    let request = sent(
        client
            .handle(&answer.to_bytes(), 1_707_425_104, &mut random)
            .unwrap(),
    );
    assert_eq!(&request[..4], &0xd712e4be_u32.to_le_bytes());

    // The rest of the randomness: b, then the padding of client_DH_inner_data.
    let rsa_used = random.used();
    let mut random = Replay::new(&[&hex(&client_dh["b"]), &hex(&client_dh["padding"])]);
    let answer = types::ServerDHParamsOk {
        nonce,
        server_nonce,
        encrypted_answer: Bytes::from(hex(&dh_ok["encrypted_answer"])),
    };
    let set_params = sent(
        client
            .handle(&answer.to_bytes(), 1_707_425_105, &mut random)
            .unwrap(),
    );
    let expected = functions::SetClientDHParams {
        nonce,
        server_nonce,
        encrypted_data: Bytes::from(hex(&client_dh["encrypted_data"])),
    };
    assert_eq!(
        set_params,
        expected.to_bytes(),
        "encrypted client_DH_inner_data"
    );
    assert!(rsa_used >= 16 + 32 + 224);

    let answer = types::DhGenOk {
        nonce,
        server_nonce,
        new_nonce_hash1: array(&gen_ok["new_nonce_hash1"]),
    };
    let Step::Done(outcome) = client
        .handle(&answer.to_bytes(), 1_707_425_105, &mut random)
        .unwrap()
    else {
        panic!("expected the key");
    };
    assert_eq!(
        outcome.auth_key.bytes().to_vec(),
        hex(&key_step["auth_key"])
    );
    assert_eq!(
        outcome.auth_key.id().to_vec(),
        hex(&key_step["derived_auth_key_id_wire"])
    );
    assert_eq!(
        outcome.first_salt.to_le_bytes().to_vec(),
        hex(&key_step["derived_server_salt_wire"])
    );
    assert_eq!(outcome.time_offset, 0);
}
