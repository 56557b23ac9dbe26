use std::collections::HashMap;

use proptest::prelude::*;

use super::*;

/// Strings the libraries wrote themselves; `tests/fixtures/sessions/gen_sessions.py` makes it.
const FIXTURE: &str = include_str!("../../../tests/fixtures/sessions/strings.txt");

struct Case {
    name: String,
    fields: HashMap<String, String>,
}

impl Case {
    fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    fn format(&self) -> SessionFormat {
        match self.get("format") {
            Some("pyrogram") => SessionFormat::Pyrogram,
            Some("telethon") => SessionFormat::Telethon,
            other => panic!("{}: format {other:?}", self.name),
        }
    }

    fn string(&self) -> &str {
        self.get("string").expect("every case has its string")
    }

    fn is_legacy(&self) -> bool {
        self.name.starts_with("pyrogram-legacy")
    }

    /// The inputs the library was given, as the session this library should read.
    fn session(&self) -> SessionData {
        let key = hex(self.get("auth_key").expect("every case has its key"));
        let number = |field| self.get(field).map(|v: &str| v.parse::<i64>().unwrap());
        SessionData {
            dc_id: number("dc_id").unwrap().try_into().unwrap(),
            address: self.get("address").map(|a| a.parse().unwrap()),
            test_mode: self.get("test_mode") == Some("true"),
            auth_key: AuthKey::new(key.try_into().unwrap()),
            user_id: number("user_id"),
            is_bot: self.get("is_bot").map(|b| b == "true"),
            api_id: number("api_id").map(|id| id.try_into().unwrap()),
        }
    }
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn fixture() -> Vec<Case> {
    let mut cases = Vec::new();
    for line in FIXTURE.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            cases.push(Case {
                name: name.to_owned(),
                fields: HashMap::new(),
            });
        } else {
            let (field, value) = line.split_once(" = ").expect("field = value");
            let case = cases.last_mut().expect("a field belongs to a case");
            case.fields.insert(field.to_owned(), value.to_owned());
        }
    }
    cases
}

fn key(seed: u8) -> AuthKey {
    AuthKey::new(std::array::from_fn(|i| (i as u8).wrapping_mul(13) ^ seed))
}

fn full_session() -> SessionData {
    SessionData {
        dc_id: 2,
        address: Some("149.154.167.51:443".parse().unwrap()),
        test_mode: false,
        auth_key: key(1),
        user_id: Some(123_456_789),
        is_bot: Some(false),
        api_id: Some(12345),
    }
}

#[test]
fn the_fixture_covers_every_layout() {
    let cases = fixture();
    let lengths: Vec<usize> = cases.iter().map(|c| c.string().len()).collect();
    // Pyrogram's three layouts, Telethon's IPv4 and IPv6.
    for length in [362, 356, 351, 353, 369] {
        assert!(lengths.contains(&length), "no {length}-character string");
    }
}

#[test]
fn strings_the_libraries_wrote_read_as_their_inputs() {
    for case in fixture() {
        let format = case.format();
        let expected = case.session();
        assert_eq!(
            decode(case.string()),
            Ok((expected.clone(), format)),
            "{}",
            case.name
        );
        assert_eq!(
            decode_as(case.string(), format),
            Ok(expected),
            "{}",
            case.name
        );
    }
}

#[test]
fn the_same_inputs_write_the_same_strings() {
    for case in fixture().iter().filter(|c| !c.is_legacy()) {
        assert_eq!(
            encode(&case.session(), case.format()).as_deref(),
            Ok(case.string()),
            "{}",
            case.name
        );
    }
}

#[test]
fn legacy_pyrogram_strings_are_rewritten_in_the_current_layout() {
    for case in fixture().iter().filter(|c| c.is_legacy()) {
        let mut session = case.session();
        // They carry no api_id, and the current layout needs one.
        assert_eq!(
            encode(&session, SessionFormat::Pyrogram),
            Err(missing(SessionFormat::Pyrogram, SessionField::ApiId))
        );
        session.api_id = Some(6);
        let string = encode(&session, SessionFormat::Pyrogram).unwrap();
        assert_eq!(string.len(), 362);
        assert_eq!(decode(&string), Ok((session, SessionFormat::Pyrogram)));
    }
}

#[test]
fn our_format_is_pinned() {
    // Written once by this code; a change here breaks every string already handed out.
    let mut session = full_session();
    session.auth_key = AuthKey::new([0x5a; 256]);
    let expected = concat!(
        "ox1:WgACWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa",
        "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa",
        "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa",
        "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa",
        "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWpWapzMBuwAAAAAHW80VAAAwOQ",
    );
    assert_eq!(encode(&session, SessionFormat::Oxigram).unwrap(), expected);
    assert_eq!(decode(expected), Ok((session, SessionFormat::Oxigram)));

    let bare = SessionData::new(-1, AuthKey::new([0x5a; 256]));
    let string = encode(&bare, SessionFormat::Oxigram).unwrap();
    assert!(string.starts_with("ox1:AP__Wlpa"), "{string}");
    assert_eq!(decode(&string), Ok((bare, SessionFormat::Oxigram)));
}

#[test]
fn debug_shows_the_key_id_not_the_key() {
    let session = full_session();
    let debug = format!("{session:?}");
    let first_bytes = format!("{:?}", &session.auth_key.bytes()[..4]);
    assert!(debug.contains("AuthKey { id:"), "{debug}");
    assert!(
        !debug.contains(&first_bytes[1..first_bytes.len() - 1]),
        "{debug}"
    );
    assert!(debug.len() < 300, "{debug}");
}

#[test]
fn whitespace_around_a_string_is_ignored() {
    let string = encode(&full_session(), SessionFormat::Telethon).unwrap();
    assert!(decode(&format!("  {string}\n")).is_ok());
    assert!(decode_as(&format!("{string}\r\n"), SessionFormat::Telethon).is_ok());
}

#[test]
fn telethon_strings_read_without_their_padding() {
    let string = encode(&full_session(), SessionFormat::Telethon).unwrap();
    let stripped = string.trim_end_matches('=');
    assert_ne!(stripped, string);
    assert_eq!(decode(&string).unwrap(), decode(stripped).unwrap());
}

#[test]
fn pyrogram_reads_any_non_zero_byte_as_true() {
    let session = full_session();
    let mut record = UNPADDED
        .decode(encode(&session, SessionFormat::Pyrogram).unwrap())
        .unwrap();
    record[5] = 2; // test mode
    *record.last_mut().unwrap() = 0xff; // is bot
    let (read, _) = decode(&UNPADDED.encode(record)).unwrap();
    assert!(read.test_mode);
    assert_eq!(read.is_bot, Some(true));
}

#[test]
fn each_format_says_what_it_needs() {
    let mut session = full_session();
    session.address = None;
    assert_eq!(
        encode(&session, SessionFormat::Telethon),
        Err(missing(SessionFormat::Telethon, SessionField::Address))
    );
    assert_eq!(
        encode(&session, SessionFormat::Telethon)
            .unwrap_err()
            .to_string(),
        "a Telethon session string needs address, which is not set"
    );

    let pyrogram = |edit: fn(&mut SessionData)| {
        let mut session = full_session();
        edit(&mut session);
        encode(&session, SessionFormat::Pyrogram)
    };
    let format = SessionFormat::Pyrogram;
    assert_eq!(
        pyrogram(|s| s.api_id = None),
        Err(missing(format, SessionField::ApiId))
    );
    assert_eq!(
        pyrogram(|s| s.user_id = None),
        Err(missing(format, SessionField::UserId))
    );
    assert_eq!(
        pyrogram(|s| s.is_bot = None),
        Err(missing(format, SessionField::IsBot))
    );
    assert_eq!(
        pyrogram(|s| s.user_id = Some(-5)),
        Err(out_of_range(format, SessionField::UserId, -5))
    );
    assert_eq!(
        pyrogram(|s| s.api_id = Some(-1)),
        Err(out_of_range(format, SessionField::ApiId, -1))
    );
    assert_eq!(
        pyrogram(|s| s.dc_id = 256),
        Err(out_of_range(format, SessionField::DcId, 256))
    );

    let mut session = full_session();
    session.dc_id = -2;
    assert_eq!(
        encode(&session, SessionFormat::Telethon),
        Err(out_of_range(
            SessionFormat::Telethon,
            SessionField::DcId,
            -2
        ))
    );
    // Ours holds any DC id.
    assert!(encode(&session, SessionFormat::Oxigram).is_ok());
}

#[test]
fn an_all_zero_key_is_refused_both_ways() {
    let mut session = full_session();
    session.auth_key = AuthKey::new([0; 256]);
    for format in [
        SessionFormat::Oxigram,
        SessionFormat::Pyrogram,
        SessionFormat::Telethon,
    ] {
        assert_eq!(
            encode(&session, format),
            Err(SessionStringError::NoAuthKey { format })
        );
    }
    // As Telethon writes a session whose key is zeroed.
    let mut record = vec![2, 149, 154, 167, 51, 1, 187];
    record.extend([0; 256]);
    let string = format!("1{}", PADDED.encode(record));
    assert_eq!(
        decode(&string),
        Err(SessionStringError::NoAuthKey {
            format: SessionFormat::Telethon
        })
    );
}

#[test]
fn values_our_fields_cannot_hold_are_errors() {
    let session = full_session();
    let mut record = UNPADDED
        .decode(encode(&session, SessionFormat::Pyrogram).unwrap())
        .unwrap();
    record[1..5].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(
        decode(&UNPADDED.encode(&record)),
        Err(out_of_range(
            SessionFormat::Pyrogram,
            SessionField::ApiId,
            u32::MAX
        ))
    );
    record[1..5].copy_from_slice(&1u32.to_be_bytes());
    record[262..270].copy_from_slice(&u64::MAX.to_be_bytes());
    assert_eq!(
        decode(&UNPADDED.encode(&record)),
        Err(out_of_range(
            SessionFormat::Pyrogram,
            SessionField::UserId,
            u64::MAX
        ))
    );
}

#[test]
fn malformed_strings_say_what_is_wrong() {
    assert_eq!(
        decode("hello"),
        Err(SessionStringError::Unrecognised { length: 5 })
    );
    assert_eq!(
        decode(""),
        Err(SessionStringError::Unrecognised { length: 0 })
    );
    assert_eq!(
        decode(&"!".repeat(362)),
        Err(SessionStringError::Base64 {
            format: SessionFormat::Pyrogram
        })
    );
    assert_eq!(
        decode_as("AAAA", SessionFormat::Pyrogram),
        Err(wrong_length(SessionFormat::Pyrogram, 3, &PYROGRAM_LENS))
    );
    assert_eq!(
        decode_as("1AAAA", SessionFormat::Telethon),
        Err(wrong_length(SessionFormat::Telethon, 3, &TELETHON_LENS))
    );
    assert_eq!(
        decode_as("2AAAA", SessionFormat::Telethon),
        Err(SessionStringError::UnknownVersion {
            format: SessionFormat::Telethon,
            version: "2".into()
        })
    );

    let format = SessionFormat::Oxigram;
    assert_eq!(
        decode("ox2:AAAA"),
        Err(SessionStringError::UnknownVersion {
            format,
            version: "2".into()
        })
    );
    assert_eq!(
        decode_as("AAAA", format),
        Err(SessionStringError::UnknownVersion {
            format,
            version: String::new()
        })
    );
    assert_eq!(decode("ox1:"), Err(wrong_length(format, 0, &[259])));
    for flags in [RESERVED, IS_BOT, IPV6] {
        assert_eq!(
            decode(&format!("ox1:{}", UNPADDED.encode([flags; 300]))),
            Err(SessionStringError::BadFlags { flags })
        );
    }
    let mut record = UNPADDED
        .decode(
            encode(&full_session(), format)
                .unwrap()
                .strip_prefix("ox1:")
                .unwrap(),
        )
        .unwrap();
    let length = record.len();
    record.push(0);
    assert_eq!(
        decode(&format!("ox1:{}", UNPADDED.encode(&record))),
        Err(wrong_length(format, length + 1, &[length]))
    );
}

fn arb_key() -> impl Strategy<Value = AuthKey> {
    prop::collection::vec(any::<u8>(), 256)
        .prop_filter("not all zero", |key| key.iter().any(|&b| b != 0))
        .prop_map(|key| AuthKey::new(key.try_into().unwrap()))
}

fn arb_address() -> impl Strategy<Value = SocketAddr> {
    let ip = prop_oneof![
        any::<[u8; 4]>().prop_map(IpAddr::from),
        any::<[u8; 16]>().prop_map(IpAddr::from),
    ];
    (ip, any::<u16>()).prop_map(|(ip, port)| SocketAddr::new(ip, port))
}

fn arb_session() -> impl Strategy<Value = SessionData> {
    (
        any::<i16>(),
        proptest::option::of(arb_address()),
        any::<bool>(),
        arb_key(),
        any::<Option<i64>>(),
        any::<Option<bool>>(),
        any::<Option<i32>>(),
    )
        .prop_map(
            |(dc_id, address, test_mode, auth_key, user_id, is_bot, api_id)| SessionData {
                dc_id,
                address,
                test_mode,
                auth_key,
                user_id,
                is_bot,
                api_id,
            },
        )
}

proptest! {
    #[test]
    fn oxigram_round_trips_everything(session in arb_session()) {
        let string = encode(&session, SessionFormat::Oxigram).unwrap();
        prop_assert_eq!(decode(&string), Ok((session, SessionFormat::Oxigram)));
    }

    #[test]
    fn pyrogram_round_trips_what_it_holds(
        mut session in arb_session(),
        dc_id in 0..=255i16,
        api_id in 0..=i32::MAX,
        user_id in 0..=i64::MAX,
        is_bot: bool,
    ) {
        session.dc_id = dc_id;
        session.api_id = Some(api_id);
        session.user_id = Some(user_id);
        session.is_bot = Some(is_bot);
        let string = encode(&session, SessionFormat::Pyrogram).unwrap();
        prop_assert_eq!(string.len(), 362);
        let (read, format) = decode(&string).unwrap();
        prop_assert_eq!(format, SessionFormat::Pyrogram);
        prop_assert_eq!(encode(&read, format).unwrap(), string);
        session.address = None;
        prop_assert_eq!(read, session);
    }

    #[test]
    fn telethon_round_trips_what_it_holds(
        session in arb_session(),
        dc_id in 0..=255i16,
        address in arb_address(),
    ) {
        let session = SessionData { dc_id, address: Some(address), ..session };
        let string = encode(&session, SessionFormat::Telethon).unwrap();
        let (read, format) = decode(&string).unwrap();
        prop_assert_eq!(format, SessionFormat::Telethon);
        prop_assert_eq!(encode(&read, format).unwrap(), string);
        prop_assert_eq!(read, SessionData {
            address: Some(address),
            ..SessionData::new(dc_id, session.auth_key)
        });
    }

    #[test]
    fn any_text_decodes_without_panicking(text in any::<String>()) {
        let _ = decode(&text);
        for format in [SessionFormat::Oxigram, SessionFormat::Pyrogram, SessionFormat::Telethon] {
            let _ = decode_as(&text, format);
        }
    }

    #[test]
    fn near_miss_strings_decode_without_panicking(
        prefix in prop_oneof![Just(""), Just("1"), Just("ox1:"), Just("ox"), Just("ox1")],
        record in prop::collection::vec(any::<u8>(), 0..400),
        padded: bool,
    ) {
        let body = if padded { PADDED.encode(&record) } else { UNPADDED.encode(&record) };
        let text = format!("{prefix}{body}");
        let _ = decode(&text);
        for format in [SessionFormat::Oxigram, SessionFormat::Pyrogram, SessionFormat::Telethon] {
            let _ = decode_as(&text, format);
        }
    }

    #[test]
    fn damaged_fixture_strings_decode_without_panicking(
        index in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        replacement in any::<char>(),
    ) {
        let cases = fixture();
        let string = cases[index.index(cases.len())].string();
        let mut chars: Vec<char> = string.chars().collect();
        let at = at.index(chars.len());
        chars[at] = replacement;
        let damaged: String = chars.iter().collect();
        let _ = decode(&damaged);
        chars.truncate(at);
        let _ = decode(&chars.iter().collect::<String>());
    }
}
