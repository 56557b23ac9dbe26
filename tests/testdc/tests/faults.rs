//! The test DC's fault knobs, seen from a client.

mod common;

use std::time::Duration;

use common::Client;
use oxigram_proto::session::RpcError;
use oxigram_proto::transport::Kind;
use oxigram_testdc::{Faults, TestDc, TestDcConfig};
use oxigram_tl::{enums, functions, types};

async fn setup() -> (TestDc, Client) {
    let dc = TestDc::start(TestDcConfig::default()).await.unwrap();
    dc.create_bot("7000003:faults", "faults_bot");
    let mut client = Client::connect(
        dc.address(2).unwrap(),
        2,
        dc.public_key(),
        Kind::Intermediate,
        false,
        None,
        1,
    )
    .await;
    client.sign_in_bot("7000003:faults").await;
    (dc, client)
}

async fn state(client: &mut Client) -> Result<enums::updates::State, RpcError> {
    client.invoke(&functions::updates::GetState {}).await
}

#[tokio::test]
async fn injected_errors_come_back_typed_then_stop() {
    let (dc, mut client) = setup().await;
    dc.inject_error("updates.getState", RpcError::new(420, "FLOOD_WAIT_7"), 1);
    let err = state(&mut client).await.unwrap_err();
    assert_eq!(
        (err.code, err.name.as_str(), err.value),
        (420, "FLOOD_WAIT", Some(7))
    );
    assert!(state(&mut client).await.is_ok());
    dc.inject_error(
        "updates.getState",
        RpcError::new(406, "AUTH_KEY_DUPLICATED"),
        1,
    );
    assert_eq!(
        state(&mut client).await.unwrap_err(),
        RpcError::new(406, "AUTH_KEY_DUPLICATED")
    );
}

#[tokio::test]
async fn salts_rotate_and_sessions_are_renewed_without_losing_requests() {
    let (dc, mut client) = setup().await;
    dc.rotate_salts();
    assert!(state(&mut client).await.is_ok());
    dc.announce_new_sessions();
    assert!(state(&mut client).await.is_ok());
    assert!(client.gaps >= 1, "new_session_created reaches the client");
}

#[tokio::test]
async fn a_dropped_connection_loses_no_request() {
    let (dc, mut client) = setup().await;
    dc.set_faults(Faults {
        drop_after_requests: Some(2),
        ..Faults::default()
    });
    for _ in 0..6 {
        assert!(state(&mut client).await.is_ok());
    }
    assert!(client.reconnects >= 2, "{} reconnects", client.reconnects);
}

#[tokio::test]
async fn delayed_answers_and_a_skewed_clock() {
    let (dc, mut client) = setup().await;
    dc.set_faults(Faults {
        delay: Duration::from_millis(300),
        ..Faults::default()
    });
    let started = std::time::Instant::now();
    assert!(state(&mut client).await.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(300));
    dc.set_faults(Faults {
        time_skew: 3600,
        ..Faults::default()
    });
    // A fresh connection learns the server's time in the key exchange.
    let mut fresh = Client::connect(
        dc.address(2).unwrap(),
        2,
        dc.public_key(),
        Kind::Full,
        false,
        None,
        9,
    )
    .await;
    assert!(fresh.invoke(&functions::help::GetConfig {}).await.is_ok());
    // The old one is told its clock is off and corrects it.
    assert!(state(&mut client).await.is_ok());
}

#[tokio::test]
async fn migrations_are_injected_on_any_method_even_one_not_implemented() {
    let (dc, mut client) = setup().await;
    let get_file = functions::upload::GetFile {
        precise: false,
        cdn_supported: false,
        location: enums::InputFileLocation::InputDocumentFileLocation(
            types::InputDocumentFileLocation {
                id: 1,
                access_hash: 2,
                file_reference: Vec::new().into(),
                thumb_size: String::new(),
            },
        ),
        offset: 0,
        limit: 4096,
    };
    let stats = functions::stats::GetBroadcastStats {
        dark: false,
        channel: enums::InputChannel::Empty,
    };
    dc.inject_error("upload.getFile", RpcError::new(303, "FILE_MIGRATE_3"), 1);
    dc.inject_error("help.getConfig", RpcError::new(303, "NETWORK_MIGRATE_1"), 1);
    dc.inject_error(
        "stats.getBroadcastStats",
        RpcError::new(303, "STATS_MIGRATE_4"),
        1,
    );
    let err = client.invoke(&get_file).await.unwrap_err();
    assert_eq!(
        (err.code, err.name.as_str(), err.value),
        (303, "FILE_MIGRATE", Some(3))
    );
    let err = client
        .invoke(&functions::help::GetConfig {})
        .await
        .unwrap_err();
    assert_eq!(
        (err.code, err.name.as_str(), err.value),
        (303, "NETWORK_MIGRATE", Some(1))
    );
    let err = client.invoke(&stats).await.unwrap_err();
    assert_eq!(
        (err.code, err.name.as_str(), err.value),
        (303, "STATS_MIGRATE", Some(4))
    );
    // Each fired once; then the methods run as usual.
    assert_ne!(client.invoke(&get_file).await.unwrap_err().code, 303);
    assert!(client.invoke(&functions::help::GetConfig {}).await.is_ok());
    assert_eq!(
        client.invoke(&stats).await.unwrap_err(),
        RpcError::new(400, "METHOD_NOT_IMPLEMENTED_IN_TEST_DC")
    );
}
