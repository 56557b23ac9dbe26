//! A bot and two users signed in on a fresh test DC, as the suites about bots' updates
//! start.

use oxigram_proto::transport::Kind;
use oxigram_testdc::{TestDc, TestDcConfig};

use super::Client;

/// The server and its three accounts, each with its own connection.
pub struct World {
    pub dc: TestDc,
    pub bot: Client,
    pub bot_id: i64,
    pub alice: Client,
    pub alice_id: i64,
    pub bob: Client,
    pub bob_id: i64,
}

/// A test DC from `seed` with a bot (`token`, `@bot_name`) and Alice and Bob (test
/// numbers on DC 2), all signed in.
pub async fn start(seed: u64, token: &str, bot_name: &str, phones: [&str; 2]) -> World {
    let dc = TestDc::start(TestDcConfig {
        seed,
        ..TestDcConfig::default()
    })
    .await
    .unwrap();
    let bot_id = dc.create_bot(token, bot_name);
    let alice_id = dc.create_user(phones[0], "Alice");
    let bob_id = dc.create_user(phones[1], "Bob");
    let address = dc.address(2).unwrap();
    let key = dc.public_key().clone();
    let mut bot = Client::connect(address, 2, &key, Kind::Intermediate, false, None, 1).await;
    bot.sign_in_bot(token).await;
    let mut alice = Client::connect(address, 2, &key, Kind::Abridged, false, None, 2).await;
    alice.sign_in_user(phones[0]).await.unwrap();
    let mut bob = Client::connect(address, 2, &key, Kind::Abridged, false, None, 3).await;
    bob.sign_in_user(phones[1]).await.unwrap();
    World {
        dc,
        bot,
        bot_id,
        alice,
        alice_id,
        bob,
        bob_id,
    }
}
