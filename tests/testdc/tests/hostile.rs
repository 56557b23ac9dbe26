//! The test DC against hostile clients: deep wrapper nesting, huge vector counts, gzip
//! bombs, 10,000 sessions, half-open connections and garbage after a valid key exchange.
//! Most tests run the `oxigram-testdc` binary as a child process, so that an abort
//! would show as a dead process, and measure its resident memory (`VmRSS` in
//! `/proc/<pid>/status`) against the bound the README states ("Hostile clients").
//!
//! Connections per test stay below 256, well under the usual 1024 file descriptors:
//! the 10,000 sessions travel over 10 connections, 1,000 sessions each (a session is an
//! auth key and a session id, not a connection).

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::BytesMut;
use common::Client;
use oxigram_proto::crypto::message::{AuthKey, Sender};
use oxigram_proto::crypto::rsa::RsaPublicKey;
use oxigram_proto::random::SeededRandom;
use oxigram_proto::session::{RpcError, seal_into};
use oxigram_proto::transport::Kind;
use oxigram_testdc::{TestDc, TestDcConfig, pem};
use oxigram_tl::{Identifiable, RawObject, Serialize, functions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;

/// The resident memory the binary must stay under in every test here (MiB), as the
/// README states it.
const RSS_BOUND_MIB: u64 = 128;

const BOT: &str = "4242:hostile";
/// The DC the tests talk to: the one bots live on.
const DC: i32 = oxigram_testdc::HOME_DC;

/// The `oxigram-testdc` binary (three DCs, DC 2 used); killed on drop.
struct Binary {
    child: Child,
    address: SocketAddr,
    key: RsaPublicKey,
}

impl Binary {
    fn spawn() -> Binary {
        let mut child = Command::new(env!("CARGO_BIN_EXE_oxigram-testdc"))
            .args(["--seed", "11", "--bot", BOT])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the test DC binary starts");
        let stdout = child.stdout.take().expect("piped");
        let mut address = None;
        let mut pem = String::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("readable stdout");
            if let Some(rest) = line.strip_prefix(&format!("dc {DC} ")) {
                address = Some(rest.parse().expect("an address"));
            } else if line == "ready" {
                break;
            } else if !line.starts_with("dc ") && !line.starts_with("fingerprint ") {
                pem.push_str(&line);
                pem.push('\n');
            }
        }
        Binary {
            child,
            address: address.expect("the binary prints its address"),
            key: pem::public_key_from_pem(&pem).expect("the binary prints its key"),
        }
    }

    /// Resident memory now, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the process exists");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/<pid>/status")
    }

    /// Panics if the process died or uses more memory than the bound.
    fn check(&mut self, what: &str) {
        assert!(
            self.child.try_wait().expect("waitable").is_none(),
            "the test DC died after {what}"
        );
        let rss = self.rss_kib();
        println!("{what}: VmRSS {} MiB", rss / 1024);
        assert!(
            rss < RSS_BOUND_MIB * 1024,
            "{what}: VmRSS {rss} KiB over the bound of {RSS_BOUND_MIB} MiB"
        );
    }

    async fn client(&self, seed: u8) -> Client {
        keyed_client(self.address, &self.key, seed).await
    }
}

/// A client over the intermediate transport whose key exists (one request answered).
async fn keyed_client(address: SocketAddr, key: &RsaPublicKey, seed: u8) -> Client {
    let mut client = Client::connect(
        address,
        DC as i16,
        key,
        Kind::Intermediate,
        false,
        None,
        seed,
    )
    .await;
    client
        .invoke(&functions::help::GetNearestDc {})
        .await
        .unwrap();
    client
}

impl Drop for Binary {
    fn drop(&mut self) {
        // Nothing to act on if it already exited: the checks above report that.
        if let Err(e) = self.child.kill() {
            eprintln!("killing the test DC: {e}");
        }
        if let Err(e) = self.child.wait() {
            eprintln!("waiting for the test DC: {e}");
        }
    }
}

/// A connection speaking the intermediate transport by hand, with a key made by a
/// [`Client`]: it sends messages in any session it likes, and counts the frames that
/// come back without reading them.
struct Raw {
    writer: OwnedWriteHalf,
    frames: Arc<AtomicUsize>,
    key: AuthKey,
    salt: i64,
    random: SeededRandom,
    counter: i64,
}

impl Raw {
    async fn connect(address: SocketAddr, client: &Client, seed: u8) -> Raw {
        let auth = client.auth.as_ref().expect("a key was made");
        let stream = TcpStream::connect(address).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let (mut reader, mut writer) = stream.into_split();
        writer.write_all(&[0xee; 4]).await.unwrap();
        let frames = Arc::new(AtomicUsize::new(0));
        let counted = frames.clone();
        tokio::spawn(async move {
            let mut rx = BytesMut::new();
            while let Ok(n) = reader.read_buf(&mut rx).await {
                if n == 0 {
                    break;
                }
                while let Some(len) = rx.first_chunk::<4>().map(|l| u32::from_le_bytes(*l)) {
                    let len = len as usize;
                    if rx.len() < 4 + len {
                        break;
                    }
                    let _frame = rx.split_to(4 + len);
                    counted.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        Raw {
            writer,
            frames,
            key: auth.auth_key.clone(),
            salt: auth.first_salt,
            random: SeededRandom::new([seed; 32]),
            counter: 0,
        }
    }

    /// One message in `session_id`, sealed and framed.
    fn frame(&mut self, session_id: i64, body: &[u8]) -> BytesMut {
        self.counter += 1;
        let unix = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let msg_id = ((unix.as_secs() as i64) << 32) | (self.counter << 2);
        let mut packet = BytesMut::new();
        seal_into(
            &self.key,
            Sender::Client,
            (self.salt, session_id, msg_id, 1),
            &[body],
            &mut self.random,
            &mut packet,
        );
        let mut frame = BytesMut::from(&(packet.len() as u32).to_le_bytes()[..]);
        frame.extend_from_slice(&packet);
        frame
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
    }

    /// Waits (up to a generous minute, only to avoid hanging) until `count` frames came.
    async fn wait_frames(&self, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.frames.load(Ordering::SeqCst) < count {
            assert!(
                Instant::now() < deadline,
                "{} of {count} frames",
                self.frames.load(Ordering::SeqCst)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn ping(id: i64) -> Vec<u8> {
    oxigram_tl::mtproto::functions::Ping { ping_id: id }.to_bytes()
}

/// `query` inside `depth` `invokeWithoutUpdates` wrappers.
fn nested(depth: usize, query: &[u8]) -> Vec<u8> {
    let id = functions::InvokeWithoutUpdates::<RawObject>::CONSTRUCTOR_ID.to_le_bytes();
    let mut body = id.repeat(depth);
    body.extend_from_slice(query);
    body
}

/// Opens `sessions` sessions over `connections` connections with a key of `client`'s,
/// one ping each, and waits until every one was answered.
async fn open_sessions(
    address: SocketAddr,
    client: &Client,
    connections: usize,
    sessions: usize,
) -> Vec<Raw> {
    let mut raws = Vec::new();
    for c in 0..connections {
        let mut raw = Raw::connect(address, client, c as u8).await;
        let per = sessions / connections;
        let mut batch = BytesMut::new();
        for s in 0..per {
            let session_id = 1_000_000 + (c * per + s) as i64;
            batch.extend_from_slice(&raw.frame(session_id, &ping(s as i64)));
        }
        raw.send(&batch).await;
        raws.push(raw);
    }
    // Each new session answers its ping with at least one packet (new_session_created,
    // the pong and an acknowledgement, in one container or several).
    for raw in &raws {
        raw.wait_frames(sessions / connections).await;
    }
    raws
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_answers_ten_thousand_nested_wrappers_with_an_rpc_error() {
    let mut dc = Binary::spawn();
    let mut client = dc.client(1).await;
    let query = functions::help::GetNearestDc {}.to_bytes();
    for depth in [1_000, 10_000] {
        let answer = client.call_raw(nested(depth, &query)).await;
        assert_eq!(
            answer,
            Err(RpcError::new(400, "WRAPPERS_TOO_DEEP")),
            "{depth}"
        );
    }
    // The connection and the process live on.
    assert!(client.call_raw(nested(3, &query)).await.is_ok());
    assert_eq!(client.reconnects, 0);
    dc.check("10,000 nested wrappers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_holds_ten_thousand_idle_sessions_under_the_memory_bound() {
    let mut dc = Binary::spawn();
    let client = dc.client(2).await;
    let raws = open_sessions(dc.address, &client, 10, 10_000).await;
    dc.check("10,000 sessions");
    // Their connections go away; the sessions stay (until idle) and cost no more.
    drop(raws);
    let mut other = dc.client(3).await;
    other
        .invoke(&functions::help::GetNearestDc {})
        .await
        .unwrap();
    dc.check("10,000 idle sessions");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_vector_counts_and_gzip_bombs_cost_bounded_memory() {
    let mut dc = Binary::spawn();
    let mut client = dc.client(4).await;
    client.sign_in_bot(BOT).await;
    // users.getUsers with a vector claiming 2^31 - 1 elements and holding none.
    let mut huge = functions::users::GetUsers { id: vec![] }.to_bytes();
    huge.truncate(huge.len() - 4);
    huge.extend_from_slice(&i32::MAX.to_le_bytes());
    assert_eq!(
        client.call_raw(huge).await,
        Err(RpcError::new(400, "INPUT_REQUEST_INVALID"))
    );

    // gzip_packed requests unpacking to 15 MiB (under the 16 MiB cap per object, over
    // the 8 MiB budget per packet) and to 32 MiB (over both): each is refused with
    // 400 INPUT_REQUEST_TOO_LONG after at most 8 MiB unpacked.
    let mut raw = Raw::connect(dc.address, &client, 9).await;
    let zeros = vec![0u8; 1 << 20];
    for (i, mib) in [15, 32].into_iter().enumerate() {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        for _ in 0..mib {
            std::io::Write::write_all(&mut encoder, &zeros).unwrap();
        }
        let packed = oxigram_tl::mtproto::types::GzipPacked {
            packed_data: encoder.finish().unwrap().into(),
        }
        .to_bytes();
        let frame = raw.frame(77 + i as i64, &packed);
        raw.send(&frame).await;
    }
    // A ping after the bombs is still answered on the same connection.
    let before = raw.frames.load(Ordering::SeqCst);
    let frame = raw.frame(79, &ping(1));
    raw.send(&frame).await;
    raw.wait_frames(before + 1).await;
    dc.check("a gzip bomb and a huge vector count");
    assert!(
        client
            .invoke(&functions::help::GetNearestDc {})
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_connections_and_garbage_after_a_key_exchange_are_survived() {
    let mut dc = Binary::spawn();
    let mut client = dc.client(5).await;
    // 200 connections left half-open: silent, a transport marker only, half a frame
    // announcing a megabyte, half an obfuscated header.
    let mut open = Vec::new();
    for i in 0..200u32 {
        let mut stream = TcpStream::connect(dc.address).await.unwrap();
        match i % 4 {
            0 => {}
            1 => stream.write_all(&[0xee; 4]).await.unwrap(),
            2 => {
                stream.write_all(&[0xee; 4]).await.unwrap();
                stream.write_all(&(1u32 << 20).to_le_bytes()).await.unwrap();
                stream.write_all(&[0x5a; 1024]).await.unwrap();
            }
            _ => stream.write_all(&[0x42; 30]).await.unwrap(),
        }
        open.push(stream);
    }
    // Garbage on the connection that made a key: a frame of random words, then bytes
    // that do not frame at all. The server drops or closes; the client reconnects.
    let mut garbage = BytesMut::from(&(64u32).to_le_bytes()[..]);
    garbage.extend((0..64u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    garbage.extend_from_slice(&[0xff; 4096]);
    client.write_raw(&garbage).await;
    // The server answers -404 (unknown key) and closes; the key still works on a new
    // connection.
    let mut client = client.restart(15).await;
    assert!(
        client
            .invoke(&functions::help::GetNearestDc {})
            .await
            .is_ok()
    );
    // A message under the real key with a broken envelope is dropped; the connection
    // still serves the next one.
    let mut raw = Raw::connect(dc.address, &client, 6).await;
    let mut broken = raw.frame(5, &ping(1));
    let last = broken.len() - 1;
    broken[last] ^= 0xff;
    raw.send(&broken).await;
    let frame = raw.frame(5, &ping(2));
    raw.send(&frame).await;
    raw.wait_frames(1).await;
    dc.check("200 half-open connections and garbage");
    drop(open);
    assert!(
        client
            .invoke(&functions::help::GetNearestDc {})
            .await
            .is_ok()
    );
    dc.check("closing them");
}

/// In process, to read the server's counters: an update to one account does not walk
/// the 10,000 sessions of another key, and a jump of the server clock past the idle
/// time forgets idle sessions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_follow_the_recipients_sessions_and_idle_sessions_are_forgotten() {
    let dc = TestDc::start(TestDcConfig::default()).await.unwrap();
    dc.create_bot(BOT, "hostile_bot");
    let address = dc.address(DC).unwrap();
    let crowd = keyed_client(address, dc.public_key(), 7).await;
    let raws = open_sessions(address, &crowd, 4, 10_000).await;
    let mut bot = Client::connect(
        address,
        DC as i16,
        dc.public_key(),
        Kind::Intermediate,
        false,
        None,
        8,
    )
    .await;
    let bot_id = bot.sign_in_bot(BOT).await;
    let sender = dc.create_user("15550001", "Sender");
    assert!(dc.session_count() >= 10_002);

    let before = dc.sessions_visited();
    dc.send_message(sender, bot_id, "hello");
    let (constructor_id, body) = bot.next_update().await;
    assert_eq!(
        oxigram_testdc::pushed_message_text(constructor_id, &body).as_deref(),
        Some("hello")
    );
    let visited = dc.sessions_visited() - before;
    // The bot's one session, found by its key and sent on its connection; not the
    // 10,000 sessions of the other key.
    assert!(visited <= 4, "{visited} session slots visited for one push");

    // An hour later by the server's clock, every session is idle and forgotten.
    drop(raws);
    dc.set_faults(oxigram_testdc::Faults {
        time_skew: 3600,
        ..Default::default()
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while dc.session_count() > 0 {
        assert!(Instant::now() < deadline, "{} sessions", dc.session_count());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Connections beyond `max_connections` are closed at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_limit_are_closed_at_once() {
    let dc = TestDc::start(TestDcConfig {
        max_connections: 8,
        stall_timeout: Duration::from_secs(3600),
        ..TestDcConfig::default()
    })
    .await
    .unwrap();
    let address = dc.address(DC).unwrap();
    let mut streams = Vec::new();
    for _ in 0..12 {
        streams.push(TcpStream::connect(address).await.unwrap());
    }
    // Accepted in order: the first 8 stay, the other 4 end (a generous wait, only to
    // avoid hanging).
    for stream in &mut streams[8..] {
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut byte))
            .await
            .expect("the connection beyond the limit is closed");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    }
    assert_eq!(dc.connection_count(), 8);
}

/// Half-open connections (silent from the start, or stopped inside a frame) are closed
/// after the stall timeout; a client between frames is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_connections_are_closed_and_quiet_clients_are_not() {
    let dc = TestDc::start(TestDcConfig {
        stall_timeout: Duration::from_millis(500),
        ..TestDcConfig::default()
    })
    .await
    .unwrap();
    let address = dc.address(DC).unwrap();
    let mut client = keyed_client(address, dc.public_key(), 21).await;
    let mut stalled = Vec::new();
    for i in 0..6u32 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        if i % 2 == 1 {
            stream.write_all(&[0xee; 4]).await.unwrap();
            stream.write_all(&(4096u32).to_le_bytes()).await.unwrap();
            stream.write_all(&[1; 100]).await.unwrap();
        }
        stalled.push(stream);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while dc.connection_count() > 1 {
        assert!(
            Instant::now() < deadline,
            "{} connections",
            dc.connection_count()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    client
        .invoke(&functions::help::GetNearestDc {})
        .await
        .unwrap();
    assert_eq!(client.reconnects, 0);
}
