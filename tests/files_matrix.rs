//! Files up and down on every runtime (tokio, async-std, smol, blocking sockets): every
//! size around the part and big-file limits byte for byte, parts in parallel and one at
//! a time; uploads and downloads dropped mid-way (nothing left behind, the client still
//! usable); a range streamed across a part boundary. The 300 MiB round trip runs on
//! tokio alone, and on every runtime with `OXIGRAM_BIG_FILES=1`.

use std::future::IntoFuture;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_util::TryStreamExt;
use futures_util::future::{Either, select};
use futures_util::io::AsyncRead;
use oxigram::files::{FileError, FileSource};
use oxigram::{Client, Error, Message};
use oxigram_conformance::Env;

#[macro_use]
mod support;

use support::{On, signed_in_user};

on_every_runtime!(
    every_size_comes_back_whole,
    every_size_comes_back_whole_one_part_at_a_time,
    cancelled_transfers_leave_nothing_behind,
    a_range_stream_crosses_part_boundaries,
    big_files_when_asked,
);

/// 300 MiB up and down on tokio in every run; on the other runtimes with this set.
const BIG_FILES: &str = "OXIGRAM_BIG_FILES";

const KIB: u64 = 1 << 10;
const MIB: u64 = 1 << 20;

/// The sizes around the 512 KiB upload part and the 10 MiB big-file line (0 B is
/// refused before anything is sent: Telegram takes no empty files).
const SIZES: [u64; 8] = [
    0,
    1,
    512 * KIB - 1,
    512 * KIB,
    512 * KIB + 1,
    10 * MIB - 1,
    10 * MIB,
    10 * MIB + 1,
];

/// The byte at `offset` of the file seeded `seed`: a multiplicative hash of the offset,
/// so no two nearby parts are alike and a part sent twice or out of place shows.
fn byte_at(seed: u8, offset: u64) -> u8 {
    let mixed = (offset ^ (offset >> 20)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (mixed >> 56) as u8 ^ seed
}

fn pattern(seed: u8, start: u64, end: u64) -> Vec<u8> {
    (start..end).map(|offset| byte_at(seed, offset)).collect()
}

/// `size` bytes of the pattern, made as they are read (so a 300 MiB file is never in
/// memory); sets `dropped` when the upload lets go of it.
struct PatternReader {
    seed: u8,
    offset: u64,
    size: u64,
    /// Where the reader stalls for good (a disk that stopped answering).
    stall_at: Option<u64>,
    dropped: Arc<AtomicBool>,
}

impl PatternReader {
    fn source(name: &str, seed: u8, size: u64) -> (FileSource, Arc<AtomicBool>) {
        PatternReader::stalling(name, seed, size, None)
    }

    fn stalling(
        name: &str,
        seed: u8,
        size: u64,
        stall_at: Option<u64>,
    ) -> (FileSource, Arc<AtomicBool>) {
        let dropped = Arc::new(AtomicBool::new(false));
        let reader = PatternReader {
            seed,
            offset: 0,
            size,
            stall_at,
            dropped: Arc::clone(&dropped),
        };
        (FileSource::reader(name, size, reader), dropped)
    }
}

impl AsyncRead for PatternReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.stall_at.is_some_and(|at| self.offset >= at) {
            // Never ready again: the upload can only be dropped.
            return Poll::Pending;
        }
        let end = self.stall_at.unwrap_or(self.size).min(self.size);
        let n = (end - self.offset).min(buf.len() as u64) as usize;
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = byte_at(self.seed, self.offset + i as u64);
        }
        self.offset += n as u64;
        Poll::Ready(Ok(n))
    }
}

impl Drop for PatternReader {
    fn drop(&mut self) {
        self.dropped.store(true, Ordering::SeqCst);
    }
}

/// A user of the test DC, who sends files to the suite's bot.
async fn sender(on: On, env: &Env) -> Client {
    signed_in_user(on, env, "9996622001", None).await.0
}

/// Sends `size` bytes of the pattern seeded `seed` as a document, `parallel` parts at a
/// time (the default when `None`).
async fn send(client: &Client, seed: u8, size: u64, parallel: Option<usize>) -> Message {
    let (source, _) = PatternReader::source("pattern.bin", seed, size);
    let sending = client.send_document("@conformance_bot", source);
    let sending = match parallel {
        Some(n) => sending.parallel(n),
        None => sending,
    };
    sending
        .await
        .unwrap_or_else(|e| panic!("{size} bytes: {e}"))
}

/// Checks a download chunk by chunk against the pattern (nothing is held but a chunk);
/// the bytes received.
async fn check_stream(
    mut chunks: oxigram::files::Chunks,
    seed: u8,
    mut offset: u64,
    end: u64,
) -> u64 {
    let start = offset;
    while let Some(chunk) = chunks.try_next().await.unwrap() {
        assert!(offset + chunk.len() as u64 <= end, "past {end}");
        for (i, &b) in chunk.iter().enumerate() {
            let at = offset + i as u64;
            assert_eq!(b, byte_at(seed, at), "byte {at}");
        }
        offset += chunk.len() as u64;
    }
    offset - start
}

async fn every_size(on: On, env: &Env, parallel: Option<usize>) {
    let client = sender(on, env).await;
    for (seed, size) in SIZES.into_iter().enumerate() {
        let seed = seed as u8;
        if size == 0 {
            let (source, _) = PatternReader::source("empty.bin", seed, 0);
            let empty = client.send_document("@conformance_bot", source).await;
            assert!(
                matches!(empty, Err(Error::File(FileError::Empty))),
                "{empty:?}"
            );
            let (source, _) = PatternReader::source("empty.bin", seed, 0);
            let empty = client.save_file(source).await;
            assert!(
                matches!(empty, Err(Error::File(FileError::Empty))),
                "{empty:?}"
            );
            continue;
        }
        let message = send(&client, seed, size, parallel).await;
        let download = client.download_media(&message);
        let download = match parallel {
            Some(n) => download.parallel(n),
            None => download,
        };
        let got = download.await.unwrap();
        assert_eq!(got.len() as u64, size);
        assert!(got == pattern(seed, 0, size), "{size} bytes differ");
        // No bytes: an empty range at the end (the 0 B download).
        let none = client.download_media(&message).range(size..).await.unwrap();
        assert!(none.is_empty(), "{size}: {} bytes", none.len());
    }
    client.stop().await.unwrap();
}

async fn every_size_comes_back_whole(on: On, env: Arc<Env>) {
    every_size(on, &env, None).await;
}

async fn every_size_comes_back_whole_one_part_at_a_time(on: On, env: Arc<Env>) {
    every_size(on, &env, Some(1)).await;
}

/// A progress callback that fires `first` at its first report.
fn first_report() -> (
    impl Fn(u64, u64) + Send + Sync + 'static,
    futures_channel::oneshot::Receiver<()>,
) {
    let (tx, rx) = futures_channel::oneshot::channel();
    let tx = Mutex::new(Some(tx));
    let report = move |_, _| {
        if let Some(tx) = tx.lock().unwrap().take() {
            // The receiver is gone only if the transfer already ended.
            match tx.send(()) {
                Ok(()) | Err(()) => {}
            }
        }
    };
    (report, rx)
}

/// Entries of a directory.
fn entries(dir: &std::path::Path) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect()
}

async fn cancelled_transfers_leave_nothing_behind(on: On, env: Arc<Env>) {
    let client = sender(on, &env).await;
    let size = 10 * MIB + 1;

    // An upload dropped after its first part: its reader is let go at once. On blocking
    // sockets each request blocks until answered, so an upload pauses only where its
    // source does: there the source stalls after two parts.
    let blocking = matches!(on, On::Blocking);
    let stall_at = blocking.then_some(MIB);
    let (source, dropped) = PatternReader::stalling("cancelled.bin", 1, size, stall_at);
    let (report, first) = first_report();
    let upload = client.save_file(source).parallel(2).progress(report);
    match select(upload.into_future(), first).await {
        Either::Left((done, _)) => panic!("the upload ended first: {done:?}"),
        Either::Right((first, upload)) => {
            first.unwrap();
            drop(upload);
        }
    }
    assert!(dropped.load(Ordering::SeqCst), "the reader is still held");

    // The client goes on: a file up and down whole.
    let message = send(&client, 2, size, None).await;

    // A download to a file dropped after its first part: its temporary file goes. (On
    // blocking sockets a download to a file never pauses, so it cannot be dropped
    // mid-way; its stream can, below.)
    let dir = tempfile::tempdir().unwrap();
    if !blocking {
        download_to_path_dropped(&client, &message, dir.path()).await;
    }

    // A stream dropped after its first chunk.
    let mut chunks = client.download_media(&message).stream().unwrap();
    let chunk = chunks.try_next().await.unwrap().unwrap();
    assert_eq!(chunk.len() as u64, MIB);
    drop(chunks);

    // And the client still downloads the whole file, to the same place.
    let path = client
        .download_media(&message)
        .to_path(dir.path().join("whole.bin"))
        .await
        .unwrap();
    assert!(std::fs::read(&path).unwrap() == pattern(2, 0, size));
    assert_eq!(entries(dir.path()), ["whole.bin"]);
    client.stop().await.unwrap();
}

/// Drops a download to a file in `dir` after its first part, and waits until its
/// temporary file is gone.
async fn download_to_path_dropped(client: &Client, message: &Message, dir: &std::path::Path) {
    let (report, first) = first_report();
    let download = client
        .download_media(message)
        .parallel(2)
        .progress(report)
        .to_path(dir.join("cancelled.bin"));
    match select(Box::pin(download), first).await {
        Either::Left((done, _)) => panic!("the download ended first: {done:?}"),
        Either::Right((first, download)) => {
            first.unwrap();
            drop(download);
        }
    }
    // The writing thread removes the temporary file once it sees the download gone
    // (the scenario's time limit bounds the wait).
    while !entries(dir).is_empty() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

async fn a_range_stream_crosses_part_boundaries(on: On, env: Arc<Env>) {
    let client = sender(on, &env).await;
    let size = 3 * MIB + 5;
    let message = send(&client, 3, size, None).await;
    // (start, end, the chunks' lengths): across one boundary, across two, ending on
    // one, starting on one, inside one part, and the file's tail.
    let cases: [(u64, u64, &[u64]); 6] = [
        (MIB - 10, MIB + 10, &[10, 10]),
        (MIB - 1, 3 * MIB + 1, &[1, MIB, MIB, 1]),
        (100, 2 * MIB, &[MIB - 100, MIB]),
        (MIB, MIB + 4096, &[4096]),
        (MIB + 7, MIB + 9, &[2]),
        (3 * MIB - 3, size, &[3, 5]),
    ];
    for (start, end, lengths) in cases {
        for parallel in [1, 3] {
            let chunks = client
                .download_media(&message)
                .range(start..end)
                .parallel(parallel)
                .stream()
                .unwrap();
            let lengths_got: Vec<u64> = chunks
                .map_ok(|c| c.len() as u64)
                .try_collect()
                .await
                .unwrap();
            assert_eq!(lengths_got, lengths, "{start}..{end}");
            let chunks = client
                .download_media(&message)
                .range(start..end)
                .parallel(parallel)
                .stream()
                .unwrap();
            assert_eq!(check_stream(chunks, 3, start, end).await, end - start);
        }
    }
    client.stop().await.unwrap();
}

/// 300 MiB up from a reader and down as a stream, each byte checked, nothing held.
async fn big_files_when_asked(on: On, env: Arc<Env>) {
    if !matches!(on, On::Tokio) && std::env::var_os(BIG_FILES).is_none() {
        return;
    }
    env.dc.set_max_file(BIG as usize);
    let client = sender(on, &env).await;
    let message = send(&client, 4, BIG, Some(8)).await;
    let chunks = client
        .download_media(&message)
        .parallel(8)
        .stream()
        .unwrap();
    assert_eq!(check_stream(chunks, 4, 0, BIG).await, BIG);
    client.stop().await.unwrap();
}

/// The big file's size.
const BIG: u64 = 300 * MIB;
