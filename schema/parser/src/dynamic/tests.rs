use std::io::Write as _;
use std::sync::LazyLock;

use flate2::Compression;
use flate2::write::GzEncoder;
use proptest::prelude::*;

use super::*;
use crate::parse;

mod layers;

const API: &str = include_str!("../../../tl/api.tl");
const MTPROTO: &str = include_str!("../../../tl/mtproto.tl");
const TELETHON: &str = include_str!("../../../types/tests/fixtures/telethon/objects.txt");

/// Parsed once: the property tests decode hundreds of inputs.
static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry::new([parse(API).unwrap(), parse(MTPROTO).unwrap()]));

fn registry() -> Registry {
    REGISTRY.clone()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn telethon(label: &str) -> Vec<u8> {
    fixtures()
        .find(|(l, _)| *l == label)
        .unwrap_or_else(|| panic!("no fixture {label}"))
        .1
}

fn fixtures() -> impl Iterator<Item = (&'static str, Vec<u8>)> {
    TELETHON
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (label, hex) = line.split_once('\t').unwrap();
            (label, unhex(hex))
        })
}

/// Telethon fixture `index` (modulo their number) with each `(at, xor)` of `flips`
/// applied to the byte at `at` (modulo its length).
fn mutated(index: usize, flips: &[(usize, u8)]) -> Vec<u8> {
    let all: Vec<_> = fixtures().collect();
    let mut bytes = all[index % all.len()].1.clone();
    for &(at, xor) in flips {
        let len = bytes.len();
        bytes[at % len] ^= xor;
    }
    bytes
}

fn object(value: Value) -> Object {
    match value {
        Value::Object(object) => *object,
        other => panic!("not an object: {other}"),
    }
}

/// A TL byte string as the wire writes it.
fn tl_bytes(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if data.len() < 254 {
        out.push(data.len() as u8);
    } else {
        out.push(254);
        out.extend(&(data.len() as u32).to_le_bytes()[..3]);
    }
    out.extend(data);
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn every_telethon_fixture_decodes_whole() {
    let registry = registry();
    let mut count = 0;
    for (label, bytes) in fixtures() {
        if let Err(e) = registry.decode(&bytes) {
            panic!("{label}: {e}");
        }
        count += 1;
    }
    assert!(count > 60, "only {count} fixtures");
}

#[test]
fn telethon_values_come_back_by_name() {
    let registry = registry();

    let peer = object(registry.decode(&telethon("input_peer_user")).unwrap());
    assert_eq!(peer.name, "inputPeerUser");
    assert_eq!(peer.get("user_id"), Some(&Value::Long(777000)));
    assert_eq!(
        peer.get("access_hash"),
        Some(&Value::Long(-5_000_000_000_000_000_000))
    );

    let error = registry.decode(&telethon("mt_rpc_error")).unwrap();
    assert_eq!(
        error.to_string(),
        r#"rpc_error { error_code: 420, error_message: "FLOOD_WAIT_30" }"#
    );

    let chat = object(registry.decode(&telethon("chat_forbidden_utf8")).unwrap());
    assert_eq!(
        chat.get("title"),
        Some(&Value::String("Чат — ✓ 日本語".into()))
    );

    let request = registry.decode(&telethon("help_get_config")).unwrap();
    assert_eq!(request.to_string(), "help.getConfig {}");
    assert_eq!(object(request).category, Category::Function);

    let acks = object(registry.decode(&telethon("mt_msgs_ack")).unwrap());
    assert_eq!(
        acks.get("msg_ids"),
        Some(&Value::Vector(vec![
            Value::Long(7305164386240000001),
            Value::Long(7305164386240000005),
            Value::Long(7305164386240000009),
        ]))
    );
}

#[test]
fn generic_queries_and_flags_nest() {
    let registry = registry();
    let outer = object(
        registry
            .decode(&telethon("invoke_with_layer_init_connection"))
            .unwrap(),
    );
    assert_eq!(outer.name, "invokeWithLayer");
    assert_eq!(outer.get("layer"), Some(&Value::Int(230)));
    let Some(Value::Object(init)) = outer.get("query") else {
        panic!("query: {:?}", outer.get("query"));
    };
    assert_eq!(init.name, "initConnection");
    assert_eq!(init.get("api_id"), Some(&Value::Int(12345)));
    let Some(Value::Object(proxy)) = init.get("proxy") else {
        panic!("proxy missing");
    };
    assert_eq!(proxy.get("port"), Some(&Value::Int(1080)));
    assert_eq!(
        init.get("query").map(Value::to_string).as_deref(),
        Some("help.getConfig {}")
    );
    // The flags word itself is not a field.
    assert_eq!(init.get("flags"), None);

    let minimal = object(
        registry
            .decode(&telethon("init_connection_minimal"))
            .unwrap(),
    );
    assert_eq!(minimal.get("proxy"), None);
    assert_eq!(minimal.get("params"), None);
}

#[test]
fn true_flags_show_only_when_set() {
    let registry = registry();
    let slice = object(registry.decode(&telethon("messages_slice")).unwrap());
    assert_eq!(slice.get("inexact"), Some(&Value::Bool(true)));
    assert_eq!(slice.get("count"), Some(&Value::Int(1000)));
    assert_eq!(slice.get("offset_id_offset"), None);
}

/// `rpc_result` carrying a `gzip_packed` object, inside a `msg_container`, as a server
/// sends them.
fn container_with_packed_result() -> Vec<u8> {
    let error = telethon("mt_rpc_error");
    let mut result = 0xf35c6d01_u32.to_le_bytes().to_vec();
    result.extend(77_i64.to_le_bytes());
    result.extend(GZIP_PACKED_ID.to_le_bytes());
    result.extend(tl_bytes(&gzip(&error)));

    let pong = telethon("mt_pong");
    let mut bytes = 0x73f1f8dc_u32.to_le_bytes().to_vec();
    bytes.extend(2_i32.to_le_bytes());
    for (msg_id, body) in [(101_i64, &result), (102, &pong)] {
        bytes.extend(msg_id.to_le_bytes());
        bytes.extend(1_i32.to_le_bytes());
        bytes.extend((body.len() as i32).to_le_bytes());
        bytes.extend(body.iter());
    }
    bytes
}

#[test]
fn containers_results_and_packed_data() {
    let registry = registry();
    let container = object(registry.decode(&container_with_packed_result()).unwrap());
    assert_eq!(container.name, "msg_container");
    let Some(Value::Vector(messages)) = container.get("messages") else {
        panic!("messages");
    };
    assert_eq!(messages.len(), 2);
    let first = object(messages[0].clone());
    assert_eq!(first.name, "message");
    assert_eq!(first.get("msg_id"), Some(&Value::Long(101)));
    let result = object(first.get("body").unwrap().clone());
    assert_eq!(result.name, "rpc_result");
    assert_eq!(result.get("req_msg_id"), Some(&Value::Long(77)));
    assert_eq!(
        result.get("result").unwrap().to_string(),
        r#"gzip_packed { packed_data: rpc_error { error_code: 420, error_message: "FLOOD_WAIT_30" } }"#
    );
    let second = object(messages[1].clone());
    assert_eq!(object(second.get("body").unwrap().clone()).name, "pong");
}

#[test]
fn alternate_display_indents() {
    let registry = registry();
    let peer = registry
        .decode(&telethon("input_peer_user_from_message"))
        .unwrap();
    let text = format!("{peer:#}");
    assert!(
        text.starts_with(
            "inputPeerUserFromMessage {\n  peer: inputPeerChannel {\n    channel_id: 1000000002,"
        ),
        "{text}"
    );
    assert!(text.ends_with("\n}"), "{text}");
}

#[test]
fn a_message_body_must_fill_its_size() {
    let registry = registry();
    let pong = telethon("mt_pong");
    let mut bytes = 0x73f1f8dc_u32.to_le_bytes().to_vec();
    bytes.extend(1_i32.to_le_bytes());
    bytes.extend(1_i64.to_le_bytes());
    bytes.extend(1_i32.to_le_bytes());
    // Four bytes more than the body.
    bytes.extend((pong.len() as i32 + 4).to_le_bytes());
    bytes.extend(&pong);
    bytes.extend([0; 4]);
    let error = registry.decode(&bytes).unwrap_err();
    assert_eq!(error.kind, DecodeErrorKind::TrailingBytes { count: 4 });
    assert_eq!(error.path, "msg_container > messages[0] > message > body");
}

#[test]
fn wrong_types_and_unknown_ids_are_named() {
    let registry = registry();
    // inputPeerUserFromMessage whose peer is a user (not an InputPeer).
    let mut bytes = telethon("input_peer_user_from_message");
    bytes[4..8].copy_from_slice(&0xd3bc4b7a_u32.to_le_bytes()); // userEmpty
    let error = registry.decode(&bytes).unwrap_err();
    assert_eq!(
        error.kind,
        DecodeErrorKind::WrongType {
            expected: "InputPeer".into(),
            found: "userEmpty".into()
        }
    );
    assert_eq!(error.offset, 4);

    let error = registry.decode(&[1, 2, 3, 4]).unwrap_err();
    assert_eq!(error.kind, DecodeErrorKind::UnknownId { id: 0x04030201 });
    assert_eq!(
        error.to_string(),
        "unknown constructor id 0x04030201 (at byte 0)"
    );
}

#[test]
fn truncations_fail_cleanly() {
    let registry = registry();
    for (label, bytes) in fixtures() {
        for len in 0..bytes.len() {
            assert!(
                registry.decode(&bytes[..len]).is_err(),
                "{label} cut to {len} bytes decoded"
            );
        }
        let mut longer = bytes.clone();
        longer.extend([0; 4]);
        assert_eq!(
            registry.decode(&longer).unwrap_err().kind,
            DecodeErrorKind::TrailingBytes { count: 4 },
            "{label}"
        );
    }
}

#[test]
fn vector_lengths_are_checked_before_allocating() {
    let registry = registry();
    let mut bytes = telethon("mt_msgs_ack");
    bytes[8..12].copy_from_slice(&i32::MAX.to_le_bytes());
    assert!(matches!(
        registry.decode(&bytes).unwrap_err().kind,
        DecodeErrorKind::BadLength { length, .. } if length == i64::from(i32::MAX)
    ));
    bytes[8..12].copy_from_slice(&(-1_i32).to_le_bytes());
    assert!(matches!(
        registry.decode(&bytes).unwrap_err().kind,
        DecodeErrorKind::BadLength { length: -1, .. }
    ));
}

#[test]
fn nesting_is_bounded() {
    let registry = registry();
    // inputPeerUserFromMessage nested 100 deep: each level wraps the next peer.
    let mut bytes = Vec::new();
    for _ in 0..100 {
        bytes.extend(0xa87b0a1c_u32.to_le_bytes());
    }
    bytes.extend(0x7f3b18ea_u32.to_le_bytes()); // inputPeerEmpty
    for _ in 0..100 {
        bytes.extend(1_i32.to_le_bytes());
        bytes.extend(2_i64.to_le_bytes());
    }
    assert_eq!(
        registry.decode(&bytes).unwrap_err().kind,
        DecodeErrorKind::TooDeep { limit: 64 }
    );
    let deep = registry.clone().with_limits(Limits {
        max_depth: 200,
        ..Limits::default()
    });
    assert!(deep.decode(&bytes).is_ok());
}

#[test]
fn values_are_bounded() {
    let registry = registry().with_limits(Limits {
        max_values: 2,
        ..Limits::default()
    });
    assert_eq!(
        registry.decode(&telethon("mt_msgs_ack")).unwrap_err().kind,
        DecodeErrorKind::TooManyValues { limit: 2 }
    );
}

#[test]
fn unpacking_is_bounded() {
    // A megabyte of zeros inside a bytes value: a small packet, a large inflation.
    let big = vec![0; 1 << 20];
    let mut inner = 0x3072cfa1_u32.to_le_bytes().to_vec();
    inner.extend(tl_bytes(&gzip(&big)));
    let registry = registry().with_limits(Limits {
        max_unpacked: 1000,
        ..Limits::default()
    });
    assert_eq!(
        registry.decode(&inner).unwrap_err().kind,
        DecodeErrorKind::UnpackedTooLarge { limit: 1000 }
    );

    let mut garbage = GZIP_PACKED_ID.to_le_bytes().to_vec();
    garbage.extend(tl_bytes(b"not gzip"));
    assert!(matches!(
        registry.decode(&garbage).unwrap_err().kind,
        DecodeErrorKind::Gzip { .. }
    ));
}

#[test]
fn strings_that_are_not_utf8_stay_bytes() {
    let registry = registry();
    let mut bytes = 0x2144ca19_u32.to_le_bytes().to_vec(); // rpc_error
    bytes.extend(400_i32.to_le_bytes());
    bytes.extend(tl_bytes(&[0xff, 0xfe]));
    let error = object(registry.decode(&bytes).unwrap());
    assert_eq!(
        error.get("error_message"),
        Some(&Value::Bytes(vec![0xff, 0xfe]))
    );
}

proptest! {
    #[test]
    fn any_bytes_decode_or_fail(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let registry = registry();
        // Either outcome is fine; a panic or a hang is not.
        match registry.decode(&bytes) {
            Ok(value) => prop_assert!(!value.to_string().is_empty()),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    #[test]
    fn mutated_fixtures_decode_or_fail(
        index in 0..70_usize,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
    ) {
        let registry = registry();
        match registry.decode(&mutated(index, &flips)) {
            Ok(value) => prop_assert!(!value.to_string().is_empty()),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }
}

#[test]
fn error_paths_name_namespaced_objects_and_packed_data() {
    let registry = registry();
    // help.configSimple whose first rule is cut short, inside gzip_packed.
    let mut config = telethon("mt_help_config_simple");
    config.truncate(config.len() - 8);
    let mut bytes = GZIP_PACKED_ID.to_le_bytes().to_vec();
    bytes.extend(tl_bytes(&gzip(&config)));
    let error = registry.decode(&bytes).unwrap_err();
    assert!(
        error
            .path
            .starts_with("gzip_packed > packed_data > help.configSimple > rules["),
        "{error}"
    );
}
