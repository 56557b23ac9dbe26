//! Perfect forward secrecy against the test DC over loopback: a client on temporary keys
//! signs in, sends and receives, and renews its key mid-stream without losing anything.
//! The client's timers are moved ahead ([`Client::ahead`]) instead of waiting.

mod common;

use std::time::Duration;

use common::{Client, user_ref};
use oxigram_proto::pfs::PfsConfig;
use oxigram_proto::transport::Kind;
use oxigram_testdc::send_message_request as send_message;
use oxigram_testdc::{TestDc, TestDcConfig};
use oxigram_tl::{Deserialize, enums, functions, types};

const BOT_TOKEN: &str = "7000001:test-token";
const PHONE: &str = "9996621234";

/// Keys of two minutes, renewed after one.
const PFS: PfsConfig = PfsConfig {
    lifetime: Duration::from_secs(120),
    renew_before: Duration::from_secs(60),
};

async fn start() -> TestDc {
    let dc = TestDc::start(TestDcConfig {
        seed: 9,
        ..TestDcConfig::default()
    })
    .await
    .unwrap();
    dc.create_bot(BOT_TOKEN, "echo_bot");
    dc.create_user(PHONE, "Alice");
    dc
}

async fn resolve_bot(client: &mut Client) -> enums::InputPeer {
    let enums::contacts::ResolvedPeer::ResolvedPeer(resolved) = client
        .invoke(&functions::contacts::ResolveUsername {
            username: "echo_bot".into(),
            referer: None,
        })
        .await
        .unwrap();
    let (user_id, access_hash) = user_ref(&resolved.users[0]);
    enums::InputPeer::User(types::InputPeerUser {
        user_id,
        access_hash,
    })
}

/// The text of a pushed new message, and its sender as an input peer.
fn pushed(id: u32, body: &[u8], me: i64) -> (String, enums::InputPeer) {
    let text = oxigram_testdc::pushed_message_text(id, body).expect("a new message");
    let enums::Updates::Updates(updates) = enums::Updates::from_bytes(body).unwrap() else {
        panic!("a full Updates object");
    };
    let (user_id, access_hash) = updates
        .users
        .iter()
        .map(user_ref)
        .find(|(id, _)| *id != me)
        .expect("the sender");
    let peer = enums::InputPeer::User(types::InputPeerUser {
        user_id,
        access_hash,
    });
    (text, peer)
}

#[tokio::test]
async fn a_user_on_temporary_keys_talks_across_renewals_and_loses_nothing() {
    let dc = start().await;
    let mut bot = Client::connect(
        dc.address(2).unwrap(),
        2,
        dc.public_key(),
        Kind::Intermediate,
        false,
        None,
        3,
    )
    .await;
    let bot_id = bot.sign_in_bot(BOT_TOKEN).await;
    let mut alice =
        Client::connect_pfs(dc.address(2).unwrap(), 2, dc.public_key(), PFS, None, 4).await;
    let auth = alice.sign_in_user(PHONE).await.unwrap();
    assert!(matches!(auth, enums::auth::Authorization::Authorization(_)));
    assert_eq!(alice.bound, 1);
    // The key announced (the one to store) is the permanent key; traffic goes under
    // another.
    let perm = alice.auth.clone().expect("the permanent key was announced");
    assert_eq!(alice.conn.perm_key(), Some(&perm));
    let mut temp_keys = vec![alice.conn.session().unwrap().auth_key().id()];
    assert_ne!(temp_keys[0], perm.auth_key.id());
    let bot_peer = resolve_bot(&mut alice).await;

    let mut random_id = 0;
    for round in 0..3 {
        // Four messages in flight when the key's renewal comes due, four more sent while
        // the new key is made and bound.
        let mut sent = Vec::new();
        for i in 0..8 {
            if i == 4 {
                alice.ahead += Duration::from_secs(61);
            }
            random_id += 1;
            let message = send_message(bot_peer.clone(), &format!("r{round} m{i}"), random_id);
            sent.push(alice.start(&message).await);
        }
        let bound = alice.bound;
        alice.run_until(|c| c.bound > bound).await;
        for id in sent {
            let answer = alice.answer::<functions::messages::SendMessage>(id).await;
            assert!(answer.is_ok(), "round {round}: {answer:?}");
        }
        let mut alice_peer = None;
        for i in 0..8 {
            let (id, body) = bot.next_update().await;
            let (text, from) = pushed(id, &body, bot_id);
            assert_eq!(text, format!("r{round} m{i}"));
            alice_peer = Some(from);
        }
        // And back: the push reaches Alice under whichever key is current.
        random_id += 1;
        let reply = send_message(alice_peer.unwrap(), &format!("reply {round}"), random_id);
        bot.invoke(&reply).await.unwrap();
        let (id, body) = alice.next_update().await;
        assert_eq!(pushed(id, &body, 0).0, format!("reply {round}"));
        let key = alice.conn.session().unwrap().auth_key().id();
        assert!(
            !temp_keys.contains(&key),
            "round {round}: the key was not renewed"
        );
        temp_keys.push(key);
    }
    assert_eq!(alice.bound, 4);
    assert_eq!(alice.reconnects, 0);
    assert_eq!(dc.received(bot_id).len(), 24);
    // Still signed in as Alice under the newest key.
    let enums::updates::State::State(_) = alice
        .invoke(&functions::updates::GetState {})
        .await
        .unwrap();
}
