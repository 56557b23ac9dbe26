//! QR-code login against the test DC, as a client does it: export a token, have another
//! session accept it, hear of it, export again; on another DC, import the token there.

mod common;

use common::{Client, user_ref};
use oxigram_proto::random::SeededRandom;
use oxigram_proto::session::RpcError;
use oxigram_proto::transport::Kind;
use oxigram_testdc::{Faults, TestDc, TestDcConfig};
use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

/// Lives on DC 2, where the exporting sessions connect.
const NEAR: &str = "9996621234";
/// Lives on DC 1.
const FAR: &str = "9996612345";

async fn start() -> TestDc {
    TestDc::start(TestDcConfig {
        seed: 11,
        ..TestDcConfig::default()
    })
    .await
    .unwrap()
}

/// A new connection to DC `id` with its own auth key, signed in as nobody.
async fn connect(dc: &TestDc, id: i32, seed: u8) -> Client {
    Client::connect(
        dc.address(id).unwrap(),
        id as i16,
        dc.public_key(),
        Kind::Intermediate,
        false,
        None,
        seed,
    )
    .await
}

/// A session on DC `id` signed in as the test number `phone`.
async fn signed_in(dc: &TestDc, id: i32, phone: &str, seed: u8) -> Client {
    let mut client = connect(dc, id, seed).await;
    let auth = client.sign_in_user(phone).await.unwrap();
    assert!(matches!(auth, enums::auth::Authorization::Authorization(_)));
    client
}

async fn export(
    client: &mut Client,
    except_ids: Vec<i64>,
) -> Result<enums::auth::LoginToken, RpcError> {
    client
        .invoke(&functions::auth::ExportLoginToken {
            api_id: common::API_ID,
            api_hash: "hash".into(),
            except_ids,
        })
        .await
}

/// Exports and expects a fresh token.
async fn new_token(client: &mut Client) -> bytes::Bytes {
    match export(client, vec![]).await.unwrap() {
        enums::auth::LoginToken::LoginToken(t) => t.token,
        other => panic!("not a fresh token: {other:?}"),
    }
}

async fn accept(client: &mut Client, token: &[u8]) -> Result<enums::Authorization, RpcError> {
    client
        .invoke(&functions::auth::AcceptLoginToken {
            token: token.to_vec().into(),
        })
        .await
}

/// The user a `loginTokenSuccess` signed in as.
fn success_user(answer: enums::auth::LoginToken) -> i64 {
    let enums::auth::LoginToken::Success(success) = answer else {
        panic!("not a success: {answer:?}");
    };
    let enums::auth::Authorization::Authorization(auth) = success.authorization else {
        panic!("sign-up required");
    };
    user_ref(&auth.user).0
}

/// The account the session is signed in as (`users.getUsers` of `inputUserSelf`).
async fn me(client: &mut Client) -> Result<i64, RpcError> {
    let users = client
        .invoke(&functions::users::GetUsers {
            id: vec![enums::InputUser::InputUserSelf],
        })
        .await?;
    Ok(user_ref(&users[0]).0)
}

/// Waits for the update that says the exported token was accepted.
async fn wait_for_acceptance(client: &mut Client) {
    let (id, body) = client.next_update().await;
    assert_eq!(id, types::UpdateShort::CONSTRUCTOR_ID);
    let enums::Updates::UpdateShort(short) = enums::Updates::from_bytes(&body).unwrap() else {
        panic!("not updateShort");
    };
    assert!(
        matches!(short.update, enums::Update::LoginToken),
        "{:?}",
        short.update
    );
}

#[tokio::test]
async fn a_qr_login_signs_the_exporting_session_in_on_the_same_dc() {
    let dc = start().await;
    let alice = dc.create_user(NEAR, "Alice");
    let mut new = connect(&dc, 2, 1).await;
    assert_eq!(
        me(&mut new).await.unwrap_err(),
        RpcError::new(401, "AUTH_KEY_UNREGISTERED")
    );
    let first = new_token(&mut new).await;
    let second = new_token(&mut new).await;
    assert_ne!(first, second, "each export hands out a fresh token");
    assert_eq!(second.len(), 32);

    let mut phone = signed_in(&dc, 2, NEAR, 2).await;
    // The newer token replaced the older one.
    assert_eq!(
        accept(&mut phone, &first).await.unwrap_err(),
        RpcError::new(400, "AUTH_TOKEN_INVALID")
    );
    let enums::Authorization::Authorization(session) = accept(&mut phone, &second).await.unwrap();
    assert_ne!(session.hash, 0);
    wait_for_acceptance(&mut new).await;

    assert_eq!(success_user(export(&mut new, vec![]).await.unwrap()), alice);
    assert_eq!(me(&mut new).await.unwrap(), alice);
    assert_eq!(
        accept(&mut phone, &second).await.unwrap_err(),
        RpcError::new(400, "AUTH_TOKEN_ALREADY_ACCEPTED")
    );
    // The login is done: the next export starts over.
    assert!(matches!(
        export(&mut new, vec![]).await.unwrap(),
        enums::auth::LoginToken::LoginToken(_)
    ));
}

#[tokio::test]
async fn a_qr_login_of_a_user_on_another_dc_moves_there_with_a_second_token() {
    let dc = start().await;
    let bob = dc.create_user(FAR, "Bob");
    let mut new = connect(&dc, 2, 3).await;
    let token = new_token(&mut new).await;
    let mut phone = signed_in(&dc, 1, FAR, 4).await;
    accept(&mut phone, &token).await.unwrap();
    wait_for_acceptance(&mut new).await;

    let enums::auth::LoginToken::MigrateTo(migrate) = export(&mut new, vec![]).await.unwrap()
    else {
        panic!("not sent to the home DC");
    };
    assert_eq!(migrate.dc_id, 1);
    assert_ne!(migrate.token, token);
    // Nothing changed on DC 2, and the token is for DC 1 only.
    assert_eq!(
        me(&mut new).await.unwrap_err(),
        RpcError::new(401, "AUTH_KEY_UNREGISTERED")
    );
    let import = functions::auth::ImportLoginToken {
        token: migrate.token.clone(),
    };
    assert_eq!(
        new.invoke(&import).await.unwrap_err(),
        RpcError::new(400, "AUTH_TOKEN_INVALID")
    );

    let mut home = connect(&dc, 1, 5).await;
    assert_eq!(success_user(home.invoke(&import).await.unwrap()), bob);
    assert_eq!(me(&mut home).await.unwrap(), bob);
    assert_eq!(
        home.invoke(&import).await.unwrap_err(),
        RpcError::new(400, "AUTH_TOKEN_ALREADY_ACCEPTED")
    );
}

#[tokio::test]
async fn a_qr_login_to_an_account_with_a_password_asks_for_it() {
    let dc = start().await;
    let carol = dc.create_user(NEAR, "Carol");
    let mut phone = signed_in(&dc, 2, NEAR, 6).await;
    dc.set_password(carol, "correct horse");
    let mut new = connect(&dc, 2, 7).await;
    let token = new_token(&mut new).await;
    accept(&mut phone, &token).await.unwrap();
    wait_for_acceptance(&mut new).await;
    assert_eq!(
        export(&mut new, vec![]).await.unwrap_err(),
        RpcError::new(401, "SESSION_PASSWORD_NEEDED")
    );
    assert_eq!(
        me(&mut new).await.unwrap_err(),
        RpcError::new(401, "AUTH_KEY_UNREGISTERED")
    );
    let mut random = SeededRandom::new([7; 32]);
    let enums::auth::Authorization::Authorization(auth) = new
        .check_password("correct horse", &mut random)
        .await
        .unwrap()
    else {
        panic!("sign-up required");
    };
    assert_eq!(user_ref(&auth.user).0, carol);
    assert_eq!(me(&mut new).await.unwrap(), carol);
}

#[tokio::test]
async fn login_tokens_refuse_unknown_expired_excepted_and_misused_tokens() {
    let dc = start().await;
    let alice = dc.create_user(NEAR, "Alice");
    dc.create_bot("7000009:qr", "qr_bot");
    let mut phone = signed_in(&dc, 2, NEAR, 8).await;
    let mut new = connect(&dc, 2, 9).await;

    let unknown = [0x5a; 32];
    assert_eq!(
        accept(&mut phone, &unknown).await.unwrap_err(),
        RpcError::new(400, "AUTH_TOKEN_INVALID")
    );
    let import = functions::auth::ImportLoginToken {
        token: unknown.to_vec().into(),
    };
    assert_eq!(
        new.invoke(&import).await.unwrap_err(),
        RpcError::new(400, "AUTH_TOKEN_INVALID")
    );

    // Only a signed-in user accepts; a bot cannot scan QR codes.
    let token = new_token(&mut new).await;
    let mut stranger = connect(&dc, 2, 10).await;
    assert_eq!(
        accept(&mut stranger, &token).await.unwrap_err(),
        RpcError::new(401, "AUTH_KEY_UNREGISTERED")
    );
    let mut bot = connect(&dc, 2, 11).await;
    bot.sign_in_bot("7000009:qr").await;
    assert_eq!(
        accept(&mut bot, &token).await.unwrap_err(),
        RpcError::new(400, "BOT_METHOD_INVALID")
    );

    // The exporter is signed in to this account already.
    let enums::auth::LoginToken::LoginToken(excepted) =
        export(&mut new, vec![alice]).await.unwrap()
    else {
        panic!("not a fresh token");
    };
    assert_eq!(
        accept(&mut phone, &excepted.token).await.unwrap_err(),
        RpcError::new(400, "AUTH_TOKEN_EXCEPTION")
    );
    assert_eq!(
        export(&mut new, vec![7; oxigram_testdc::api::MAX_EXCEPT_IDS + 1])
            .await
            .unwrap_err(),
        RpcError::new(400, "INPUT_REQUEST_TOO_LONG")
    );

    // An hour later (the server's clock) the token has expired.
    let token = new_token(&mut new).await;
    dc.set_faults(Faults {
        time_skew: 3600,
        ..Faults::default()
    });
    assert_eq!(
        accept(&mut phone, &token).await.unwrap_err(),
        RpcError::new(400, "AUTH_TOKEN_EXPIRED")
    );
    assert_eq!(
        me(&mut new).await.unwrap_err(),
        RpcError::new(401, "AUTH_KEY_UNREGISTERED")
    );
}
