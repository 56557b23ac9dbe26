//! Perfect forward secrecy through the client, on every runtime: a user signs in with
//! temporary keys bound to its permanent key, sends and receives, and its session (which
//! holds only the permanent key) signs in again on new temporary keys. Key rotation
//! mid-stream is exercised with injected time in `proto/tests/pfs.rs` and
//! `tests/testdc/tests/pfs.rs`.

use std::sync::Arc;

use futures_util::TryStreamExt;
use oxigram::Client;
use oxigram::client::SignIn;
use oxigram::proto::pfs::PfsConfig;
use oxigram::storage::SessionFormat;
use oxigram_conformance::Env;

#[macro_use]
mod support;

use support::On;

on_every_runtime!(a_user_signs_in_and_talks_on_temporary_keys);

async fn a_user_signs_in_and_talks_on_temporary_keys(on: On, env: Arc<Env>) {
    let phone = "9996627001";
    env.dc.create_user(phone, "Forward");
    let client = on
        .builder(&env, phone)
        .pfs(PfsConfig::default())
        .build()
        .await
        .unwrap();
    let sent = client.send_code(phone).await.unwrap();
    let signed_in = client.sign_in(&sent, "22222").await.unwrap();
    assert!(matches!(signed_in, SignIn::Done(_)), "{signed_in:?}");
    let bound = env.dc.temp_keys_bound();
    assert!(bound >= 1, "no temporary key was bound");
    let before = env.dc.temp_key_requests();
    client
        .send_message("@conformance_bot", "over a temporary key")
        .await
        .unwrap();
    // What was sent comes back when the history is read.
    let history: Vec<oxigram::Message> = client
        .get_chat_history("@conformance_bot")
        .limit(1)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].text().as_str(), "over a temporary key");
    assert!(
        env.dc.temp_key_requests() >= before + 2,
        "requests went under the permanent key"
    );

    // The session holds the permanent key only; a new client binds a new temporary key
    // to it and is still signed in.
    let string = client
        .export_session_string(SessionFormat::Oxigram)
        .unwrap();
    client.stop().await.unwrap();
    let again: Client = on
        .builder(&env, phone)
        .session_string(string)
        .pfs(PfsConfig::default())
        .build()
        .await
        .unwrap();
    let me = again.get_me().await.unwrap();
    assert_eq!(me.phone.as_deref(), Some(phone));
    assert!(
        env.dc.temp_keys_bound() > bound,
        "the new client bound no key"
    );
    again.stop().await.unwrap();
}
