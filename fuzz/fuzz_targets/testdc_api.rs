//! The test DC's API (`ApiState::call`, the world model without sockets) fed arbitrary
//! requests from a signed-in account or an anonymous key, on any DC. The first byte picks
//! the DC, the key, and whether the second byte picks a method the test DC implements
//! (found at start by asking it; the rest of the input is then the method's body) or the
//! whole rest is the request, and whether the key first announces an older layer (195 or
//! 229), so that requests are read in it and answers converted to it. Answers may be any
//! RPC error, but nothing may panic, hang or allocate without bound.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use oxigram_proto::session::RpcError;
use oxigram_testdc::api::{ApiState, DcInfo};
use oxigram_testdc::world::World;

const NOW: i32 = 1_700_000_000;
const SIGNED_IN: u64 = 1;
const ANONYMOUS: u64 = 2;

/// A small world: a bot, two users on different DCs, a group, a supergroup, a few private
/// messages, and key 1 signed in on DC 2 as the first user.
fn state() -> ApiState {
    let mut world = World::new(1);
    let bot = world.create_bot("1:fuzz", "fuzz_bot", 2);
    let alice = world.create_user("9996621111", "Alice", 2);
    let bob = world.create_user("9996631111", "Bob", 3);
    world.create_group(alice, "group", &[bot, bob], NOW, None);
    world.create_group(alice, "supergroup", &[bot], NOW, Some(false));
    let dcs = (1..=3)
        .map(|id| DcInfo {
            ipv6_port: None,
            id,
            ip: "127.0.0.1".into(),
            port: 10_000 + id as u16,
            media_port: None,
            cdn: false,
        })
        .collect();
    let mut api = ApiState::new(world, dcs);
    api.send_message(alice, bot, "hello", NOW);
    api.send_message(bot, alice, "hi", NOW);
    api.send_message(bob, alice, "hey", NOW);
    api.authorizations[1].insert(SIGNED_IN, alice);
    api
}

/// The API functions the test DC answers with something other than "not implemented".
fn implemented() -> &'static [u32] {
    static IDS: OnceLock<Vec<u32>> = OnceLock::new();
    IDS.get_or_init(|| {
        let unknown = RpcError::new(400, "METHOD_NOT_IMPLEMENTED_IN_TEST_DC");
        let mut api = state();
        oxigram_tl::reflect::ITEMS
            .iter()
            .filter(|item| item.function && item.schema == "api")
            .map(|item| item.id)
            .filter(|id| {
                api.call(1, SIGNED_IN, &id.to_le_bytes(), NOW).result != Err(unknown.clone())
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let dc = usize::from(mode & 3) % 3;
    let key = if mode & 4 == 0 { SIGNED_IN } else { ANONYMOUS };
    let body = if mode & 8 == 0 {
        let Some((&pick, rest)) = rest.split_first() else {
            return;
        };
        let ids = implemented();
        let mut body = ids[usize::from(pick) % ids.len()].to_le_bytes().to_vec();
        body.extend_from_slice(rest);
        body
    } else {
        rest.to_vec()
    };
    let mut api = state();
    if mode & 16 != 0 {
        let layer: i32 = if mode & 32 == 0 { 195 } else { 229 };
        let mut announce = 0xda9b0d0d_u32.to_le_bytes().to_vec(); // invokeWithLayer
        announce.extend(layer.to_le_bytes());
        announce.extend(0xc4f9186b_u32.to_le_bytes()); // help.getConfig
        assert!(api.call(dc, key, &announce, NOW).result.is_ok());
    }
    // Twice: the first call may change the world (a message sent, a key signed in) that
    // the second one then reads.
    for _ in 0..2 {
        let reply = api.call(dc, key, &body, NOW);
        for (account, update) in &reply.pushes {
            assert!(
                *account != 0 && update.len() >= 4,
                "a push to nobody or of nothing"
            );
        }
    }
});
