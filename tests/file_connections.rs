//! File transfers over several connections per DC, on every runtime: the parts of one
//! upload and one download spread over `file_connections` distinct connections and
//! MTProto sessions (uploads to the home DC's address, downloads to the file DC's
//! media-only address, which the test DC serves on a listener of its own), the bytes
//! unchanged; later transfers reuse those connections (no new connection, no second
//! import of the authorization); with one connection, every part goes over one; with
//! every connection closed by the server after two requests, the parts still arrive.

use std::sync::Arc;

use oxigram::client::SignIn;
use oxigram::files::FileSource;
use oxigram::{Client, Message};
use oxigram_conformance::Env;
use oxigram_testdc::Faults;

#[macro_use]
mod support;

use support::On;

on_every_runtime!(
    parts_spread_over_the_file_connections,
    one_file_connection_carries_every_part,
    connections_closed_mid_transfer_lose_no_part,
);

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;

/// The DC of the test number below: uploads go there.
const HOME: i32 = 1;
/// Where the test DC keeps every file: downloads go there (another DC than home, so the
/// authorization is imported there).
const FILES: i32 = 2;

/// `size` bytes where each 4 KiB block starts with its own index (a part sent twice,
/// lost or out of place shows).
fn content(seed: u8, size: usize) -> Vec<u8> {
    (0..size)
        .map(|i| {
            let block = (i / (4 * KIB)) as u32;
            match i % (4 * KIB) {
                at @ 0..4 => block.to_le_bytes()[at],
                at => (at as u8).wrapping_mul(31) ^ seed,
            }
        })
        .collect()
}

/// A user of DC 1 signed in on a client with `connections` file connections.
async fn user(on: On, env: &Env, connections: usize) -> Client {
    let phone = "9996612001";
    env.dc.create_user(phone, "Someone");
    let client = on
        .builder(env, phone)
        .file_connections(connections)
        .build()
        .await
        .unwrap();
    let sent = client.send_code(phone).await.unwrap();
    match client.sign_in(&sent, "11111").await.unwrap() {
        SignIn::Done(_) => {}
        other => panic!("{other:?}"),
    }
    client
}

async fn send(client: &Client, bytes: &[u8]) -> Message {
    let source = FileSource::bytes("parts.bin", bytes.to_vec());
    client
        .send_document("@conformance_bot", source)
        .parallel(4)
        .await
        .unwrap()
}

async fn download(client: &Client, message: &Message) -> Vec<u8> {
    client.download_media(message).parallel(4).await.unwrap()
}

/// Who carried `method` on DC `dc`'s address (`media`: its media-only address).
fn served(env: &Env, dc: i32, media: bool, method: &str) -> oxigram_testdc::Served {
    let address = match media {
        true => env.dc.media_address(dc),
        false => env.dc.address(dc),
    };
    env.dc.served(address.unwrap(), method)
}

async fn parts_spread_over_the_file_connections(on: On, env: Arc<Env>) {
    let client = user(on, &env, 3).await;
    // 11 upload parts of 512 KiB, 6 download parts of 1 MiB.
    let bytes = content(1, 5 * MIB + 123);
    let message = send(&client, &bytes).await;
    let up = served(&env, HOME, false, "upload.saveFilePart");
    assert_eq!((up.calls, up.connections, up.sessions), (11, 3, 3));
    assert_eq!(served(&env, HOME, true, "upload.saveFilePart").calls, 0);
    assert!(
        download(&client, &message).await == bytes,
        "the download differs"
    );
    let down = served(&env, FILES, true, "upload.getFile");
    assert_eq!((down.calls, down.connections, down.sessions), (6, 3, 3));
    assert_eq!(served(&env, FILES, false, "upload.getFile").calls, 0);
    assert_eq!(env.dc.calls("auth.importAuthorization"), 1);

    // Again, a big file up (upload.saveBigFilePart) and the first one down: the same
    // connections, no new one, no second import.
    let accepted = env.dc.connections_accepted();
    let big = content(2, 10 * MIB + 1);
    send(&client, &big).await;
    let up = served(&env, HOME, false, "upload.saveBigFilePart");
    assert_eq!((up.calls, up.connections, up.sessions), (21, 3, 3));
    assert!(
        download(&client, &message).await == bytes,
        "the download differs"
    );
    let down = served(&env, FILES, true, "upload.getFile");
    assert_eq!((down.calls, down.connections, down.sessions), (12, 3, 3));
    assert_eq!(env.dc.connections_accepted(), accepted);
    assert_eq!(env.dc.calls("auth.importAuthorization"), 1);
    client.stop().await.unwrap();
}

async fn one_file_connection_carries_every_part(on: On, env: Arc<Env>) {
    let client = user(on, &env, 1).await;
    let bytes = content(3, 3 * MIB + 1);
    let message = send(&client, &bytes).await;
    let up = served(&env, HOME, false, "upload.saveFilePart");
    assert_eq!((up.calls, up.connections, up.sessions), (7, 1, 1));
    assert!(
        download(&client, &message).await == bytes,
        "the download differs"
    );
    let down = served(&env, FILES, true, "upload.getFile");
    assert_eq!((down.calls, down.connections, down.sessions), (4, 1, 1));
    assert_eq!(served(&env, FILES, false, "upload.getFile").calls, 0);
    assert_eq!(env.dc.calls("auth.importAuthorization"), 1);
    client.stop().await.unwrap();
}

async fn connections_closed_mid_transfer_lose_no_part(on: On, env: Arc<Env>) {
    let client = user(on, &env, 3).await;
    let bytes = content(4, 5 * MIB + 7);
    let accepted = env.dc.connections_accepted();
    env.dc.set_faults(Faults {
        drop_after_requests: Some(2),
        ..Faults::default()
    });
    let message = send(&client, &bytes).await;
    assert!(
        download(&client, &message).await == bytes,
        "the download differs"
    );
    env.dc.set_faults(Faults::default());
    // 11 parts up and 6 down over 3 connections each, two requests a connection.
    assert!(
        env.dc.connections_accepted() >= accepted + 8,
        "the connections were not closed and opened again"
    );
    let up = served(&env, HOME, false, "upload.saveFilePart");
    assert!(up.calls >= 11 && up.connections >= 6, "{up:?}");
    client.stop().await.unwrap();
}
