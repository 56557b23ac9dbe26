//! The server role of the encrypted session, as the test DC runs it.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use oxigram_tl::mtproto::{functions, types};
use oxigram_tl::{Deserialize, Serialize};

use super::Inner;
use super::error::{Dropped, RpcError};
use super::gzip::{self, GzipError};
use super::msg_id::ServerMsgIdGenerator;
use super::outbox::{OutMessage, ack_body, fits, seal_batch};
use super::replay::ReplayWindow;
use super::salts::SaltSchedule;
use super::service::*;
use crate::crypto::message::{AuthKey, Sender};
use crate::random::RandomSource;

/// How far ahead of the server clock a client message id may be.
const MAX_AHEAD: i64 = 30;
/// How far behind.
const MAX_BEHIND: i64 = 300;
/// Answers kept for `msg_resend_ans_req` until the client acknowledges them.
const ANSWER_CACHE: usize = 1024;
/// Request states remembered for `msgs_state_req`.
const STATE_MEMORY: usize = 4096;

/// Limits of the server session.
#[derive(Debug, Clone)]
pub struct ServerSessionConfig {
    /// Answers at least this long go out as `gzip_packed` when that makes them smaller.
    pub gzip_threshold: usize,
    /// Ways to bend the protocol as other servers do (all off by default).
    pub quirks: ServerQuirks,
    /// Updates ([`ServerSession::push`]) a session queues for a client that does not
    /// read them. When a push finds this many messages queued, every queued update is
    /// dropped and replaced by one `updatesTooLong`, which makes the client fetch the
    /// difference: the updates are not lost to it, and the queue stays bounded.
    pub max_queued_updates: usize,
    /// A session that receives nothing for this long is forgotten by the
    /// [`Server`](crate::connection::server::Server) (`handle_timeout`); a client that
    /// comes back later gets `new_session_created`, as after any server-side loss.
    pub idle_timeout: Duration,
    /// Sessions a [`Server`](crate::connection::server::Server) keeps at most; a new
    /// session beyond this evicts the one that has been silent longest.
    pub max_sessions: usize,
    /// The most bytes the `gzip_packed` messages of one received packet may expand to
    /// together. A container holds up to 1,024 messages, so the cap per object alone
    /// ([`gzip::MAX_UNPACKED`]) would let one packet expand to 16 GiB. A message beyond
    /// it is answered with `400 INPUT_REQUEST_TOO_LONG` (see [`ServerEvent::GzipRefused`]).
    pub max_unpacked_per_packet: usize,
}

impl Default for ServerSessionConfig {
    fn default() -> Self {
        ServerSessionConfig {
            gzip_threshold: 512,
            quirks: ServerQuirks::default(),
            max_queued_updates: 1024,
            idle_timeout: Duration::from_secs(15 * 60),
            max_sessions: 1 << 15,
            max_unpacked_per_packet: gzip::MAX_UNPACKED_PER_PACKET,
        }
    }
}

/// Behaviours seen in MTProto servers other than Telegram's, for testing that a client
/// survives them. Each is off by default; switch one on with
/// `let mut q = ServerQuirks::default(); q.first_msg_id_names_container = true;`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerQuirks {
    /// `new_session_created` names the id of the container the session's first message
    /// came in, instead of that first message's own id. A client that sends again what is
    /// older than `first_msg_id` runs the container's requests twice.
    pub first_msg_id_names_container: bool,
    /// Every container is answered as a whole with an `rpc_result` carrying this error,
    /// addressed to the container's id, and nothing in it is processed (as a server does
    /// with a container it cannot parse).
    pub answer_containers_with_error: Option<RpcError>,
    /// Every `msgs_state_req` is answered with an `rpc_result` carrying this error instead
    /// of `msgs_state_info`.
    pub answer_state_requests_with_error: Option<RpcError>,
}
/// `updatesTooLong#e317af7e` of the API schema: "too many updates, fetch the difference".
/// The server session sends it in place of updates it had to drop.
static UPDATES_TOO_LONG: [u8; 4] = 0xe317_af7e_u32.to_le_bytes();

/// What the server application has to act on.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ServerEvent {
    /// A request to answer with [`ServerSession::respond`].
    Request {
        /// Its message id (the `req_msg_id` of the answer).
        msg_id: i64,
        /// The TL function, unpacked if it came `gzip_packed`.
        body: Bytes,
    },
    /// `ping_delay_disconnect`: close the connection if no ping comes for this long.
    Keepalive(Duration),
    /// The client asks to destroy another of its sessions; answer with
    /// [`ServerSession::answer_destroy_session`].
    DestroySession {
        /// The session to destroy.
        session_id: i64,
    },
    /// A message refused with this `bad_msg_notification` code (the client was told).
    Refused {
        /// The message.
        msg_id: i64,
        /// The code sent back.
        code: i32,
    },
    /// A `gzip_packed` message that does not unpack, or would take its packet beyond
    /// [`ServerSessionConfig::max_unpacked_per_packet`]. The session answered it itself,
    /// with `400 INPUT_REQUEST_TOO_LONG` (too large) or `400 INPUT_REQUEST_INVALID` (not
    /// gzip), so that the client's request ends; the application sees no request.
    GzipRefused {
        /// The message.
        msg_id: i64,
        /// Why it did not unpack.
        reason: GzipError,
    },
    /// A message dropped without an answer.
    Dropped(Dropped),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RequestState {
    Processing,
    Answered,
    DroppedByClient,
}

/// The server side of one client session.
#[derive(Debug)]
pub struct ServerSession {
    config: ServerSessionConfig,
    key: AuthKey,
    session_id: i64,
    ids: ServerMsgIdGenerator,
    seq: i32,
    replay: ReplayWindow,
    states: HashMap<i64, RequestState>,
    state_order: VecDeque<i64>,
    /// Answers (whole `rpc_result`s) by request id, until acknowledged.
    answers: HashMap<i64, Bytes>,
    answer_order: VecDeque<i64>,
    /// Answer message id → request id, to find the answer an acknowledgement is for.
    answer_ids: HashMap<i64, i64>,
    /// `(body, answers a client message, the request it answers)`.
    outbox: VecDeque<(Bytes, bool, Option<i64>)>,
    acks: Vec<i64>,
    ack_buf: BytesMut,
    /// Messages refused (bad salt, bad id or seqno): reported as not received, so that a
    /// client that lost the notice sends them again.
    refused: VecDeque<i64>,
    events: VecDeque<ServerEvent>,
    batch: Vec<OutMessage>,
    batch_answers: Vec<Option<i64>>,
    scratch: BytesMut,
}

impl ServerSession {
    /// A session the client opened with `first_msg_id`; `new_session_created` goes out
    /// first, carrying `salt` and `unique_id`.
    pub fn new(
        config: ServerSessionConfig,
        key: AuthKey,
        session_id: i64,
        first_msg_id: i64,
        salt: i64,
        unique_id: i64,
    ) -> Self {
        let mut session = ServerSession {
            config,
            key,
            session_id,
            ids: ServerMsgIdGenerator::default(),
            seq: 0,
            replay: ReplayWindow::default(),
            states: HashMap::new(),
            state_order: VecDeque::new(),
            answers: HashMap::new(),
            answer_order: VecDeque::new(),
            answer_ids: HashMap::new(),
            outbox: VecDeque::new(),
            acks: Vec::new(),
            ack_buf: BytesMut::new(),
            refused: VecDeque::new(),
            events: VecDeque::new(),
            batch: Vec::new(),
            batch_answers: Vec::new(),
            scratch: BytesMut::new(),
        };
        session.announce(first_msg_id, salt, unique_id);
        session
    }

    /// The session id.
    pub fn session_id(&self) -> i64 {
        self.session_id
    }

    /// Sends `new_session_created` (again): as a fault, it tells the client that what it
    /// sent before `first_msg_id` may be lost.
    pub fn announce(&mut self, first_msg_id: i64, salt: i64, unique_id: i64) {
        let body = types::NewSessionCreated {
            first_msg_id,
            unique_id,
            server_salt: salt,
        };
        self.outbox.push_back((body.to_bytes().into(), false, None));
    }

    /// Handles a decrypted client message of this session; `unix` is server time.
    /// `salt_ok` says whether its salt is one the server accepts (the schedule's, or the
    /// first salt of a fresh key).
    pub fn handle_message(
        &mut self,
        unix: Duration,
        inner: Inner,
        salts: &SaltSchedule,
        salt_ok: bool,
    ) {
        let now = unix.as_secs() as i64;
        // One budget for every gzip_packed object of this packet, container or not.
        let mut budget = self.config.max_unpacked_per_packet;
        if let Some(code) = self.check(now, inner.msg_id, inner.seq_no, &inner.body) {
            return self.refuse(inner.msg_id, inner.seq_no, code);
        }
        if !salt_ok {
            self.replay.insert(inner.msg_id);
            self.note_refused(inner.msg_id);
            let body = types::BadServerSalt {
                bad_msg_id: inner.msg_id,
                bad_msg_seqno: inner.seq_no,
                error_code: 48,
                new_server_salt: salts.current(now),
            };
            self.outbox.push_back((body.to_bytes().into(), true, None));
            self.events.push_back(ServerEvent::Refused {
                msg_id: inner.msg_id,
                code: 48,
            });
            return;
        }
        if constructor_id(&inner.body) == Some(MSG_CONTAINER) {
            let container = match types::MsgContainer::from_shared(&inner.body) {
                Ok(c)
                    if c.messages.iter().all(|m| {
                        m.msg_id < inner.msg_id
                            && m.body.0.len() == m.bytes as usize
                            && constructor_id(&m.body.0) != Some(MSG_CONTAINER)
                    }) =>
                {
                    c
                }
                _ => return self.refuse(inner.msg_id, inner.seq_no, 64),
            };
            self.replay.insert(inner.msg_id);
            if let Some(error) = self.config.quirks.answer_containers_with_error.clone() {
                return self.answer_with_error(inner.msg_id, &error);
            }
            if !self.config.quirks.first_msg_id_names_container
                && let Some(first) = container.messages.iter().map(|m| m.msg_id).min()
            {
                self.name_first_message(inner.msg_id, first);
            }
            for m in container.messages {
                if let Some(code) = self.check(now, m.msg_id, m.seqno, &m.body.0) {
                    self.refuse(m.msg_id, m.seqno, code);
                    continue;
                }
                self.accept(now, m.msg_id, m.seqno, m.body.0, salts, &mut budget);
            }
        } else {
            self.accept(
                now,
                inner.msg_id,
                inner.seq_no,
                inner.body,
                salts,
                &mut budget,
            );
        }
    }

    /// Answers the request `req_msg_id` (once; later answers and answers to requests the
    /// client dropped are ignored). Returns whether the answer was queued.
    pub fn respond(&mut self, req_msg_id: i64, result: Result<&[u8], &RpcError>) -> bool {
        match self.states.get(&req_msg_id) {
            Some(RequestState::Processing) => {}
            Some(RequestState::DroppedByClient) => {
                self.states.insert(req_msg_id, RequestState::Answered);
                return false;
            }
            _ => return false,
        }
        self.states.insert(req_msg_id, RequestState::Answered);
        let error;
        let result = match result {
            Ok(body) => body,
            Err(e) => {
                error = types::RpcError {
                    error_code: e.code,
                    error_message: e.message(),
                }
                .to_bytes();
                &error[..]
            }
        };
        let packed = (result.len() >= self.config.gzip_threshold
            && gzip::looks_compressible(result))
        .then(|| gzip::pack(result))
        .flatten();
        let mut body = BytesMut::with_capacity(12 + result.len());
        body.put_u32_le(RPC_RESULT);
        body.put_i64_le(req_msg_id);
        body.put_slice(packed.as_deref().unwrap_or(result));
        let body = body.freeze();
        if self.answers.len() >= ANSWER_CACHE
            && let Some(oldest) = self.answer_order.pop_front()
        {
            self.answers.remove(&oldest);
            // A client that never acknowledges must not grow the index of answer ids:
            // drop the entries whose answers are gone, now and then.
            if self.answer_ids.len() > 2 * ANSWER_CACHE {
                let answers = &self.answers;
                self.answer_ids.retain(|_, req| answers.contains_key(req));
            }
        }
        self.answers.insert(req_msg_id, body.clone());
        self.answer_order.push_back(req_msg_id);
        self.outbox.push_back((body, true, Some(req_msg_id)));
        true
    }

    /// Answers a [`ServerEvent::DestroySession`].
    pub fn answer_destroy_session(&mut self, session_id: i64, existed: bool) {
        let body = if existed {
            types::DestroySessionOk { session_id }.to_bytes()
        } else {
            types::DestroySessionNone { session_id }.to_bytes()
        };
        self.outbox.push_back((body.into(), true, None));
    }

    /// Queues a message that answers nothing (an update). When
    /// [`ServerSessionConfig::max_queued_updates`] messages wait already, every queued
    /// update (this one included) is replaced by one `updatesTooLong`; answers and
    /// service messages stay. Returns `false` when updates were dropped so.
    pub fn push(&mut self, body: Bytes) -> bool {
        if self.outbox.len() < self.config.max_queued_updates {
            self.outbox.push_back((body, false, None));
            return true;
        }
        // Updates are the only messages queued that neither answer a client message nor
        // announce the session.
        self.outbox.retain(|(body, answer, req)| {
            *answer || req.is_some() || constructor_id(body) == Some(NEW_SESSION_CREATED)
        });
        let notice = Bytes::from_static(&UPDATES_TOO_LONG);
        self.outbox.push_back((notice, false, None));
        false
    }

    /// Whether anything waits to be sent.
    pub fn wants_transmit(&self) -> bool {
        !self.outbox.is_empty() || !self.acks.is_empty()
    }

    /// Seals what waits into one packet (a container when there are several), with the
    /// current salt. Returns whether it wrote one.
    pub fn poll_transmit(
        &mut self,
        unix: Duration,
        salt: i64,
        random: &mut dyn RandomSource,
        out: &mut BytesMut,
    ) -> bool {
        let mut batch = std::mem::take(&mut self.batch);
        let mut answers = std::mem::take(&mut self.batch_answers);
        batch.clear();
        answers.clear();
        let mut bytes = 0;
        if !self.acks.is_empty() {
            let body = ack_body(&mut self.acks, &mut self.ack_buf);
            bytes += body.len();
            batch.push(OutMessage {
                msg_id: self.ids.next(unix, false),
                seq_no: self.seq * 2,
                body,
            });
            answers.push(None);
        }
        while let Some((body, _, _)) = self.outbox.front() {
            if !fits(batch.len(), bytes, body.len()) {
                break;
            }
            let (body, answer, req) = self.outbox.pop_front().expect("front exists");
            bytes += body.len();
            let content = !matches!(
                constructor_id(&body),
                Some(BAD_MSG_NOTIFICATION | BAD_SERVER_SALT)
            );
            let seq_no = if content {
                self.seq += 1;
                self.seq * 2 - 1
            } else {
                self.seq * 2
            };
            let msg_id = self.ids.next(unix, answer);
            if let Some(req) = req {
                self.answer_ids.insert(msg_id, req);
            }
            batch.push(OutMessage {
                msg_id,
                seq_no,
                body,
            });
            answers.push(req);
        }
        let container = (batch.len() > 1).then(|| (self.ids.next(unix, false), self.seq * 2));
        let written = !batch.is_empty();
        seal_batch(
            &self.key,
            Sender::Server,
            (salt, self.session_id),
            &batch,
            container,
            &mut self.scratch,
            random,
            out,
        );
        batch.clear();
        self.batch = batch;
        self.batch_answers = answers;
        written
    }

    /// The next event, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<ServerEvent> {
        self.events.pop_front()
    }

    /// The `bad_msg_notification` code a client message earns, if any.
    fn check(&self, now: i64, msg_id: i64, seq_no: i32, body: &[u8]) -> Option<i32> {
        if msg_id & 3 != 0 {
            return Some(18);
        }
        let at = msg_id_seconds(msg_id);
        if at < now - MAX_BEHIND {
            return Some(16);
        }
        if at > now + MAX_AHEAD {
            return Some(17);
        }
        if self.replay.below_floor(msg_id) {
            return Some(20);
        }
        // 35: an odd seqno was expected (a content-related message) but an even one came;
        // 34: the other way round. A `ping` may come with an even seqno: a widely used
        // client library counts it as not content-related (it sends one with an even
        // seqno on every connection and waits for the pong), and Telegram answers it.
        // A `msgs_ack` may come with an odd seqno: another widely used client library
        // sends them so and works against Telegram, which evidently takes them. A
        // container with an odd seqno is refused.
        let content = is_content_related(body);
        let id = constructor_id(body);
        if content && seq_no & 1 == 0 && id != Some(PING) {
            return Some(35);
        }
        if !content && seq_no & 1 == 1 && id != Some(MSGS_ACK) {
            return Some(34);
        }
        None
    }

    fn note_refused(&mut self, msg_id: i64) {
        if self.refused.len() >= 256 {
            self.refused.pop_front();
        }
        self.refused.push_back(msg_id);
    }

    fn refuse(&mut self, msg_id: i64, seq_no: i32, code: i32) {
        self.note_refused(msg_id);
        let body = types::BadMsgNotification {
            bad_msg_id: msg_id,
            bad_msg_seqno: seq_no,
            error_code: code,
        };
        self.outbox.push_back((body.to_bytes().into(), true, None));
        self.events.push_back(ServerEvent::Refused { msg_id, code });
    }

    /// Takes a message that passed the checks; `budget` is what is left of its packet's
    /// budget for unpacking.
    fn accept(
        &mut self,
        now: i64,
        msg_id: i64,
        seq_no: i32,
        body: Bytes,
        salts: &SaltSchedule,
        budget: &mut usize,
    ) {
        if !self.replay.is_fresh(msg_id) {
            // A duplicate: its answer (if any) was sent; msg_resend_ans_req gets it again.
            self.events
                .push_back(ServerEvent::Dropped(Dropped::Replayed(msg_id)));
            return;
        }
        self.replay.insert(msg_id);
        // What the client needs acknowledged: not an acknowledgement (whatever its
        // seqno), and not a service query whose answer comes at once and acknowledges it
        // (a pong, the future salts, the state of messages), which clients that see an
        // extra `msgs_ack` for it do not expect.
        let answered_at_once = matches!(
            constructor_id(&body),
            Some(MSGS_ACK | PING | PING_DELAY_DISCONNECT | GET_FUTURE_SALTS | MSGS_STATE_REQ)
        );
        if seq_no & 1 == 1 && !answered_at_once {
            self.acks.push(msg_id);
        }
        self.dispatch(now, msg_id, body, salts, Some(budget));
    }

    /// Acts on one message. `budget` is what its packet may still unpack; `None` inside a
    /// `gzip_packed` body, which may not nest another.
    fn dispatch(
        &mut self,
        now: i64,
        msg_id: i64,
        body: Bytes,
        salts: &SaltSchedule,
        budget: Option<&mut usize>,
    ) {
        if constructor_id(&body) == Some(GZIP_PACKED)
            && let Some(budget) = budget
        {
            return match gzip::unpack_within(&body, budget) {
                Ok(inner) => self.dispatch(now, msg_id, inner, salts, None),
                Err(reason) => self.refuse_packed(msg_id, reason),
            };
        }
        let malformed = |name| ServerEvent::Dropped(Dropped::Malformed(name));
        match constructor_id(&body) {
            Some(MSGS_ACK) => match types::MsgsAck::from_bytes(&body) {
                Ok(ack) => {
                    for id in ack.msg_ids {
                        if let Some(req) = self.answer_ids.remove(&id) {
                            self.answers.remove(&req);
                        }
                    }
                }
                Err(_) => self.events.push_back(malformed("msgs_ack")),
            },
            Some(PING) => match functions::Ping::from_bytes(&body) {
                Ok(ping) => self.pong(msg_id, ping.ping_id),
                Err(_) => self.events.push_back(malformed("ping")),
            },
            Some(PING_DELAY_DISCONNECT) => {
                match functions::PingDelayDisconnect::from_bytes(&body) {
                    Ok(ping) => {
                        self.pong(msg_id, ping.ping_id);
                        let delay = Duration::from_secs(ping.disconnect_delay.max(0) as u64);
                        self.events.push_back(ServerEvent::Keepalive(delay));
                    }
                    Err(_) => self.events.push_back(malformed("ping_delay_disconnect")),
                }
            }
            Some(GET_FUTURE_SALTS) => match functions::GetFutureSalts::from_bytes(&body) {
                Ok(req) => {
                    let salts = types::FutureSalts {
                        req_msg_id: msg_id,
                        now: now as i32,
                        salts: salts
                            .future(now, req.num.clamp(1, 64) as usize)
                            .into_iter()
                            .map(|(valid_since, valid_until, salt)| types::FutureSalt {
                                valid_since,
                                valid_until,
                                salt,
                            })
                            .collect(),
                    };
                    self.outbox.push_back((salts.to_bytes().into(), true, None));
                }
                Err(_) => self.events.push_back(malformed("get_future_salts")),
            },
            Some(RPC_DROP_ANSWER) => match functions::RpcDropAnswer::from_bytes(&body) {
                Ok(req) => {
                    let answer = match self.states.get(&req.req_msg_id) {
                        Some(RequestState::Processing) => {
                            self.states
                                .insert(req.req_msg_id, RequestState::DroppedByClient);
                            types::RpcAnswerDroppedRunning {}.to_bytes()
                        }
                        Some(_) => types::RpcAnswerDropped {
                            msg_id: req.req_msg_id,
                            seq_no: 0,
                            bytes: 0,
                        }
                        .to_bytes(),
                        None => types::RpcAnswerUnknown {}.to_bytes(),
                    };
                    self.states.insert(msg_id, RequestState::Processing);
                    self.remember(msg_id);
                    self.respond(msg_id, Ok(&answer));
                }
                Err(_) => self.events.push_back(malformed("rpc_drop_answer")),
            },
            Some(DESTROY_SESSION) => match functions::DestroySession::from_bytes(&body) {
                Ok(req) => self.events.push_back(ServerEvent::DestroySession {
                    session_id: req.session_id,
                }),
                Err(_) => self.events.push_back(malformed("destroy_session")),
            },
            Some(MSGS_STATE_REQ)
                if self
                    .config
                    .quirks
                    .answer_state_requests_with_error
                    .is_some() =>
            {
                let error = self.config.quirks.answer_state_requests_with_error.clone();
                if let Some(error) = error {
                    self.answer_with_error(msg_id, &error);
                }
            }
            Some(MSGS_STATE_REQ) => match types::MsgsStateReq::from_bytes(&body) {
                Ok(req) => {
                    let info = req
                        .msg_ids
                        .iter()
                        .map(|&id| self.state_of(now, id))
                        .collect();
                    let answer = types::MsgsStateInfo {
                        req_msg_id: msg_id,
                        info,
                    };
                    self.outbox
                        .push_back((answer.to_bytes().into(), true, None));
                }
                Err(_) => self.events.push_back(malformed("msgs_state_req")),
            },
            Some(MSG_RESEND_ANS_REQ) => match types::MsgResendAnsReq::from_bytes(&body) {
                Ok(req) => {
                    for id in req.msg_ids {
                        if let Some(answer) = self.answers.get(&id) {
                            self.outbox.push_back((answer.clone(), true, Some(id)));
                        }
                    }
                }
                Err(_) => self.events.push_back(malformed("msg_resend_ans_req")),
            },
            Some(MSG_RESEND_REQ) => match types::MsgResendReq::from_bytes(&body) {
                Ok(req) => {
                    for id in req.msg_ids {
                        if let Some(&req_id) = self.answer_ids.get(&id)
                            && let Some(answer) = self.answers.get(&req_id)
                        {
                            self.outbox.push_back((answer.clone(), true, Some(req_id)));
                        }
                    }
                }
                Err(_) => self.events.push_back(malformed("msg_resend_req")),
            },
            Some(MSGS_STATE_INFO | MSGS_ALL_INFO | HTTP_WAIT) => {}
            Some(_) => {
                self.states.insert(msg_id, RequestState::Processing);
                self.remember(msg_id);
                self.events.push_back(ServerEvent::Request { msg_id, body });
            }
            None => self.events.push_back(malformed("empty")),
        }
    }

    /// Answers a `gzip_packed` message that did not unpack with an `rpc_error`: dropping
    /// it would leave the client waiting for an answer that never comes.
    fn refuse_packed(&mut self, msg_id: i64, reason: GzipError) {
        let name = match reason {
            GzipError::TooLarge | GzipError::PacketBudget => "INPUT_REQUEST_TOO_LONG",
            GzipError::Wrapper | GzipError::Data => "INPUT_REQUEST_INVALID",
        };
        self.answer_with_error(msg_id, &RpcError::new(400, name));
        self.events
            .push_back(ServerEvent::GzipRefused { msg_id, reason });
    }

    /// Answers the message `msg_id` (a request or a container) with an `rpc_error`.
    fn answer_with_error(&mut self, msg_id: i64, error: &RpcError) {
        self.states.insert(msg_id, RequestState::Processing);
        self.remember(msg_id);
        self.respond(msg_id, Err(error));
    }

    /// A session's first message came in the container `container`, whose id the caller
    /// took for the first message's: `new_session_created`, if it still waits, names
    /// `first`, the first message inside, instead.
    fn name_first_message(&mut self, container: i64, first: i64) {
        for (body, _, _) in self.outbox.iter_mut() {
            if constructor_id(body) == Some(NEW_SESSION_CREATED)
                && let Ok(mut notice) = types::NewSessionCreated::from_bytes(body)
                && notice.first_msg_id == container
            {
                notice.first_msg_id = first;
                *body = notice.to_bytes().into();
            }
        }
    }

    fn pong(&mut self, msg_id: i64, ping_id: i64) {
        let body = types::Pong { msg_id, ping_id };
        self.outbox.push_back((body.to_bytes().into(), true, None));
    }

    fn remember(&mut self, msg_id: i64) {
        self.state_order.push_back(msg_id);
        if self.state_order.len() > STATE_MEMORY
            && let Some(oldest) = self.state_order.pop_front()
        {
            self.states.remove(&oldest);
        }
    }

    /// A client message's state, as `msgs_state_info` reports it.
    fn state_of(&self, now: i64, msg_id: i64) -> u8 {
        match self.states.get(&msg_id) {
            Some(RequestState::Processing) => 4 | 8 | 32,
            Some(_) => 4 | 8 | 32 | 64,
            None if self.refused.contains(&msg_id) => 2,
            None if self.replay.contains(msg_id) => 4 | 8,
            None if self.replay.below_floor(msg_id) => 2,
            None if msg_id_seconds(msg_id) > now + MAX_AHEAD => 3,
            None => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    #[test]
    fn a_wrong_seqno_parity_gets_the_code_that_names_the_expected_parity() {
        let session = ServerSession::new(
            ServerSessionConfig::default(),
            AuthKey::new([7; 256]),
            9,
            4,
            0,
            0,
        );
        let now = 1_700_000_000;
        let msg_id = (now << 32) | 4;
        let request = 0xc4f9186b_u32.to_le_bytes(); // help.getConfig
        let ack = 0x62d6b459_u32.to_le_bytes();
        let container = 0x73f1f8dc_u32.to_le_bytes();
        // A content-related message (a request) wants an odd seqno (35: odd expected,
        // even came); a container an even one (34: even expected, odd came).
        assert_eq!(session.check(now, msg_id, 2, &request), Some(35));
        assert_eq!(session.check(now, msg_id, 1, &container), Some(34));
        assert_eq!(session.check(now, msg_id, 1, &request), None);
        assert_eq!(session.check(now, msg_id, 2, &container), None);
        // An acknowledgement is taken with either parity, as Telegram takes it.
        assert_eq!(session.check(now, msg_id, 2, &ack), None);
        assert_eq!(session.check(now, msg_id, 1, &ack), None);
    }

    #[test]
    fn a_ping_is_taken_with_either_seqno_parity() {
        let session = ServerSession::new(
            ServerSessionConfig::default(),
            AuthKey::new([7; 256]),
            9,
            4,
            0,
            0,
        );
        let now = 1_700_000_000;
        let msg_id = (now << 32) | 4;
        let ping = PING.to_le_bytes();
        assert_eq!(session.check(now, msg_id, 1, &ping), None);
        assert_eq!(session.check(now, msg_id, 2, &ping), None);
        // ping_delay_disconnect is content-related as usual.
        let delayed = PING_DELAY_DISCONNECT.to_le_bytes();
        assert_eq!(session.check(now, msg_id, 2, &delayed), Some(35));
    }

    #[test]
    fn a_refused_message_is_reported_as_not_received() {
        let key = AuthKey::new([7; 256]);
        let salts = SaltSchedule::new([1; 32]);
        let unix = Duration::from_secs(1_700_000_000);
        let mut session = ServerSession::new(ServerSessionConfig::default(), key, 9, 4, 0, 0);
        let msg_id = (1_700_000_000i64 << 32) | 4;
        let request = Inner {
            salt: 123,
            session_id: 9,
            msg_id,
            seq_no: 1,
            body: Bytes::from_static(&[1, 0, 0, 0]),
        };
        session.handle_message(unix, request, &salts, false);
        assert_eq!(
            session.poll_event(),
            Some(ServerEvent::Refused { msg_id, code: 48 })
        );
        assert_eq!(session.state_of(1_700_000_000, msg_id), 2);
        // What was accepted is reported as received.
        let accepted = Inner {
            salt: salts.current(1_700_000_000),
            session_id: 9,
            msg_id: msg_id + 4,
            seq_no: 3,
            body: Bytes::from_static(&[1, 0, 0, 0]),
        };
        session.handle_message(unix, accepted, &salts, true);
        assert_eq!(session.state_of(1_700_000_000, msg_id + 4) & 7, 4);
        let mut out = BytesMut::new();
        assert!(session.poll_transmit(unix, 0, &mut SeededRandom::new([2; 32]), &mut out));
    }

    #[test]
    fn only_what_no_answer_acknowledges_at_once_is_acknowledged() {
        let key = AuthKey::new([7; 256]);
        let salts = SaltSchedule::new([1; 32]);
        let now = 1_700_000_000i64;
        let unix = Duration::from_secs(now as u64);
        let mut session = ServerSession::new(ServerSessionConfig::default(), key, 9, 4, 0, 0);
        let ping = functions::Ping { ping_id: 5 }.to_bytes();
        let salts_req = functions::GetFutureSalts { num: 2 }.to_bytes();
        let state_req = types::MsgsStateReq { msg_ids: vec![1] }.to_bytes();
        let delayed = functions::PingDelayDisconnect {
            ping_id: 6,
            disconnect_delay: 75,
        }
        .to_bytes();
        let ack = types::MsgsAck { msg_ids: vec![] }.to_bytes();
        let request = 0xc4f9186b_u32.to_le_bytes().to_vec(); // help.getConfig
        let bodies = [ping, salts_req, state_req, delayed, ack, request];
        let base = (now << 32) | 4;
        for (i, body) in bodies.into_iter().enumerate() {
            let message = Inner {
                salt: salts.current(now),
                session_id: 9,
                msg_id: base + 4 * i as i64,
                // Every one odd, the acknowledgement too (taken, as Telegram takes it).
                seq_no: 2 * i as i32 + 1,
                body: body.into(),
            };
            session.handle_message(unix, message, &salts, true);
        }
        // Only the request, which is answered later, is acknowledged.
        assert_eq!(session.acks, vec![base + 20]);
    }

    #[test]
    fn updates_a_client_does_not_read_are_bounded_and_replaced_by_updates_too_long() {
        let config = ServerSessionConfig {
            max_queued_updates: 8,
            ..ServerSessionConfig::default()
        };
        let key = AuthKey::new([7; 256]);
        let mut session = ServerSession::new(config, key, 9, 4, 0, 0);
        let pushed: Vec<bool> = (0..5_000u32)
            .map(|i| session.push(Bytes::from(i.to_le_bytes().to_vec())))
            .collect();
        // new_session_created and 7 updates fit; the 8th push finds the queue full.
        assert!(pushed[..7].iter().all(|&kept| kept));
        assert!(!pushed[7]);
        assert!(session.outbox.len() <= 8, "{} queued", session.outbox.len());
        assert_eq!(
            constructor_id(&session.outbox[0].0),
            Some(NEW_SESSION_CREATED)
        );
        // One notice, and the updates pushed after it.
        let notices = session
            .outbox
            .iter()
            .filter(|(body, _, _)| body[..] == UPDATES_TOO_LONG)
            .count();
        assert_eq!(notices, 1);
        let last = &session.outbox.back().expect("queued").0;
        assert_eq!(&last[..], &4_999u32.to_le_bytes());
    }
}
