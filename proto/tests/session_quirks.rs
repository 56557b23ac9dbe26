//! A client session against a server session that bends the rules as other MTProto servers
//! do ([`ServerQuirks`]): every request must still end exactly once, with its real answer
//! or the server's real error, and promptly (virtual time, well under the 90 s that
//! running out of state checks takes).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use oxigram_proto::crypto::message::{AuthKey, Sender};
use oxigram_proto::random::SeededRandom;
use oxigram_proto::session::{
    ClientSession, Event, RequestError, RequestId, RpcError, SaltSchedule, ServerEvent,
    ServerQuirks, ServerSession, ServerSessionConfig, SessionConfig, open, open_owned, seal_into,
};

const ECHO: u32 = 0x7ee7_0001;
const ECHOED: u32 = 0x7ee7_0002;
const CONTAINER: u32 = 0x73f1_f8dc;
const NEW_SESSION_CREATED: u32 = 0x9ec2_0908;
const UNIX0: u64 = 1_700_000_000;
const STEP: Duration = Duration::from_millis(100);

fn key() -> AuthKey {
    AuthKey::new(std::array::from_fn(|i| (i * 7 + 3) as u8))
}

fn body(n: u64) -> Bytes {
    let mut out = BytesMut::new();
    out.put_u32_le(ECHO);
    out.put_u64_le(n);
    out.freeze()
}

/// The echo application's answer to `body`.
fn answer(body: &[u8]) -> Bytes {
    let mut out = BytesMut::new();
    out.put_u32_le(ECHOED);
    out.put_slice(&body[4..]);
    out.freeze()
}

/// The message ids of a container body, or `None` when it is not one.
fn container_ids(body: &[u8]) -> Option<Vec<i64>> {
    if body.get(..4)? != CONTAINER.to_le_bytes() {
        return None;
    }
    let count = u32::from_le_bytes(body[4..8].try_into().ok()?);
    let mut at = 8;
    let mut ids = Vec::new();
    for _ in 0..count {
        ids.push(i64::from_le_bytes(body[at..at + 8].try_into().ok()?));
        let len = u32::from_le_bytes(body[at + 12..at + 16].try_into().ok()?) as usize;
        at += 16 + len;
    }
    Some(ids)
}

/// `first_msg_id` of every `new_session_created` in a server packet's body.
fn first_msg_ids(body: &[u8]) -> Vec<i64> {
    let mut found = Vec::new();
    let mut bodies = vec![body];
    if body.get(..4) == Some(&CONTAINER.to_le_bytes()[..]) {
        bodies.clear();
        let count = u32::from_le_bytes(body[4..8].try_into().unwrap());
        let mut at = 8;
        for _ in 0..count {
            let len = u32::from_le_bytes(body[at + 12..at + 16].try_into().unwrap()) as usize;
            bodies.push(&body[at + 16..at + 16 + len]);
            at += 16 + len;
        }
    }
    for b in bodies {
        if b.get(..4) == Some(&NEW_SESSION_CREATED.to_le_bytes()[..]) {
            found.push(i64::from_le_bytes(b[4..12].try_into().unwrap()));
        }
    }
    found
}

/// A request's end: its answer (a result or an RPC error), or why it failed.
type Outcome = Result<Result<Bytes, RpcError>, RequestError>;

struct Pair {
    client: ClientSession,
    server: Option<ServerSession>,
    quirks: ServerQuirks,
    salts: SaltSchedule,
    rc: SeededRandom,
    rs: SeededRandom,
    base: Instant,
    t: Duration,
    /// Request bodies the application never answers.
    hold: Vec<Bytes>,
    /// How long the application takes to answer.
    answer_delay: Duration,
    /// Answers to give: (when, request msg id, request body).
    due: Vec<(Duration, i64, Bytes)>,
    /// How many times the server application saw each request body.
    executed: BTreeMap<Bytes, u32>,
    /// Request ids by body, held ones included, with their server msg ids.
    held: Vec<(i64, Bytes)>,
    /// Every final event, with the virtual time it came at.
    ended: BTreeMap<RequestId, Vec<(Duration, Outcome)>>,
    /// Each client packet's body: its container's message ids, or `None` when alone.
    client_packets: Vec<Option<Vec<i64>>>,
    /// The first client packet's message id.
    first_packet_id: Option<i64>,
    /// `first_msg_id` of each `new_session_created` the client got.
    announced: Vec<i64>,
}

impl Pair {
    fn new(quirks: ServerQuirks) -> Self {
        let salts = SaltSchedule::new([5; 32]);
        let mut rc = SeededRandom::new([1; 32]);
        let salt = salts.current(UNIX0 as i64);
        let client = ClientSession::new(SessionConfig::default(), key(), salt, 0, true, &mut rc);
        Pair {
            client,
            server: None,
            quirks,
            salts,
            rc,
            rs: SeededRandom::new([2; 32]),
            base: Instant::now(),
            t: Duration::ZERO,
            hold: Vec::new(),
            answer_delay: Duration::ZERO,
            due: Vec::new(),
            executed: BTreeMap::new(),
            held: Vec::new(),
            ended: BTreeMap::new(),
            client_packets: Vec::new(),
            first_packet_id: None,
            announced: Vec::new(),
        }
    }

    fn unix(&self) -> Duration {
        Duration::from_secs(UNIX0) + self.t
    }

    /// Client packets out, to the server.
    fn client_sends(&mut self) {
        let (mono, unix) = (self.base + self.t, self.unix());
        let mut out = BytesMut::new();
        while self
            .client
            .poll_transmit(mono, unix, &mut self.rc, &mut out)
        {
            let packet = out.split();
            let inner = open_owned(&key(), Sender::Client, packet).expect("the client's packet");
            self.client_packets.push(container_ids(&inner.body));
            self.first_packet_id.get_or_insert(inner.msg_id);
            let now = unix.as_secs() as i64;
            let salt_ok = self.salts.is_valid(inner.salt, now);
            let server = self.server.get_or_insert_with(|| {
                // As the server role does: the session's first message is the packet's.
                let config = ServerSessionConfig {
                    quirks: self.quirks.clone(),
                    ..ServerSessionConfig::default()
                };
                ServerSession::new(
                    config,
                    key(),
                    inner.session_id,
                    inner.msg_id,
                    self.salts.current(now),
                    77,
                )
            });
            server.handle_message(unix, inner, &self.salts, salt_ok);
            while let Some(event) = server.poll_event() {
                if let ServerEvent::Request { msg_id, body } = event {
                    *self.executed.entry(body.clone()).or_default() += 1;
                    if self.hold.contains(&body) {
                        self.held.push((msg_id, body));
                    } else {
                        self.due.push((self.t + self.answer_delay, msg_id, body));
                    }
                }
            }
        }
    }

    /// Server packets out, to the client.
    fn server_sends(&mut self) {
        let unix = self.unix();
        let Some(server) = &mut self.server else {
            return;
        };
        let t = self.t;
        for (_, msg_id, body) in self.due.extract_if(.., |(at, _, _)| *at <= t) {
            server.respond(msg_id, Ok(&answer(&body)));
        }
        let salt = self.salts.current(unix.as_secs() as i64);
        let mut out = BytesMut::new();
        while server.poll_transmit(unix, salt, &mut self.rs, &mut out) {
            let packet = out.split();
            let inner = open(&key(), Sender::Server, &packet).expect("the server's packet");
            self.announced.extend(first_msg_ids(&inner.body));
            self.client.handle_packet(self.base + self.t, unix, packet);
        }
    }

    fn collect(&mut self) {
        while let Some(event) = self.client.poll_event() {
            let (id, outcome) = match event {
                Event::Response { id, result } => (id, Ok(result)),
                Event::Failed { id, error } => (id, Err(error)),
                _ => continue,
            };
            self.ended.entry(id).or_default().push((self.t, outcome));
        }
    }

    /// One step of virtual time.
    fn step(&mut self) {
        self.client.handle_timeout(self.base + self.t);
        self.client_sends();
        self.server_sends();
        self.collect();
        self.t += STEP;
    }

    /// Steps until every id in `ids` ended, or `limit` passed; then a while longer, so that
    /// a second final event would show.
    fn run(&mut self, ids: &[RequestId], limit: Duration) {
        while self.t < limit && !ids.iter().all(|id| self.ended.contains_key(id)) {
            self.step();
        }
        let until = self.t + Duration::from_secs(30);
        while self.t < until {
            self.step();
        }
    }

    /// The one final event of `id`, and when it came.
    fn outcome(&self, id: RequestId) -> &(Duration, Outcome) {
        match self.ended.get(&id).map(Vec::as_slice) {
            Some([one]) => one,
            other => panic!("{id}: expected exactly one final event, got {other:?}"),
        }
    }
}

/// Pushes requests `ns` (as bodies `body(n)`) as requests `0..`.
fn push(pair: &mut Pair, ns: &[u64]) -> Vec<RequestId> {
    ns.iter()
        .enumerate()
        .map(|(i, &n)| {
            let id = RequestId(i as u64);
            pair.client.push(id, body(n));
            id
        })
        .collect()
}

fn first_msg_id_case(names_container: bool) -> Pair {
    let mut quirks = ServerQuirks::default();
    quirks.first_msg_id_names_container = names_container;
    let mut pair = Pair::new(quirks);
    // The answers take a while (as `auth.sendCode` does): `new_session_created` arrives
    // before them.
    pair.answer_delay = Duration::from_secs(1);
    let ids = push(&mut pair, &[1, 2, 3]);
    pair.run(&ids, Duration::from_secs(20));
    for (&id, n) in ids.iter().zip([1, 2, 3]) {
        let (at, outcome) = pair.outcome(id);
        assert_eq!(outcome, &Ok(Ok(answer(&body(n)))), "{id}");
        assert!(*at < Duration::from_secs(3), "{id} ended at {at:?}");
        assert_eq!(pair.executed[&body(n)], 1, "request {n} ran more than once");
    }
    pair
}

#[test]
fn first_msg_id_naming_the_container_runs_nothing_twice() {
    let pair = first_msg_id_case(true);
    // The quirk is on: the session's first packet was a container, and the server named
    // the container's id rather than the first message in it.
    let first = pair.client_packets[0]
        .as_ref()
        .expect("the first packet is a container");
    assert!(first.len() >= 3);
    assert_eq!(pair.announced, vec![pair.first_packet_id.unwrap()]);
    assert!(pair.announced[0] > *first.iter().max().unwrap());
}

#[test]
fn first_msg_id_names_the_first_message_by_default() {
    let pair = first_msg_id_case(false);
    let first = pair.client_packets[0]
        .as_ref()
        .expect("the first packet is a container");
    assert_eq!(pair.announced, vec![*first.iter().min().unwrap()]);
}

#[test]
fn a_container_answered_with_an_error_ends_each_request_with_it() {
    let error = RpcError::new(400, "INPUT_REQUEST_INVALID");
    let mut quirks = ServerQuirks::default();
    quirks.answer_containers_with_error = Some(error.clone());
    let mut pair = Pair::new(quirks);
    let ids = push(&mut pair, &[1, 2, 3]);
    pair.run(&ids, Duration::from_secs(100));
    assert!(
        pair.client_packets[0].is_some(),
        "the first packet is a container"
    );
    for (&id, n) in ids.iter().zip([1, 2, 3]) {
        let (at, outcome) = pair.outcome(id);
        assert_eq!(outcome, &Ok(Err(error.clone())), "{id}");
        assert!(*at < Duration::from_secs(2), "{id} ended at {at:?}");
        assert!(!pair.executed.contains_key(&body(n)), "request {n} ran");
    }
    // The salts question that shared the container went again, alone, and was answered:
    // nothing is left waiting.
    assert_eq!(pair.client.pending(), 0);
    assert!(pair.client_packets[1..].iter().any(Option::is_none));
}

#[test]
fn a_bad_msg_notification_naming_a_container_sends_each_request_alone() {
    let mut pair = Pair::new(ServerQuirks::default());
    let ids = push(&mut pair, &[1, 2]);
    // The client's first packet, in which the server finds fault with the container.
    let (mono, unix) = (pair.base, pair.unix());
    let mut out = BytesMut::new();
    assert!(
        pair.client
            .poll_transmit(mono, unix, &mut pair.rc, &mut out)
    );
    let sent = open(&key(), Sender::Client, &out).unwrap();
    assert!(container_ids(&sent.body).is_some_and(|ids| ids.len() >= 2));
    let mut notice = BytesMut::new();
    notice.put_u32_le(0xa7ef_f811);
    notice.put_i64_le(sent.msg_id);
    notice.put_i32_le(sent.seq_no);
    notice.put_i32_le(35);
    let mut packet = BytesMut::new();
    // Far from the ids the server session hands out at the same second.
    let server_id = ((UNIX0 as i64) << 32) | 0x7fff_fff1;
    let fields = (sent.salt, sent.session_id, server_id, 0);
    seal_into(
        &key(),
        Sender::Server,
        fields,
        &[&notice],
        &mut pair.rc,
        &mut packet,
    );
    pair.client.handle_packet(mono, unix, packet);
    // The requests go again, each alone; the server (which never saw the first packet)
    // answers each once.
    pair.run(&ids, Duration::from_secs(20));
    let alone = pair.client_packets.iter().filter(|p| p.is_none()).count();
    assert!(alone >= 2, "{:?}", pair.client_packets);
    for (&id, n) in ids.iter().zip([1, 2]) {
        let (at, outcome) = pair.outcome(id);
        assert_eq!(outcome, &Ok(Ok(answer(&body(n)))), "{id}");
        assert!(*at < Duration::from_secs(2), "{id} ended at {at:?}");
        assert_eq!(pair.executed[&body(n)], 1);
    }
}

fn state_refused_pair() -> (Pair, RpcError, Vec<RequestId>) {
    let error = RpcError::new(500, "INTERNAL_STATE_UNKNOWN");
    let mut quirks = ServerQuirks::default();
    quirks.answer_state_requests_with_error = Some(error.clone());
    let mut pair = Pair::new(quirks);
    pair.hold.push(body(1));
    let ids = push(&mut pair, &[1, 2]);
    (pair, error, ids)
}

#[test]
fn a_refused_state_request_ends_the_request_promptly() {
    let (mut pair, error, ids) = state_refused_pair();
    pair.run(&ids, Duration::from_secs(200));
    // The state of request 0 is asked after 10 s and refused; it waits one more period
    // for its answer, then ends with the server's error, never sent twice.
    let (at, outcome) = pair.outcome(ids[0]);
    assert_eq!(outcome, &Err(RequestError::StateRefused(error)));
    assert!(*at <= Duration::from_secs(25), "ended at {at:?}");
    assert_eq!(pair.executed[&body(1)], 1);
    assert_eq!(pair.outcome(ids[1]).1, Ok(Ok(answer(&body(2)))));
}

#[test]
fn an_answer_after_a_refused_state_request_still_counts() {
    let (mut pair, _, ids) = state_refused_pair();
    // Past the state question (at 10 s) and its refusal, but before the request fails.
    while pair.t < Duration::from_secs(15) {
        pair.step();
    }
    assert!(!pair.ended.contains_key(&ids[0]));
    let (msg_id, held) = pair.held.pop().expect("request 1 reached the server");
    pair.server
        .as_mut()
        .unwrap()
        .respond(msg_id, Ok(&answer(&held)));
    pair.run(&ids, Duration::from_secs(200));
    let (at, outcome) = pair.outcome(ids[0]);
    assert_eq!(outcome, &Ok(Ok(answer(&body(1)))));
    assert!(*at < Duration::from_secs(16), "ended at {at:?}");
    assert_eq!(pair.executed[&body(1)], 1);
}
