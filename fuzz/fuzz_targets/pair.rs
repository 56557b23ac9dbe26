//! A client `Connection` and the `Server` driven by an arbitrary sequence of operations:
//! requests, cancellations, time jumps, frames delivered, dropped, duplicated, swapped or
//! corrupted, answers and errors, updates, cut connections, salt rotations and
//! `new_session_created`. Afterwards the network is left alone until every request has
//! ended, and each must have ended exactly once.
//!
//! Fuzzing builds carry messages in the clear (see `proto/src/session/envelope.rs`), so a
//! corrupted frame reaches the parsers instead of failing the message key; answers are not
//! compared with requests for that reason, only counted.
#![no_main]

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use oxigram_proto::connection::server::{ConnId, Server, ServerConfig, ServerOutput, SessionRef};
use oxigram_proto::connection::{Connection, ConnectionConfig, Now};
use oxigram_proto::crypto::message::AuthKey;
use oxigram_proto::crypto::rsa::RsaPrivateKey;
use oxigram_proto::handshake::AuthKeyOutcome;
use oxigram_proto::session::{Event, RequestId, RpcError, ServerSessionConfig};

#[path = "../../proto/tests/common/server_key.rs"]
mod server_key;

#[derive(Arbitrary, Debug)]
enum Op {
    Request { size: u8 },
    Cancel { which: u8 },
    Advance { ms: u16 },
    Deliver { to_server: bool, frames: u8 },
    Drop { to_server: bool },
    Duplicate { to_server: bool },
    Swap { to_server: bool },
    Corrupt { to_server: bool, at: u16, bit: u8 },
    Answer { which: u8, error: bool },
    AnswerAll,
    Push,
    Cut,
    RotateSalts,
    NewSession,
}

struct Pair {
    base: Instant,
    t: Duration,
    client: Connection,
    server: Server,
    conn: ConnId,
    /// Frames in flight each way (the client's transport tag travels as its own frame).
    to_server: VecDeque<Bytes>,
    to_client: VecDeque<Bytes>,
    fresh: bool,
    s_rx: BytesMut,
    c_rx: BytesMut,
    requests: Vec<(SessionRef, i64)>,
    issued: Vec<RequestId>,
    ended: BTreeMap<RequestId, u32>,
}

fn split_frames(mut bytes: BytesMut, tag: bool, out: &mut VecDeque<Bytes>) {
    if tag {
        out.push_back(bytes.split_to(4).freeze());
    }
    while bytes.len() >= 4 {
        let len = u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize & 0x7fff_ffff;
        if bytes.len() < 4 + len {
            break;
        }
        out.push_back(bytes.split_to(4 + len).freeze());
    }
}

impl Pair {
    fn new(key: RsaPrivateKey) -> Self {
        let auth_key = AuthKey::new(std::array::from_fn(|i| (i * 3) as u8));
        let mut server = Server::new(ServerConfig {
            key,
            dc: Some(2),
            seed: [1; 32].into(),
            session: ServerSessionConfig {
                gzip_threshold: 64,
                ..ServerSessionConfig::default()
            },
            proxy_secret: None,
            max_frame: oxigram_proto::transport::SERVER_MAX_PAYLOAD,
        });
        server.add_key(auth_key.clone());
        let conn = server.accept();
        let base = Instant::now();
        let saved = AuthKeyOutcome {
            auth_key,
            time_offset: 0,
            first_salt: 0,
            expires_at: None,
        };
        let now = Now {
            mono: base,
            unix: Duration::from_secs(1_700_000_000),
        };
        Pair {
            base,
            t: Duration::ZERO,
            client: Connection::new(ConnectionConfig::new(2, [2; 32]), Some(&saved), now),
            server,
            conn,
            to_server: VecDeque::new(),
            to_client: VecDeque::new(),
            fresh: true,
            s_rx: BytesMut::new(),
            c_rx: BytesMut::new(),
            requests: Vec::new(),
            issued: Vec::new(),
            ended: BTreeMap::new(),
        }
    }

    fn now(&self) -> Now {
        Now {
            mono: self.base + self.t,
            unix: Duration::from_secs(1_700_000_000) + self.t,
        }
    }

    fn cut(&mut self) {
        self.server.close(self.conn);
        self.conn = self.server.accept();
        self.to_server.clear();
        self.to_client.clear();
        self.s_rx.clear();
        self.c_rx.clear();
        self.fresh = true;
        let now = self.now();
        self.client.reset(now);
    }

    /// Lets both sides send, and collects their events.
    fn pump(&mut self) {
        let now = self.now();
        if self.client.poll_timeout().is_some_and(|t| t <= now.mono) {
            self.client.handle_timeout(now);
        }
        if self.client.is_down() {
            self.cut();
        }
        let mut out = BytesMut::new();
        while self.client.poll_transmit(now, &mut out) > 0 {}
        if !out.is_empty() {
            split_frames(out, self.fresh, &mut self.to_server);
            self.fresh = false;
        }
        let mut out = BytesMut::new();
        self.server.poll_transmit(self.conn, now.unix, &mut out);
        split_frames(out, false, &mut self.to_client);
        while let Some(event) = self.client.poll_event() {
            if let Event::Response { id, .. } | Event::Failed { id, .. } = event {
                *self.ended.entry(id).or_default() += 1;
            }
        }
        while let Some(out) = self.server.poll_event() {
            if let ServerOutput::Request {
                session, msg_id, ..
            } = out
            {
                self.requests.push((session, msg_id));
            }
        }
    }

    fn deliver(&mut self, to_server: bool, frames: usize) {
        let now = self.now();
        for _ in 0..frames {
            if to_server {
                let Some(frame) = self.to_server.pop_front() else {
                    return;
                };
                self.s_rx.extend_from_slice(&frame);
                if self
                    .server
                    .handle_input(self.conn, now.unix, &mut self.s_rx)
                    .is_err()
                {
                    return self.cut();
                }
            } else {
                let Some(frame) = self.to_client.pop_front() else {
                    return;
                };
                self.c_rx.extend_from_slice(&frame);
                if self.client.handle_input(now, &mut self.c_rx).is_err() {
                    return self.cut();
                }
            }
        }
    }

    fn answer(&mut self, at: usize, error: bool) {
        if self.requests.is_empty() {
            return;
        }
        let (session, msg_id) = self.requests.remove(at % self.requests.len());
        if error {
            self.server
                .respond(session, msg_id, Err(&RpcError::new(420, "FLOOD_WAIT_3")));
        } else {
            let mut body = BytesMut::new();
            body.put_u32_le(0x7ee7_0002);
            body.put_bytes(b'a', 96);
            self.server.respond(session, msg_id, Ok(&body));
        }
    }

    fn queue(&mut self, to_server: bool) -> &mut VecDeque<Bytes> {
        if to_server {
            &mut self.to_server
        } else {
            &mut self.to_client
        }
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Request { size } => {
                let mut body = BytesMut::new();
                body.put_u32_le(0x7ee7_0001);
                body.put_bytes(size, usize::from(size) * 4);
                let id = self.client.request(body.freeze());
                self.issued.push(id);
            }
            Op::Cancel { which } => {
                if !self.issued.is_empty() {
                    let id = self.issued[usize::from(which) % self.issued.len()];
                    self.client.cancel(id);
                }
            }
            Op::Advance { ms } => self.t += Duration::from_millis(u64::from(ms)),
            Op::Deliver { to_server, frames } => self.deliver(to_server, usize::from(frames)),
            Op::Drop { to_server } => {
                // The transport tag is never lost: without it nothing else parses.
                let tag = to_server && self.fresh;
                if !tag {
                    self.queue(to_server).pop_front();
                }
            }
            Op::Duplicate { to_server } => {
                if let Some(frame) = self.queue(to_server).front().cloned() {
                    self.queue(to_server).push_front(frame);
                }
            }
            Op::Swap { to_server } => {
                let q = self.queue(to_server);
                if q.len() >= 2 {
                    q.swap(0, 1);
                }
            }
            Op::Corrupt { to_server, at, bit } => {
                if let Some(frame) = self.queue(to_server).pop_front() {
                    let mut frame = BytesMut::from(&frame[..]);
                    if frame.len() > 4 {
                        let at = 4 + usize::from(at) % (frame.len() - 4);
                        frame[at] ^= 1 << (bit % 8);
                    }
                    self.queue(to_server).push_front(frame.freeze());
                }
            }
            Op::Answer { which, error } => self.answer(usize::from(which), error),
            Op::AnswerAll => {
                while !self.requests.is_empty() {
                    self.answer(0, false);
                }
            }
            Op::Push => {
                if let Some(&(session, _)) = self.requests.first() {
                    self.server
                        .push(session, Bytes::from_static(&[3, 0, 0xe7, 0x7e, 0, 0, 0, 0]));
                }
            }
            Op::Cut => self.cut(),
            Op::RotateSalts => self.server.rotate_salts(),
            Op::NewSession => {
                let first = self.server.sessions().next();
                if let Some(session) = first {
                    let unix = self.now().unix;
                    let first = ((unix.as_secs() as i64) << 32) + 4;
                    self.server.announce_new_session(session, first, unix);
                }
            }
        }
        self.pump();
    }

    /// Leaves the network alone until every request has ended (or gives up).
    fn settle(&mut self) {
        for _ in 0..3000 {
            if self.ended.len() == self.issued.len() {
                return;
            }
            let (to_server, to_client) = (self.to_server.len(), self.to_client.len());
            self.deliver(true, to_server);
            self.deliver(false, to_client);
            while !self.requests.is_empty() {
                self.answer(0, false);
            }
            self.pump();
            self.t += Duration::from_millis(500);
        }
    }
}

fuzz_target!(|ops: Vec<Op>| {
    static KEY: std::sync::OnceLock<RsaPrivateKey> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(server_key::server_key).clone();
    let mut pair = Pair::new(key);
    for op in ops.into_iter().take(256) {
        pair.apply(op);
    }
    pair.settle();
    for id in &pair.issued {
        match pair.ended.get(id) {
            Some(1) => {}
            Some(n) => panic!("{id} ended {n} times"),
            None => panic!("{id} never ended"),
        }
    }
});
