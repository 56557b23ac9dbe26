//! Sending a bot many messages from outside, paced by what its connections took: what
//! the `flood` command of `oxigram-testdc` does for benchmarks.

mod common;

use std::time::Duration;

use common::Client;
use oxigram_proto::transport::Kind;
use oxigram_testdc::{TestDc, TestDcConfig, pushed_message_text};

const TOKEN: &str = "7000051:flood-token";
const PHONE: &str = "9996625555";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_arrive_in_order_and_pacing_waits_only_for_the_recipients_connections() {
    let dc = TestDc::start(TestDcConfig {
        bots: vec![TOKEN.into()],
        users: vec![PHONE.into()],
        ..TestDcConfig::default()
    })
    .await
    .unwrap();
    let user = dc.user_by_phone(PHONE).expect("created from the config");
    let bot_id = dc.bot_by_token(TOKEN).expect("created from the config");
    assert_ne!(user, bot_id);
    assert_eq!(dc.user_by_phone("9996620000"), None);
    assert_eq!(dc.bot_by_token("1:unknown"), None);
    assert_eq!(dc.bot_by_token(PHONE), None);

    // Nobody signed in as the bot: nothing to wait for.
    dc.send_messages(user, bot_id, ["unread"]);
    assert!(!dc.has_unsent_to(bot_id));
    dc.sent_to(bot_id).await;

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
    assert_eq!(bot.sign_in_bot(TOKEN).await, bot_id);
    let texts: Vec<String> = (0..300).map(|i| format!("message {i}")).collect();
    for batch in texts.chunks(100) {
        dc.send_messages(user, bot_id, batch.iter().map(String::as_str));
        // The server writes to the socket whether or not the client reads yet; a
        // guard, so that a broken wake-up fails the test instead of hanging it.
        tokio::time::timeout(Duration::from_secs(30), dc.sent_to(bot_id))
            .await
            .expect("the bot's connection takes what was queued for it");
        assert!(!dc.has_unsent_to(bot_id));
    }
    for text in &texts {
        let (id, body) = bot.next_update().await;
        assert_eq!(
            pushed_message_text(id, &body).as_deref(),
            Some(text.as_str())
        );
    }
}
