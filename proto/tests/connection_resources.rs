//! What a client `Connection` costs in allocations and memory, measured with a counting
//! global allocator on a client–server pair in memory.
//!
//! Only the client's calls are counted (a thread-local switch is on around them); the
//! server's work is not.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use oxigram_proto::connection::server::{Server, ServerConfig, ServerOutput};
use oxigram_proto::connection::{Connection, ConnectionConfig, Now};
use oxigram_proto::crypto::message::AuthKey;
use oxigram_proto::handshake::AuthKeyOutcome;
use oxigram_proto::session::{Event, ServerSessionConfig};

mod common;

struct Counting;

// Per thread, so that tests running side by side do not count each other.
thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    /// Reallocations made while counting: a buffer growing.
    static REALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    /// Bytes allocated on this thread minus bytes freed on it.
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn counting() -> bool {
    COUNTING.try_with(|c| c.get()).unwrap_or(false)
}

fn bump<T: Copy + std::ops::Add<Output = T>>(cell: &'static std::thread::LocalKey<Cell<T>>, by: T) {
    // Fails only while the thread exits and its counters are gone: what it frees then is
    // measured by no one, and an allocator cannot report it.
    cell.try_with(|c| c.set(c.get() + by)).unwrap_or(());
}

fn read<T: Copy>(cell: &'static std::thread::LocalKey<Cell<T>>) -> T {
    cell.with(|c| c.get())
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counting() {
            bump(&ALLOCATIONS, 1);
        }
        bump(&LIVE, layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        bump(&LIVE, -(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if counting() {
            bump(&ALLOCATIONS, 1);
            bump(&REALLOCATIONS, 1);
        }
        bump(&LIVE, new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` with its allocations counted.
fn counted<T>(f: impl FnOnce() -> T) -> T {
    COUNTING.with(|c| c.set(true));
    let out = f();
    COUNTING.with(|c| c.set(false));
    out
}

struct Pair {
    base: Instant,
    t: Duration,
    client: Option<Connection>,
    server: Server,
    conn: oxigram_proto::connection::server::ConnId,
    tx: BytesMut,
    rx: BytesMut,
    answer: Bytes,
}

impl Pair {
    fn new() -> Self {
        let key = AuthKey::new(std::array::from_fn(|i| (i * 13 + 1) as u8));
        let mut server = Server::new(ServerConfig {
            key: common::server_key::server_key(),
            dc: Some(2),
            seed: [2; 32].into(),
            session: ServerSessionConfig::default(),
            proxy_secret: None,
            max_frame: oxigram_proto::transport::SERVER_MAX_PAYLOAD,
        });
        server.add_key(key.clone());
        let conn = server.accept();
        let base = Instant::now();
        let saved = AuthKeyOutcome {
            auth_key: key,
            time_offset: 0,
            first_salt: 0,
            expires_at: None,
        };
        let now = Now {
            mono: base,
            unix: Duration::from_secs(1_700_000_000),
        };
        let client = Connection::new(ConnectionConfig::new(2, [3; 32]), Some(&saved), now);
        Pair {
            base,
            t: Duration::ZERO,
            client: Some(client),
            server,
            conn,
            tx: BytesMut::with_capacity(4096),
            rx: BytesMut::with_capacity(4096),
            answer: Bytes::from_static(&[0x7e, 0xe7, 0, 2, 1, 2, 3, 4]),
        }
    }

    fn now(&self) -> Now {
        Now {
            mono: self.base + self.t,
            unix: Duration::from_secs(1_700_000_000) + self.t,
        }
    }

    /// Carries what the client sent to the server, lets it answer every request with
    /// `self.answer`, and carries the answer back (into `self.rx`, not yet handled).
    fn serve(&mut self) {
        let unix = self.now().unix;
        self.server
            .handle_input(self.conn, unix, &mut self.tx)
            .unwrap();
        while let Some(out) = self.server.poll_event() {
            if let ServerOutput::Request {
                session, msg_id, ..
            } = out
            {
                let answer = self.answer.clone();
                self.server.respond(session, msg_id, Ok(&answer));
            }
        }
        self.server.poll_transmit(self.conn, unix, &mut self.rx);
    }

    /// One round trip of one small request; returns the client's allocations.
    fn round_trip(&mut self, body: &Bytes) -> usize {
        self.t += Duration::from_millis(10);
        let now = self.now();
        let before = read(&ALLOCATIONS);
        let client = self.client.as_mut().expect("a client");
        let tx = &mut self.tx;
        let id = counted(|| {
            let id = client.request(body.clone());
            while client.poll_transmit(now, tx) > 0 {}
            id
        });
        // The first round trips also learn the salt: a few exchanges may be needed.
        let mut answered = false;
        for _ in 0..4 {
            self.serve();
            let client = self.client.as_mut().expect("a client");
            let (tx, rx) = (&mut self.tx, &mut self.rx);
            answered = counted(|| {
                client.handle_input(now, rx).unwrap();
                client.handle_timeout(now);
                while client.poll_transmit(now, tx) > 0 {}
                let mut answered = false;
                while let Some(event) = client.poll_event() {
                    if let Event::Response { id: got, result } = event {
                        assert_eq!(got, id);
                        assert!(result.is_ok());
                        answered = true;
                    }
                }
                answered
            });
            if answered {
                break;
            }
        }
        assert!(answered, "no answer");
        // Acks the client sent go to the server too.
        self.serve();
        read(&ALLOCATIONS) - before
    }
}

const SMALL: &[u8] = &[0x7e, 0xe7, 0, 1, 9, 9, 9, 9];

#[test]
fn a_steady_state_round_trip_allocates_little() {
    let mut pair = Pair::new();
    let body = Bytes::from_static(SMALL);
    for _ in 0..200 {
        pair.round_trip(&body);
    }
    let reallocations = read(&REALLOCATIONS);
    let rounds = 1000;
    let total: usize = (0..rounds).map(|_| pair.round_trip(&body)).sum();
    println!("{total} allocations in {rounds} round trips of a small request");
    // What proto/README.md states: none at all once warm.
    assert_eq!(total, 0, "allocations in {rounds} steady-state round trips");
    assert_eq!(
        read(&REALLOCATIONS),
        reallocations,
        "a buffer grew after warm-up"
    );
}

#[test]
fn an_idle_connection_is_small_and_a_large_answer_does_not_stay() {
    let live = || read(&LIVE);
    let before = live();
    let fresh = Connection::new(ConnectionConfig::new(2, [4; 32]), None, Pair::new().now());
    let fresh_size = live() - before;
    drop(fresh);
    // The bounds proto/README.md states (it measures about 2, 7.5 and 12 KiB).
    assert!(
        fresh_size <= 4 << 10,
        "a new connection holds {fresh_size} bytes"
    );

    let mut pair = Pair::new();
    let body = Bytes::from_static(SMALL);
    for _ in 0..100 {
        pair.round_trip(&body);
    }
    let measure = |pair: &mut Pair| {
        let client = pair.client.take().unwrap();
        let before = live();
        drop(client);
        let size = before - live();
        // Rebuild an equivalent client for the next round.
        *pair = Pair::new();
        size
    };
    let idle = measure(&mut pair);
    for _ in 0..100 {
        pair.round_trip(&body);
    }
    pair.answer = Bytes::from(vec![0x11; 1 << 20]);
    pair.round_trip(&body);
    pair.answer = Bytes::from_static(&[0x7e, 0xe7, 0, 2, 1, 2, 3, 4]);
    for _ in 0..10 {
        pair.round_trip(&body);
    }
    // The caller's receive buffer grew for the answer; its owner shrinks it.
    let after_large = measure(&mut pair);
    println!(
        "new connection: {fresh_size} bytes; idle after 100 round trips: {idle} bytes; \
         idle after a 1 MiB answer: {after_large} bytes"
    );
    assert!(idle <= 12 << 10, "an idle connection holds {idle} bytes");
    assert!(
        after_large <= 16 << 10,
        "after a 1 MiB answer an idle connection holds {after_large} bytes"
    );
}
