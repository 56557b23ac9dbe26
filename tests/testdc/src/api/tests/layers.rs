//! A client on the oldest layer kept (195) through the API state: the test DC's own
//! answers, converted, read with layer 195's schema (rebuilt from `layers/`, which
//! matches the published file definition for definition), and carrying layer 195's
//! constructor ids for the values the interop flows use; requests written in layer 195
//! are understood.

use oxigram_tl_parser::dynamic::{Registry, Value};

use super::*;
use crate::layers::Layers;

const NOW: i32 = 1_700_000_000;
/// The DC index the test accounts live on (DC 2).
const DC: usize = 1;
const KEY: u64 = 195_195;

/// Ids of layer 195's published schema for what changed since (facts of that file).
const USER_195: u32 = 0x83314fca;
const USER_FULL_195: u32 = 0x979d2376;
const MESSAGE_195: u32 = 0x94345242;
const MESSAGES_195: u32 = 0x8c718e87;
const CHANNEL_195: u32 = 0xfe4478bd;
/// Unchanged since 195.
const CHAT: u32 = 0x41cbf256;
const CONFIG: u32 = 0xcc1a241e;

fn older() -> &'static Registry {
    Layers::get().older(195).expect("layer 195 is kept")
}

/// Signs the test user in on `KEY` and announces layer 195.
fn signed_in_on_195() -> ApiState {
    let mut s = state();
    let user = s.world.by_phone("9996621234").unwrap().id;
    s.authorizations[DC].insert(KEY, user);
    let nearest = functions::help::GetNearestDc {}.to_bytes();
    assert!(
        s.call(DC, KEY, &with_layer(195, &nearest), NOW)
            .result
            .is_ok()
    );
    s
}

/// Asks `query` (already in layer 195's encoding) and reads the answer with layer 195's
/// schema.
fn ask(s: &mut ApiState, query: &[u8]) -> Value {
    let answer = s.call(DC, KEY, query, NOW).result.expect("answered");
    older()
        .decode(&answer)
        .unwrap_or_else(|e| panic!("layer 195 cannot read the answer: {e}"))
}

fn object(value: &Value) -> &oxigram_tl_parser::dynamic::Object {
    match value {
        Value::Object(o) => o,
        other => panic!("not an object: {other}"),
    }
}

/// Every object in `value`, depth first.
fn objects<'a>(value: &'a Value, out: &mut Vec<&'a oxigram_tl_parser::dynamic::Object>) {
    match value {
        Value::Object(o) => {
            out.push(o);
            for field in &o.fields {
                objects(&field.value, out);
            }
        }
        Value::Vector(items) => items.iter().for_each(|i| objects(i, out)),
        _ => {}
    }
}

fn ids_of(value: &Value, name: &str) -> Vec<u32> {
    let mut all = Vec::new();
    objects(value, &mut all);
    all.iter()
        .filter(|o| o.name == name)
        .map(|o| o.id)
        .collect()
}

#[test]
fn users_and_full_users_come_in_layer_195() {
    let mut s = signed_in_on_195();
    let me = functions::users::GetUsers {
        id: vec![types::InputUserSelf {}.into()],
    };
    let users = ask(&mut s, &me.to_bytes());
    let Value::Vector(users) = &users else {
        panic!("not a vector: {users}");
    };
    let user = object(&users[0]);
    assert_eq!((user.name.as_str(), user.id), ("user", USER_195));
    assert_eq!(user.get("first_name"), Some(&Value::String("Test".into())));
    assert_eq!(user.get("self"), Some(&Value::Bool(true)));

    let full = ask(
        &mut s,
        &functions::users::GetFullUser {
            id: types::InputUserSelf {}.into(),
        }
        .to_bytes(),
    );
    assert_eq!(ids_of(&full, "userFull"), [USER_FULL_195]);
    assert_eq!(ids_of(&full, "user"), [USER_195]);
}

#[test]
fn a_message_sent_in_layer_195_is_understood_and_read_back_in_it() {
    let mut s = signed_in_on_195();
    // messages.sendMessage#983f9745 flags:# … peer:InputPeer … message:string
    // random_id:long …, as layer 195 writes it (layer 230 gave it more flags and
    // another id): to Saved Messages, no flags set.
    let mut send = 0x983f9745_u32.to_le_bytes().to_vec();
    send.extend(0_u32.to_le_bytes());
    send.extend(types::InputPeerSelf::CONSTRUCTOR_ID.to_le_bytes());
    send.extend([5, b'h', b'e', b'l', b'l', b'o', 0, 0]);
    send.extend(7_i64.to_le_bytes());
    let sent = ask(&mut s, &send);
    assert_eq!(s.last_method(), Some("messages.sendMessage"));
    assert!(
        object(&sent).name.starts_with("update"),
        "not an Updates answer: {sent}"
    );

    let history = ask(
        &mut s,
        &functions::messages::GetHistory {
            peer: types::InputPeerSelf {}.into(),
            offset_id: 0,
            offset_date: 0,
            add_offset: 0,
            limit: 10,
            max_id: 0,
            min_id: 0,
            hash: 0,
        }
        .to_bytes(),
    );
    assert_eq!(object(&history).id, MESSAGES_195);
    let mut all = Vec::new();
    objects(&history, &mut all);
    let message = all
        .iter()
        .find(|o| o.name == "message")
        .expect("the message sent");
    assert_eq!(message.id, MESSAGE_195);
    assert_eq!(message.get("message"), Some(&Value::String("hello".into())));
}

#[test]
fn chats_channels_and_the_config_come_in_layer_195() {
    let mut s = signed_in_on_195();
    let config = ask(&mut s, &functions::help::GetConfig {}.to_bytes());
    assert_eq!(object(&config).id, CONFIG);

    let chat = ask(
        &mut s,
        &functions::messages::CreateChat {
            users: Vec::new(),
            title: "Old friends".into(),
            ttl_period: None,
        }
        .to_bytes(),
    );
    assert_eq!(ids_of(&chat, "chat"), [CHAT]);

    let channel = ask(
        &mut s,
        &functions::channels::CreateChannel {
            broadcast: true,
            megagroup: false,
            for_import: false,
            forum: false,
            title: "Old news".into(),
            about: String::new(),
            geo_point_and_address: None,
            ttl_period: None,
        }
        .to_bytes(),
    );
    let channels = ids_of(&channel, "channel");
    assert!(!channels.is_empty(), "no channel in {channel}");
    assert!(
        channels.iter().all(|&id| id == CHANNEL_195),
        "{channels:x?}"
    );
}

#[test]
fn what_clients_ask_for_is_reported_within_bounds() {
    let mut s = signed_in_on_195();
    let unknown = functions::help::GetAppConfig { hash: 0 }.to_bytes();
    s.call(DC, KEY, &unknown, NOW);
    s.call(DC, KEY, &with_layer(195, &unknown), NOW);
    s.call(DC, KEY, &[0xef, 0xbe, 0xad, 0xde], NOW);
    assert_eq!(
        s.unimplemented(),
        [
            (Some("help.getAppConfig".to_string()), 2),
            (Some("unknown#deadbeef".to_string()), 1),
        ]
    );
    // Layers announced: 195 by the sign-in and the call above, then made-up ones.
    for layer in 0..(MAX_REPORTED as i32 + 10) {
        let nearest = functions::help::GetNearestDc {}.to_bytes();
        s.call(DC, 1_000 + layer as u64, &with_layer(-layer, &nearest), NOW);
    }
    let announced = s.announced_layers();
    assert_eq!(
        announced.len(),
        MAX_REPORTED + 1,
        "bounded, with the rest together"
    );
    assert_eq!(announced[0], (None, 11));
    assert!(announced.contains(&(Some(195), 2)));
}
