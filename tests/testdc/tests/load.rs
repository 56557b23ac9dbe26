//! The test DC under hostile connections and under load.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{Client, user_ref};
use oxigram_proto::transport::Kind;
use oxigram_testdc::send_message_request as send_message;
use oxigram_testdc::{TestDc, TestDcConfig};
use oxigram_tl::{enums, functions, types};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const BOT_TOKEN: &str = "7000002:load-token";

/// A seeded byte stream for the garbage (xorshift; the content does not matter, only
/// that a failure replays).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_bad_connections_leave_the_others_served() {
    let dc = TestDc::start(TestDcConfig::default()).await.unwrap();
    let address = dc.address(2).unwrap();
    let mut good = Client::connect(
        address,
        2,
        dc.public_key(),
        Kind::Intermediate,
        false,
        None,
        1,
    )
    .await;
    good.invoke(&functions::help::GetConfig {}).await.unwrap();
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    for i in 0..1000 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        let bytes = match i % 4 {
            // Garbage from the first byte.
            0 => {
                let n = 1 + (noise.next() % 300) as usize;
                noise.bytes(n)
            }
            // A valid tag, then a frame cut short.
            1 => {
                let mut b = vec![0xee; 4];
                b.extend_from_slice(&400u32.to_le_bytes());
                b.extend(noise.bytes(100));
                b
            }
            // A whole frame under an auth key the server does not know.
            2 => {
                let mut b = vec![0xef, 0x0a];
                b.extend(noise.bytes(40));
                b
            }
            // A frame whose length is absurd.
            _ => {
                let mut b = vec![0xee; 4];
                b.extend_from_slice(&0x7fff_fff0u32.to_le_bytes());
                b
            }
        };
        let _ = stream.write_all(&bytes).await;
        drop(stream);
    }
    // The good client is still served, and the bad connections are gone.
    let enums::Config::Config(config) = good.invoke(&functions::help::GetConfig {}).await.unwrap();
    assert_eq!(config.this_dc, 2);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while dc.connection_count() > 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "{} connections left",
            dc.connection_count()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_connections_send_a_hundred_messages_each() {
    const CONNECTIONS: usize = 200;
    const MESSAGES: usize = 100;
    let dc = TestDc::start(TestDcConfig {
        seed: 9,
        ..TestDcConfig::default()
    })
    .await
    .unwrap();
    dc.create_bot(BOT_TOKEN, "load_bot");
    let target = dc.create_user("9996625555", "Target");
    let address = dc.address(2).unwrap();
    let key = dc.public_key().clone();
    let started = std::time::Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|c| {
            let key = key.clone();
            tokio::spawn(async move {
                let mut client =
                    Client::connect(address, 2, &key, Kind::Intermediate, false, None, c as u8)
                        .await;
                client.sign_in_bot(BOT_TOKEN).await;
                let users = client
                    .invoke(&functions::users::GetUsers {
                        id: vec![enums::InputUser::InputUser(types::InputUser {
                            user_id: target,
                            access_hash: 0,
                        })],
                    })
                    .await
                    .unwrap();
                // The access hash is not known to a bot that never met the user: found
                // through a message instead.
                assert!(users.is_empty());
                client
            })
        })
        .collect();
    let mut clients = Vec::new();
    for t in tasks {
        clients.push(t.await.unwrap());
    }
    // The target writes to the bot once, so the bot learns its access hash.
    let mut target_client =
        Client::connect(address, 2, &key, Kind::Intermediate, false, None, 250).await;
    let auth = target_client.sign_in_user("9996625555").await.unwrap();
    let enums::auth::Authorization::Authorization(auth) = auth else {
        panic!("sign-up required");
    };
    let (_, access_hash) = user_ref(&auth.user);
    let peer = enums::InputPeer::User(types::InputPeerUser {
        user_id: target,
        access_hash,
    });
    let handshakes = started.elapsed();
    let started = std::time::Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(c, mut client)| {
            let peer = peer.clone();
            tokio::spawn(async move {
                for m in 0..MESSAGES {
                    let text = format!("c{c}-m{m}");
                    client
                        .invoke(&send_message(
                            peer.clone(),
                            &text,
                            (c * MESSAGES + m) as i64,
                        ))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed();
    let received = dc.received(target);
    let texts: BTreeSet<String> = received.iter().map(|m| m.text.clone()).collect();
    assert_eq!(
        received.len(),
        CONNECTIONS * MESSAGES,
        "lost or duplicated messages"
    );
    assert_eq!(texts.len(), CONNECTIONS * MESSAGES, "duplicated messages");
    println!(
        "{CONNECTIONS} connections: handshakes and sign-in in {handshakes:?}; {} sendMessage \
         round trips in {elapsed:?} ({:.0}/s)",
        CONNECTIONS * MESSAGES,
        (CONNECTIONS * MESSAGES) as f64 / elapsed.as_secs_f64()
    );
}
