//! The high-level client against the test DC, every scenario on tokio, async-std, smol
//! and blocking sockets: sign-in (bot, code, sign-up, two-step password, QR), migrations
//! between DCs 1–3, authorization exported to other DCs, session strings, the middleware
//! (flood waits, server failures) and signing out.

use std::sync::Arc;
use std::time::Duration;

use oxigram::client::{Middleware, Next, Request, SignIn};
use oxigram::errors::{self, RpcError};
use oxigram::storage::SessionFormat;
use oxigram::tl::{enums, functions};
use oxigram::{Client, Error};
use oxigram_conformance::{BOT_TOKEN, Env};
use oxigram_proto::session::RpcError as WireError;

#[macro_use]
mod support;

use support::{API_ID, On, signed_in_bot, signed_in_user};

on_every_runtime!(
    a_bot_signs_in_and_its_session_string_signs_in_again,
    a_user_on_another_dc_is_followed_there_and_signs_in,
    a_new_number_signs_up,
    a_two_step_password_is_proved,
    requests_reach_other_dcs_with_the_authorization_imported,
    flood_waits_and_server_failures_are_retried_below_the_threshold,
    logging_out_forgets_the_user,
    a_qr_login_is_accepted_elsewhere_and_followed_to_the_accounts_dc,
    a_session_file_keeps_the_sign_in_and_is_locked_while_used,
    peers_are_resolved_from_the_cache_or_the_server,
    every_kind_of_migration_is_followed,
    dropping_the_last_handle_closes_every_connection,
);

/// A user's middleware layer: counts the attempts of each method.
#[derive(Default)]
struct CountAttempts(std::sync::Mutex<std::collections::HashMap<&'static str, usize>>);

impl CountAttempts {
    fn of(&self, method: &str) -> usize {
        self.0.lock().unwrap().get(method).copied().unwrap_or(0)
    }
}

impl Middleware for CountAttempts {
    fn handle<'a>(
        &'a self,
        request: Request,
        next: Next<'a>,
    ) -> oxigram::BoxFuture<'a, oxigram::Result<oxigram::Bytes>> {
        *self.0.lock().unwrap().entry(request.method).or_default() += 1;
        next.run(request)
    }
}

fn wire(code: i32, name: &str) -> WireError {
    WireError::new(code, name)
}

async fn a_bot_signs_in_and_its_session_string_signs_in_again(on: On, env: Arc<Env>) {
    let client = signed_in_bot(on, &env).await;
    assert_eq!(client.user_id(), Some(env.bot));
    assert_eq!(client.is_bot(), Some(true));
    let me = client.get_me().await.unwrap();
    assert_eq!(me.id, env.bot);

    for format in [
        SessionFormat::Oxigram,
        SessionFormat::Pyrogram,
        SessionFormat::Telethon,
    ] {
        let string = client.export_session_string(format).unwrap();
        let again = on
            .builder(&env, "again")
            .session_string(string)
            .build()
            .await
            .unwrap();
        // Telethon's string does not say who is signed in: the client asks.
        assert_eq!(again.user_id(), Some(env.bot), "{format}");
        assert_eq!(again.get_me().await.unwrap().id, env.bot, "{format}");
        again.stop().await.unwrap();
    }
    client.stop().await.unwrap();
}

async fn a_user_on_another_dc_is_followed_there_and_signs_in(on: On, env: Arc<Env>) {
    // A test number 99966XYYYY lives on DC X; its code is X five times.
    let phone = "9996613344";
    let id = env.dc.create_user(phone, "Homed on one");
    let client = on.builder(&env, "user").build().await.unwrap();
    assert_eq!(client.home_dc(), 2);
    assert!(!client.is_authorized());

    let sent = client.send_code(&format!("+{phone}")).await.unwrap();
    assert_eq!(client.home_dc(), 1, "PHONE_MIGRATE_1 moved the home DC");
    let wrong = client.sign_in(&sent, "12345").await.unwrap_err();
    assert!(wrong.is(errors::PHONE_CODE_INVALID), "{wrong}");
    let SignIn::Done(user) = client.sign_in(&sent, "11111").await.unwrap() else {
        panic!("not signed in");
    };
    assert_eq!(user.id, id);
    assert_eq!(client.user_id(), Some(id));
    assert_eq!(client.get_me().await.unwrap().id, id);

    // The session string now names DC 1.
    let string = client
        .export_session_string(SessionFormat::Oxigram)
        .unwrap();
    let again = on
        .builder(&env, "again")
        .session_string(string)
        .build()
        .await
        .unwrap();
    assert_eq!(again.home_dc(), 1);
    assert_eq!(again.get_me().await.unwrap().id, id);
    again.stop().await.unwrap();
    client.stop().await.unwrap();
}

async fn a_new_number_signs_up(on: On, env: Arc<Env>) {
    let client = on.builder(&env, "new").build().await.unwrap();
    let sent = client.send_code("9996625555").await.unwrap();
    let outcome = client.sign_in(&sent, "22222").await.unwrap();
    assert!(matches!(outcome, SignIn::SignUpRequired), "{outcome:?}");
    let user = client.sign_up(&sent, "New", "Comer").await.unwrap();
    assert_eq!(client.user_id(), Some(user.id));
    assert_eq!(
        client.get_me().await.unwrap().first_name.as_deref(),
        Some("New")
    );
    client.stop().await.unwrap();
}

async fn a_two_step_password_is_proved(on: On, env: Arc<Env>) {
    let phone = "9996627777";
    let id = env.dc.create_user(phone, "Careful");
    env.dc.set_password(id, "correct horse");
    let client = on.builder(&env, "careful").build().await.unwrap();
    let sent = client.send_code(phone).await.unwrap();
    let outcome = client.sign_in(&sent, "22222").await.unwrap();
    assert!(
        matches!(outcome, SignIn::PasswordRequired { .. }),
        "{outcome:?}"
    );
    assert!(!client.is_authorized());
    let wrong = client.check_password("battery staple").await.unwrap_err();
    assert!(wrong.is(errors::PASSWORD_HASH_INVALID), "{wrong}");
    let user = client.check_password("correct horse").await.unwrap();
    assert_eq!(user.id, id);
    assert_eq!(client.user_id(), Some(id));
    client.stop().await.unwrap();
}

async fn requests_reach_other_dcs_with_the_authorization_imported(on: On, env: Arc<Env>) {
    let client = signed_in_bot(on, &env).await;
    // A request on DC 3 needs the account there: exported from DC 2, imported on 3.
    let users = client
        .invoke(functions::users::GetUsers {
            id: vec![enums::InputUser::InputUserSelf],
        })
        .dc(3)
        .await
        .unwrap();
    assert!(matches!(&users[..], [enums::User::User(u)] if u.id == env.bot));
    let enums::Config::Config(config) = client
        .invoke(functions::help::GetConfig {})
        .dc(3)
        .await
        .unwrap();
    assert_eq!(config.this_dc, 3);

    // FILE_MIGRATE_1 sends the request to DC 1, without the caller noticing.
    env.dc
        .inject_error("help.getConfig", wire(303, "FILE_MIGRATE_1"), 1);
    let enums::Config::Config(config) = client.invoke(functions::help::GetConfig {}).await.unwrap();
    assert_eq!(config.this_dc, 1);
    assert_eq!(client.home_dc(), 2, "a file migration does not move home");
    client.stop().await.unwrap();
}

async fn flood_waits_and_server_failures_are_retried_below_the_threshold(on: On, env: Arc<Env>) {
    let attempts = Arc::new(CountAttempts::default());
    let client = on
        .builder(&env, "bot")
        .layer(attempts.clone())
        .bot_token(BOT_TOKEN)
        .build()
        .await
        .unwrap();

    // Under the threshold: slept through and sent again. A user's layer runs inside the
    // flood-wait layer, so it sees both attempts.
    env.dc
        .inject_error("help.getConfig", wire(420, "FLOOD_WAIT_1"), 1);
    let before = attempts.of("help.getConfig");
    client.invoke(functions::help::GetConfig {}).await.unwrap();
    assert_eq!(attempts.of("help.getConfig") - before, 2);

    // Over this request's threshold: the caller gets it, with the method named.
    env.dc
        .inject_error("help.getConfig", wire(420, "FLOOD_WAIT_30"), 1);
    let error = client
        .invoke(functions::help::GetConfig {})
        .sleep_threshold(Duration::from_secs(5))
        .await
        .unwrap_err();
    let Error::Rpc(rpc) = &error else {
        panic!("{error}")
    };
    assert_eq!(rpc.flood_wait(), Some(Duration::from_secs(30)));
    assert_eq!(
        error.to_string(),
        RpcError::parse(420, "FLOOD_WAIT_30", Some("help.getConfig")).to_string()
    );

    // A server failure is sent again; a refusal is not.
    env.dc
        .inject_error("help.getConfig", wire(500, "INTERNAL"), 1);
    client.invoke(functions::help::GetConfig {}).await.unwrap();
    env.dc
        .inject_error("help.getConfig", wire(400, "BAD_REQUEST"), 1);
    let refused = client
        .invoke(functions::help::GetConfig {})
        .await
        .unwrap_err();
    assert!(refused.is("BAD_REQUEST"), "{refused}");
    client.stop().await.unwrap();
}

async fn logging_out_forgets_the_user(on: On, env: Arc<Env>) {
    let client = signed_in_bot(on, &env).await;
    client.log_out().await.unwrap();
    assert!(!client.is_authorized());
    let error = client.get_me().await.unwrap_err();
    assert_eq!(error.rpc().map(|e| e.code), Some(401), "{error}");
    client.stop().await.unwrap();
}

async fn a_qr_login_is_accepted_elsewhere_and_followed_to_the_accounts_dc(on: On, env: Arc<Env>) {
    use base64::Engine as _;
    // The account lives on DC 1 and has a two-step password; its phone is signed in.
    let (phone, id) = signed_in_user(on, &env, "9996614455", Some("pw")).await;

    let client = on.builder(&env, "desktop").build().await.unwrap();
    let mut login = client.qr_login().await.unwrap();
    let url = login.url();
    let token = url.strip_prefix("tg://login?token=").expect("a login link");
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .unwrap();
    phone
        .invoke(functions::auth::AcceptLoginToken {
            token: token.into(),
        })
        .await
        .unwrap();
    let outcome = login.wait(Duration::from_secs(20)).await.unwrap();
    assert!(
        matches!(outcome, Some(SignIn::PasswordRequired { .. })),
        "{outcome:?}"
    );
    assert_eq!(client.home_dc(), 1, "the token moved to the account's DC");
    let user = client.check_password("pw").await.unwrap();
    assert_eq!(user.id, id);
    assert_eq!(client.get_me().await.unwrap().id, id);
    client.stop().await.unwrap();
    phone.stop().await.unwrap();
}

async fn a_session_file_keeps_the_sign_in_and_is_locked_while_used(on: On, env: Arc<Env>) {
    let dir = tempfile::tempdir().unwrap();
    // The builder keeps sessions in memory for the other scenarios; this one uses the
    // default: `<workdir>/<name>.session`.
    let on_disk = |name: &str| {
        let mut builder = Client::builder(name)
            .api_id(API_ID)
            .api_hash("hash")
            .workdir(dir.path())
            .test_mode(true)
            .server_key(env.dc.public_key().clone());
        for &(id, address) in env.dc.addresses() {
            builder = builder.dc_address(id as i16, address);
        }
        on.with_runtime(builder)
    };
    let client = on_disk("bot").bot_token(BOT_TOKEN).build().await.unwrap();
    assert!(dir.path().join("bot.session").exists());
    let second = on_disk("bot").build().await.unwrap_err();
    assert!(
        matches!(
            second,
            Error::Storage(oxigram::storage::StorageError::SessionInUse(_))
        ),
        "{second}"
    );
    let key_id = client
        .export_session_string(SessionFormat::Oxigram)
        .unwrap();
    client.stop().await.unwrap();
    drop(client);

    // No token this time: the file signs the bot in, with the same key.
    let again = on_disk("bot").build().await.unwrap();
    assert_eq!(again.user_id(), Some(env.bot));
    assert_eq!(
        again.export_session_string(SessionFormat::Oxigram).unwrap(),
        key_id
    );
    assert_eq!(again.get_me().await.unwrap().id, env.bot);
    again.stop().await.unwrap();
}

async fn peers_are_resolved_from_the_cache_or_the_server(on: On, env: Arc<Env>) {
    use oxigram::peers::PeerError;
    let (client, id) = signed_in_user(on, &env, "9996628888", None).await;
    let (channel, _) = env.dc.create_channel(id, "News", &[], true);
    env.dc.set_channel_username(channel, "newsroom").unwrap();

    // "me", a username (asked once, then cached), a link, an id met in an answer.
    assert!(matches!(
        client.resolve_peer("me").await.unwrap(),
        enums::InputPeer::InputPeerSelf
    ));
    let by_name = client.resolve_peer("@conformance_bot").await.unwrap();
    let enums::InputPeer::User(bot) = &by_name else {
        panic!("{by_name:?}")
    };
    assert_eq!(bot.user_id, env.bot);
    let by_link = client
        .resolve_peer("https://t.me/conformance_bot")
        .await
        .unwrap();
    assert_eq!(by_link, by_name);
    assert_eq!(client.resolve_peer(env.bot).await.unwrap(), by_name);
    let news = client.resolve_peer("t.me/newsroom").await.unwrap();
    assert!(
        matches!(&news, enums::InputPeer::Channel(c) if c.channel_id == channel),
        "{news:?}"
    );
    let bot_api_id = -1_000_000_000_000 - channel;
    assert_eq!(client.resolve_peer(bot_api_id).await.unwrap(), news);
    // A phone number of a contact-less stranger, and a name nobody has.
    let missing = client.resolve_peer("@nobody_has_this").await.unwrap_err();
    assert!(missing.is(errors::USERNAME_NOT_OCCUPIED), "{missing}");
    // An id never met: the error says what is missing.
    let unknown = client.resolve_peer(123_456_789_i64).await.unwrap_err();
    assert!(
        matches!(&unknown, Error::Peer(PeerError::Unknown { .. })),
        "{unknown}"
    );
    assert!(unknown.to_string().contains("123456789"), "{unknown}");

    // Messages go to any of those names.
    client.send_message("@conformance_bot", "hi").await.unwrap();
    client.send_message(env.bot, "hi again").await.unwrap();
    let got = env.dc.received(env.bot);
    assert_eq!(got.len(), 2, "{got:?}");
    client.stop().await.unwrap();
}

async fn every_kind_of_migration_is_followed(on: On, env: Arc<Env>) {
    // Before sign-in, NETWORK_MIGRATE moves home.
    let client = on.builder(&env, "moving").build().await.unwrap();
    env.dc
        .inject_error("help.getNearestDc", wire(303, "NETWORK_MIGRATE_3"), 1);
    client
        .invoke(functions::help::GetNearestDc {})
        .await
        .unwrap();
    assert_eq!(client.home_dc(), 3);
    // USER_MIGRATE at a bot's sign-in moves home too: the bot lives on DC 2, so DC 3
    // answers USER_MIGRATE_2.
    client.sign_in_bot(BOT_TOKEN).await.unwrap();
    assert_eq!(client.home_dc(), 2);
    assert_eq!(client.user_id(), Some(env.bot));
    // STATS_MIGRATE sends one request elsewhere, with the authorization imported there.
    env.dc
        .inject_error("help.getConfig", wire(303, "STATS_MIGRATE_1"), 1);
    let enums::Config::Config(config) = client.invoke(functions::help::GetConfig {}).await.unwrap();
    assert_eq!(config.this_dc, 1);
    assert_eq!(client.home_dc(), 2);
    // A DC's media-only address serves file-like requests.
    let enums::Config::Config(config) = client
        .invoke(functions::help::GetConfig {})
        .dc(3)
        .media()
        .await
        .unwrap();
    assert_eq!(config.this_dc, 3);
    let media = env.dc.media_address(3).unwrap();
    assert_eq!(env.dc.served(media, "help.getConfig").calls, 1);
    client.stop().await.unwrap();
}

async fn dropping_the_last_handle_closes_every_connection(on: On, env: Arc<Env>) {
    let client = signed_in_bot(on, &env).await;
    client
        .invoke(functions::help::GetConfig {})
        .dc(3)
        .await
        .unwrap();
    assert!(env.dc.connection_count() >= 2);
    let clone = client.clone();
    drop(client);
    clone.get_me().await.unwrap();
    drop(clone);
    // The server sees every connection go (bounded wait: closing is asynchronous).
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while env.dc.connection_count() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "{} connections still open",
            env.dc.connection_count()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
