//! A network outage longer than the reconnect policy waits, on every runtime (the
//! network is a SOCKS5 relay that can be cut): the connection gives up, requests fail at
//! once with a typed error instead of hanging, and once the network is back the next
//! request and the update reader open a new connection; a message sent during the
//! outage is delivered after it, before the next one.

use std::sync::Arc;
use std::time::Duration;

use oxigram::{Error, ReconnectPolicy};
use oxigram_conformance::{BOT_TOKEN, Env, Protocol, Relay};

#[macro_use]
mod support;

use support::On;

on_every_runtime!(a_client_outlives_an_outage);

/// The text of the next update, which must be a new message.
async fn next_text(client: &oxigram::Client) -> String {
    match client.next_update().await.unwrap() {
        Some(oxigram::Update::Message(message)) => message.text().to_string(),
        other => panic!("expected a new message, got {other:?}"),
    }
}

async fn a_client_outlives_an_outage(on: On, env: Arc<Env>) {
    let network = Relay::start(Protocol::Socks5, None);
    let client = on
        .builder(&env, "bot")
        .proxy(format!("socks5://{}", network.address()))
        // Three quick attempts: the connection gives up well within the test.
        .reconnect(ReconnectPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(40),
            ..ReconnectPolicy::default()
        })
        .bot_token(BOT_TOKEN)
        .build()
        .await
        .unwrap();
    env.dc.send_message(env.user, env.bot, "before");
    assert_eq!(next_text(&client).await, "before");

    network.cut();
    // The request waits while the connection tries again, then ends with the reason.
    match client.get_me().await {
        Err(Error::Invoke(oxigram::InvokeError::GaveUp(_))) => {}
        other => panic!("during the outage, get_me gave {other:?}"),
    }
    env.dc.send_message(env.user, env.bot, "during");
    // The connection that gave up is not used again: a new one is tried, and fails.
    match client.get_me().await {
        Err(Error::Connect(_)) => {}
        other => panic!("still cut, get_me gave {other:?}"),
    }

    network.restore();
    let opened = network.tunnels();
    let me = client.get_me().await.unwrap();
    assert!(me.bot());
    assert!(network.tunnels() > opened, "a new connection was opened");
    // Nothing pushed while the network was down is lost, nor handed out late.
    assert_eq!(next_text(&client).await, "during");
    env.dc.send_message(env.user, env.bot, "after");
    assert_eq!(next_text(&client).await, "after");

    // Again with the update reader waiting all along, as a dispatcher's does: it sees
    // its connection end, waits for the network, and fetches what it missed.
    let reader = next_text(&client);
    let outage = async {
        network.cut();
        match client.get_me().await {
            Err(Error::Invoke(oxigram::InvokeError::GaveUp(_)) | Error::Connect(_)) => {}
            other => panic!("during the second outage, get_me gave {other:?}"),
        }
        env.dc.send_message(env.user, env.bot, "while reading");
        network.restore();
        assert!(client.get_me().await.unwrap().bot());
    };
    let (text, ()) = futures_util::future::join(reader, outage).await;
    assert_eq!(text, "while reading");
    client.stop().await.unwrap();
}
