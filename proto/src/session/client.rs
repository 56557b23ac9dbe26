//! The client role of the encrypted session.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use oxigram_tl::mtproto::{functions, types};
use oxigram_tl::{Deserialize, Serialize};

use super::envelope::open_owned;
use super::error::{Dropped, RequestError, ResendReason, RpcError, ServerState};
use super::gzip;
use super::id_map::IdMap;
use super::msg_id::MsgIdGenerator;
use super::outbox::{MAX_ACKS, OutMessage, ack_body, contained, fits, seal_batch};
use super::replay::ReplayWindow;
use super::sent_acks::SentAcks;
use super::service::*;
use super::{Event, RequestId, SessionConfig};
use crate::crypto::message::{AuthKey, Sender};
use crate::pfs::{BindOutcome, Binding, bind_request};
use crate::random::RandomSource;

/// How far ahead of the synchronised clock a server message id may be.
const MAX_AHEAD: i64 = 30;
/// How far behind it may be.
const MAX_BEHIND: i64 = 300;
/// Internal requests take ids from the top half, so they never meet the caller's.
const INTERNAL: u64 = 1 << 63;
/// Ask for more salts when fewer than this many are known ahead.
const MIN_FUTURE_SALTS: usize = 2;

/// What a request is for.
#[derive(Debug, Clone, PartialEq)]
enum Purpose {
    /// The caller's: its answer becomes an [`Event`].
    Caller,
    /// `get_future_salts`.
    Salts,
    /// `ping_delay_disconnect` (keep-alive).
    Ping,
    /// `msgs_state_req` about these message ids.
    State(Vec<i64>),
    /// `rpc_drop_answer` for a cancelled request.
    Drop,
    /// `destroy_session` of another session of ours.
    DestroySession,
    /// `auth.bindTempAuthKey`: its body is made when it goes out, for the message id it
    /// goes out with.
    Bind(Box<Binding>),
}

#[derive(Debug)]
struct Pending {
    /// The body as sent (`gzip_packed` when that is smaller).
    body: Bytes,
    purpose: Purpose,
    /// The id it was last sent with (`None` while queued).
    msg_id: Option<i64>,
    /// Ids it was sent with before; a late answer to any of them still counts.
    old_ids: Vec<i64>,
    /// The container it went out in.
    container: Option<i64>,
    sends: u32,
    /// Times its state was asked without an answer arriving.
    checks: u32,
    sent_at: Option<Instant>,
    /// Sent alone, never in a container (after the server refused a container).
    alone: bool,
    /// Why it was last sent again.
    last_resend: Option<ResendReason>,
    /// What the server last said of it in `msgs_state_info`.
    state: ServerState,
    /// The server answered a state request about it with this error.
    state_refused: Option<RpcError>,
}

/// The client side of an MTProto session over one auth key.
///
/// Feed it decrypted-to-be packets with [`ClientSession::handle_packet`], drain packets to
/// send with [`ClientSession::poll_transmit`] and events with
/// [`ClientSession::poll_event`]. Every request pushed gets exactly one final event.
#[derive(Debug)]
pub struct ClientSession {
    config: SessionConfig,
    key: AuthKey,
    session_id: i64,
    salt: i64,
    /// `(valid_since, valid_until, salt)`, in server time, oldest first.
    future_salts: VecDeque<(i32, i32, i64)>,
    ids: MsgIdGenerator,
    /// Content-related messages sent in this session.
    seq: i32,
    /// Whether the clock offset was confirmed by the server (the time window applies).
    synced: bool,
    requests: IdMap<RequestId, Pending>,
    by_msg_id: IdMap<i64, RequestId>,
    queue: VecDeque<RequestId>,
    /// Content-related service messages to send that expect no answer.
    service: VecDeque<Bytes>,
    acks: Vec<i64>,
    acks_since: Option<Instant>,
    /// Acknowledgements sent on this connection, until the server shows it read them.
    sent_acks: SentAcks,
    replay: ReplayWindow,
    events: VecDeque<Event>,
    next_internal: u64,
    /// The server refused our sequence numbers: start a new session before sending.
    renew_session: bool,
    /// When salts were last asked for (server time, seconds).
    salts_asked_at: Option<i64>,
    /// What the packet being handled may still decompress to
    /// ([`gzip::MAX_UNPACKED_PER_PACKET`] at its start).
    unpack_budget: usize,
    /// Reused between packets.
    batch: Vec<OutMessage>,
    scratch: BytesMut,
    ack_buf: BytesMut,
    /// How the binding of this session's (temporary) key ended, until taken.
    bind_outcome: Option<BindOutcome>,
}

impl ClientSession {
    /// A new session (a random id) over `key`, starting with `salt`, for a clock
    /// `time_offset` seconds behind the server's. `synced` says whether that offset came
    /// from the server (a fresh key exchange) or may be stale (a key loaded from storage);
    /// an unsynced session takes the offset from the first server message that passes
    /// the checks, and holds later ones to the ±30 s / 300 s window.
    pub fn new(
        config: SessionConfig,
        key: AuthKey,
        salt: i64,
        time_offset: i32,
        synced: bool,
        random: &mut dyn RandomSource,
    ) -> Self {
        let mut session = ClientSession {
            config,
            key,
            session_id: 0,
            salt,
            future_salts: VecDeque::new(),
            ids: MsgIdGenerator::new(time_offset),
            seq: 0,
            synced,
            requests: IdMap::default(),
            by_msg_id: IdMap::default(),
            queue: VecDeque::new(),
            service: VecDeque::new(),
            acks: Vec::new(),
            acks_since: None,
            sent_acks: SentAcks::default(),
            replay: ReplayWindow::default(),
            events: VecDeque::new(),
            next_internal: INTERNAL,
            renew_session: false,
            salts_asked_at: None,
            unpack_budget: gzip::MAX_UNPACKED_PER_PACKET,
            batch: Vec::new(),
            scratch: BytesMut::new(),
            ack_buf: BytesMut::new(),
            bind_outcome: None,
        };
        session.start_new_session(random);
        session
    }

    // ----- getters -----

    /// The session id.
    pub fn session_id(&self) -> i64 {
        self.session_id
    }

    /// The salt messages go out with.
    pub fn salt(&self) -> i64 {
        self.salt
    }

    /// Server time minus local time, in seconds.
    pub fn time_offset(&self) -> i32 {
        self.ids.time_offset
    }

    /// The auth key.
    pub fn auth_key(&self) -> &AuthKey {
        &self.key
    }

    /// Requests that have not had their final event.
    pub fn pending(&self) -> usize {
        self.requests.keys().filter(|id| id.0 < INTERNAL).count()
    }

    // ----- mutators -----

    /// Queues a request (a serialized TL function) under `id`.
    pub fn push(&mut self, id: RequestId, body: Bytes) {
        debug_assert!(id.0 < INTERNAL, "caller ids stay below 2^63");
        self.enqueue(id, body, Purpose::Caller);
    }

    /// Cancels a request: a queued one is simply dropped, one in flight gets an
    /// `rpc_drop_answer`. Either way its final event is [`RequestError::Cancelled`].
    /// Returns `false` for an unknown (or already finished) id.
    pub fn cancel(&mut self, id: RequestId) -> bool {
        let Some(pending) = self.forget(id) else {
            return false;
        };
        if let Some(msg_id) = pending.msg_id {
            let body = functions::RpcDropAnswer { req_msg_id: msg_id }.to_bytes();
            self.enqueue_internal(body.into(), Purpose::Drop);
        }
        self.events.push_back(Event::Failed {
            id,
            error: RequestError::Cancelled,
        });
        true
    }

    /// Queues a keep-alive `ping_delay_disconnect`: the server closes the connection if
    /// no other ping comes within `disconnect_delay` seconds.
    pub fn ping(&mut self, ping_id: i64, disconnect_delay: i32) {
        let body = functions::PingDelayDisconnect {
            ping_id,
            disconnect_delay,
        };
        self.enqueue_internal(body.to_bytes().into(), Purpose::Ping);
    }

    /// Queues `auth.bindTempAuthKey` for `binding` ahead of everything queued: this
    /// session's key is the temporary one. The session id and message id in the binding
    /// are the ones it goes out with, each time it goes out. How it ends is
    /// [`ClientSession::take_bind_outcome`].
    pub fn bind(&mut self, binding: Binding) {
        self.enqueue_internal(Bytes::new(), Purpose::Bind(Box::new(binding)));
        if let Some(id) = self.queue.pop_back() {
            self.queue.push_front(id);
        }
    }

    /// How the binding queued with [`ClientSession::bind`] ended, once it has (taken: the
    /// next call says `None`).
    pub fn take_bind_outcome(&mut self) -> Option<BindOutcome> {
        self.bind_outcome.take()
    }

    /// Takes the caller's requests that are queued and not in flight (never sent, or
    /// refused by the server and waiting to go again), oldest first: none of them can
    /// have run, so they may move to another session.
    pub fn take_unsent(&mut self) -> Vec<(RequestId, Bytes)> {
        let mut ids: Vec<RequestId> = self
            .requests
            .iter()
            .filter(|(id, p)| id.0 < INTERNAL && p.msg_id.is_none())
            .map(|(id, _)| *id)
            .collect();
        ids.sort();
        ids.into_iter()
            .filter_map(|id| self.forget(id).map(|p| (id, p.body)))
            .collect()
    }

    /// Asks the server to destroy another session of this key (`destroy_session`).
    pub fn destroy_session(&mut self, session_id: i64) {
        let body = functions::DestroySession { session_id }.to_bytes();
        self.enqueue_internal(body.into(), Purpose::DestroySession);
    }

    /// The connection went down; the session carries on over the next one. Requests in
    /// flight stay pending: the server keeps a session's answers across connections, and
    /// the first packet on the new connection asks for their state, so each is sent again
    /// only if the server never got it, and its answer asked again if it was lost.
    pub fn connection_lost(&mut self, now: Instant) {
        // Acknowledgements it may have lost go again, or the server would keep answers
        // we have in place of ones we lack.
        self.acks.extend(self.sent_acks.take());
        if !self.acks.is_empty() && self.acks_since.is_none() {
            self.acks_since = Some(now);
        }
        let in_flight = self.in_flight();
        let mut ask = Vec::new();
        for id in in_flight {
            let purpose = self.requests[&id].purpose.clone();
            match purpose {
                Purpose::Caller => ask.push(id),
                // Asked again below, or not needed any more.
                Purpose::State(_) | Purpose::Ping => {
                    self.forget(id);
                }
                Purpose::Salts | Purpose::Drop | Purpose::DestroySession | Purpose::Bind(_) => {
                    self.resend(id, ResendReason::NotReceived)
                }
            }
        }
        self.ask_state(now, ask);
    }

    /// The requests sent and not answered, oldest first.
    fn in_flight(&self) -> Vec<RequestId> {
        let mut ids: Vec<RequestId> = self
            .requests
            .iter()
            .filter(|(_, p)| p.msg_id.is_some())
            .map(|(id, _)| *id)
            .collect();
        ids.sort();
        ids
    }

    /// Fails every request in flight with `error`, keeping the queued ones.
    pub fn fail_in_flight(&mut self, error: RequestError) {
        let in_flight = self.in_flight();
        for id in in_flight {
            self.fail(id, error.clone());
        }
    }

    /// Takes every caller request without its final event out of the session, oldest
    /// first, with the body it went out with: for a caller moving them to another session
    /// (the server forgot the key, so none of them can have run).
    pub fn take_requests(&mut self) -> Vec<(RequestId, Bytes)> {
        let mut ids: Vec<RequestId> = self.requests.keys().copied().collect();
        ids.sort();
        // Cleared first: forgetting a queued request would otherwise search the queue.
        self.queue.clear();
        let mut taken = Vec::new();
        for id in ids {
            if let Some(pending) = self.forget(id)
                && id.0 < INTERNAL
            {
                taken.push((id, pending.body));
            }
        }
        taken
    }

    /// The session ends for good: every request fails with [`RequestError::Closed`].
    pub fn close(&mut self) {
        let mut ids: Vec<RequestId> = self.requests.keys().copied().collect();
        ids.sort();
        for id in ids {
            self.forget(id);
            if id.0 < INTERNAL {
                self.events.push_back(Event::Failed {
                    id,
                    error: RequestError::Closed,
                });
            }
        }
        self.queue.clear();
    }

    /// Opens and handles one encrypted packet from the server. Whatever fails a check is
    /// dropped with an [`Event::Dropped`], leaving the session as it was.
    pub fn handle_packet(&mut self, now: Instant, unix: Duration, packet: BytesMut) {
        self.unpack_budget = gzip::MAX_UNPACKED_PER_PACKET;
        let inner = match open_owned(&self.key, Sender::Server, packet) {
            Ok(inner) => inner,
            Err(e) => return self.drop_message(e.into()),
        };
        if inner.session_id != self.session_id {
            return self.drop_message(Dropped::SessionId(inner.session_id));
        }
        if let Err(reason) = self.check_id(inner.msg_id, &inner.body, unix) {
            return self.drop_message(reason);
        }
        if !self.synced {
            self.sync_from(inner.msg_id, unix);
        }
        if constructor_id(&inner.body) == Some(MSG_CONTAINER) {
            // Checked whole before anything in it is acted on.
            let valid = contained(&inner.body).is_some_and(|mut messages| {
                messages.all(|(msg_id, _, body)| {
                    msg_id < inner.msg_id && constructor_id(&body) != Some(MSG_CONTAINER)
                })
            });
            if !valid {
                return self.drop_message(Dropped::Container);
            }
            self.replay.insert(inner.msg_id);
            for (msg_id, seq_no, body) in contained(&inner.body).expect("checked above") {
                if let Err(reason) = self.check_id(msg_id, &body, unix) {
                    self.drop_message(reason);
                    continue;
                }
                self.accept(now, unix, msg_id, seq_no, body);
            }
        } else {
            self.accept(now, unix, inner.msg_id, inner.seq_no, inner.body);
        }
    }

    /// Asks about requests that went unanswered for too long, and sends again internal
    /// requests that did.
    pub fn handle_timeout(&mut self, now: Instant) {
        let stale = self.config.state_check_after;
        let mut late: Vec<RequestId> = self
            .requests
            .iter()
            .filter(|(_, p)| p.sent_at.is_some_and(|t| now >= t + stale))
            .map(|(id, _)| *id)
            .collect();
        late.sort();
        let mut ask = Vec::new();
        for id in late {
            if id.0 >= INTERNAL {
                self.resend(id, ResendReason::NotReceived);
            } else if let Some(error) = self.requests.get(&id).and_then(|p| p.state_refused.clone())
            {
                // The server would not say whether it has the request, and its answer did
                // not come in the time since: end it, rather than send it again and risk
                // running it twice, or ask again a server that refuses to answer.
                self.fail(id, RequestError::StateRefused(error));
            } else {
                ask.push(id);
            }
        }
        self.ask_state(now, ask);
    }

    /// Queues a `msgs_state_req` about these requests in flight; one asked about too many
    /// times without an answer fails.
    fn ask_state(&mut self, now: Instant, ids: Vec<RequestId>) {
        let mut msg_ids = Vec::new();
        for id in ids {
            let Some(p) = self.requests.get_mut(&id) else {
                continue;
            };
            p.checks += 1;
            p.sent_at = Some(now);
            if p.checks > self.config.max_sends {
                let error = RequestError::Unanswered {
                    checks: p.checks - 1,
                    state: p.state,
                };
                self.fail(id, error);
            } else if let Some(msg_id) = p.msg_id {
                msg_ids.push(msg_id);
            }
        }
        if !msg_ids.is_empty() {
            let body = types::MsgsStateReq {
                msg_ids: msg_ids.clone(),
            };
            self.enqueue_internal(body.to_bytes().into(), Purpose::State(msg_ids));
        }
    }

    // ----- polls -----

    /// Seals the next packet into `out` (the salt, acks, service messages and as many
    /// queued requests as a container holds). Returns whether it wrote one.
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        unix: Duration,
        random: &mut dyn RandomSource,
        out: &mut BytesMut,
    ) -> bool {
        if std::mem::take(&mut self.renew_session) {
            self.start_new_session(random);
        }
        self.refresh_salt(unix);
        let acks_due = !self.acks.is_empty()
            && (self.acks.len() >= self.config.max_pending_acks
                || self
                    .acks_since
                    .is_some_and(|t| now >= t + self.config.ack_delay));
        if self.queue.is_empty() && self.service.is_empty() && !acks_due {
            return false;
        }
        let mut batch = std::mem::take(&mut self.batch);
        batch.clear();
        let mut bytes = 0;
        if !self.acks.is_empty() {
            // The packet's first id: an answer to it or anything after it shows the
            // acknowledgements arrived.
            let msg_id = self.ids.next(unix);
            let sent = self.acks.len().min(MAX_ACKS);
            self.sent_acks.record(msg_id, &self.acks[..sent]);
            let body = ack_body(&mut self.acks, &mut self.ack_buf);
            bytes += body.len();
            batch.push(OutMessage {
                msg_id,
                seq_no: self.seq * 2,
                body,
            });
            if self.acks.is_empty() {
                self.acks_since = None;
            }
        }
        while let Some(body) = self.service.front() {
            if !fits(batch.len(), bytes, body.len()) {
                break;
            }
            let body = self.service.pop_front().expect("front exists");
            bytes += body.len();
            let (msg_id, seq_no) = self.next_content_id(unix);
            batch.push(OutMessage {
                msg_id,
                seq_no,
                body,
            });
        }
        while let Some(&id) = self.queue.front() {
            let Some(pending) = self.requests.get(&id) else {
                self.queue.pop_front();
                continue;
            };
            if pending.sends >= self.config.max_sends {
                self.queue.pop_front();
                let error = RequestError::TooManySends {
                    sends: pending.sends,
                    last: pending.last_resend,
                };
                self.fail(id, error);
                continue;
            }
            let alone = pending.alone;
            if !fits(batch.len(), bytes, pending.body.len()) || (alone && !batch.is_empty()) {
                break;
            }
            self.queue.pop_front();
            let (msg_id, seq_no) = self.next_content_id(unix);
            let session_id = self.session_id;
            let pending = self.requests.get_mut(&id).expect("checked above");
            if let Purpose::Bind(binding) = &mut pending.purpose {
                // The binding names the session and message it travels in.
                binding.temp_session_id = session_id;
                pending.body = bind_request(binding, msg_id, random).into();
            }
            pending.msg_id = Some(msg_id);
            pending.sends += 1;
            pending.sent_at = Some(now);
            bytes += pending.body.len();
            batch.push(OutMessage {
                msg_id,
                seq_no,
                body: pending.body.clone(),
            });
            self.by_msg_id.insert(msg_id, id);
            if alone {
                break;
            }
        }
        let container = (batch.len() > 1).then(|| (self.ids.next(unix), self.seq * 2));
        if let Some((container_id, _)) = container {
            for message in &batch {
                if let Some(id) = self.by_msg_id.get(&message.msg_id)
                    && let Some(p) = self.requests.get_mut(id)
                {
                    p.container = Some(container_id);
                }
            }
        }
        let written = !batch.is_empty();
        seal_batch(
            &self.key,
            Sender::Client,
            (self.salt, self.session_id),
            &batch,
            container,
            &mut self.scratch,
            random,
            out,
        );
        // Keep the vector's capacity, not the bodies.
        batch.clear();
        self.batch = batch;
        written
    }

    /// The next event, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`ClientSession::handle_timeout`] or [`ClientSession::poll_transmit`] next has
    /// work: acknowledgements to flush, or a request to ask about.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let acks = self.acks_since.map(|t| t + self.config.ack_delay);
        let stale = self
            .requests
            .values()
            .filter_map(|p| p.sent_at)
            .min()
            .map(|t| t + self.config.state_check_after);
        [acks, stale].into_iter().flatten().min()
    }

    /// Whether there is something to send right away.
    pub fn wants_transmit(&self) -> bool {
        !self.queue.is_empty()
            || !self.service.is_empty()
            || self.acks.len() >= self.config.max_pending_acks
    }

    // ----- incoming -----

    fn drop_message(&mut self, reason: Dropped) {
        tracing::debug!(%reason, "dropped an incoming message");
        self.events.push_back(Event::Dropped(reason));
    }

    /// The checks on a server message id: parity, replay, and (once synchronised) the
    /// time window, which time and salt notices are exempt from.
    fn check_id(&self, msg_id: i64, body: &[u8], unix: Duration) -> Result<(), Dropped> {
        if msg_id & 1 != 1 {
            return Err(Dropped::MsgIdParity(msg_id));
        }
        if !self.replay.is_fresh(msg_id) {
            return Err(Dropped::Replayed(msg_id));
        }
        let notice = matches!(
            constructor_id(body),
            Some(BAD_MSG_NOTIFICATION | BAD_SERVER_SALT)
        );
        if self.synced && !notice {
            let server_now = unix.as_secs() as i64 + i64::from(self.ids.time_offset);
            let at = msg_id_seconds(msg_id);
            if at > server_now + MAX_AHEAD || at < server_now - MAX_BEHIND {
                return Err(Dropped::TimeWindow(msg_id));
            }
        }
        Ok(())
    }

    /// Takes the server's clock from the first message of the session that passed the
    /// other checks. It is fresh: it carries our session id, which is new and random, so
    /// the server wrote it after our first message reached it (no recording of an
    /// earlier session can pass). From here on the time window applies, also to a key
    /// loaded from storage whose saved offset may be stale.
    fn sync_from(&mut self, msg_id: i64, unix: Duration) {
        let offset = msg_id_seconds(msg_id) - unix.as_secs() as i64;
        let offset = offset.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        if offset != self.ids.time_offset {
            tracing::debug!(offset, "time offset taken from the server's first message");
            // Ids keep increasing within the session: one far off was refused with a
            // notice (16/17), which resets them.
            self.ids.adjust_offset(offset);
        }
        self.synced = true;
    }

    /// Records a checked message and acts on it.
    fn accept(&mut self, now: Instant, unix: Duration, msg_id: i64, seq_no: i32, body: Bytes) {
        self.replay.insert(msg_id);
        if seq_no & 1 == 1 {
            if self.acks.is_empty() {
                self.acks_since = Some(now);
            }
            self.acks.push(msg_id);
        }
        self.dispatch(unix, msg_id, body, true);
    }

    fn dispatch(&mut self, unix: Duration, msg_id: i64, body: Bytes, outer: bool) {
        let Some(id) = constructor_id(&body) else {
            return self.drop_message(Dropped::Malformed("empty"));
        };
        match id {
            RPC_RESULT => match types::RpcResult::from_shared(&body) {
                Ok(r) => self.on_result(r.req_msg_id, r.result.0),
                Err(_) => self.drop_message(Dropped::Malformed("rpc_result")),
            },
            MSGS_ACK => {
                // Acknowledged requests still wait for their answers; nothing to do.
            }
            BAD_SERVER_SALT => match types::BadServerSalt::from_bytes(&body) {
                Ok(n) => {
                    self.salt = n.new_server_salt;
                    self.future_salts.clear();
                    for id in self.targets(n.bad_msg_id) {
                        self.resend(id, ResendReason::BadServerSalt);
                    }
                }
                Err(_) => self.drop_message(Dropped::Malformed("bad_server_salt")),
            },
            BAD_MSG_NOTIFICATION => match types::BadMsgNotification::from_bytes(&body) {
                Ok(n) => self.on_bad_msg(unix, msg_id, n.bad_msg_id, n.error_code),
                Err(_) => self.drop_message(Dropped::Malformed("bad_msg_notification")),
            },
            NEW_SESSION_CREATED => match types::NewSessionCreated::from_bytes(&body) {
                Ok(n) => {
                    self.salt = n.server_salt;
                    // Lost are the messages before first_msg_id. A request in a container
                    // counts as sent with the container's id too: some servers name the
                    // container there, and what travelled in it did arrive (sending it
                    // again would run it twice).
                    let first = n.first_msg_id;
                    let mut before: Vec<RequestId> = self
                        .requests
                        .iter()
                        .filter(|(_, p)| {
                            p.msg_id.is_some_and(|m| m < first)
                                && p.container.is_none_or(|c| c < first)
                        })
                        .map(|(id, _)| *id)
                        .collect();
                    before.sort();
                    for id in before {
                        self.resend(id, ResendReason::NewSession);
                    }
                    self.events.push_back(Event::UpdatesGap);
                }
                Err(_) => self.drop_message(Dropped::Malformed("new_session_created")),
            },
            PONG => match types::Pong::from_bytes(&body) {
                Ok(p) => self.on_result(p.msg_id, body),
                Err(_) => self.drop_message(Dropped::Malformed("pong")),
            },
            FUTURE_SALTS => match types::FutureSalts::from_bytes(&body) {
                Ok(s) => self.on_result(s.req_msg_id, body),
                Err(_) => self.drop_message(Dropped::Malformed("future_salts")),
            },
            MSGS_STATE_REQ => match types::MsgsStateReq::from_bytes(&body) {
                Ok(req) => {
                    let info = req.msg_ids.iter().map(|&id| self.state_of(id)).collect();
                    let answer = types::MsgsStateInfo {
                        req_msg_id: msg_id,
                        info,
                    };
                    self.service.push_back(answer.to_bytes().into());
                }
                Err(_) => self.drop_message(Dropped::Malformed("msgs_state_req")),
            },
            MSG_RESEND_REQ | MSG_RESEND_ANS_REQ => match resend_request_ids(&body) {
                Some(msg_ids) => {
                    for m in msg_ids {
                        if let Some(&id) = self.by_msg_id.get(&m) {
                            self.resend(id, ResendReason::ServerAsked);
                        }
                    }
                }
                None => self.drop_message(Dropped::Malformed("msg_resend_req")),
            },
            MSGS_STATE_INFO => match types::MsgsStateInfo::from_shared(&body) {
                Ok(info) => self.on_result(info.req_msg_id, body),
                Err(_) => self.drop_message(Dropped::Malformed("msgs_state_info")),
            },
            MSGS_ALL_INFO => match types::MsgsAllInfo::from_bytes(&body) {
                Ok(all) => self.act_on_states(&all.msg_ids, &all.info),
                Err(_) => self.drop_message(Dropped::Malformed("msgs_all_info")),
            },
            MSG_DETAILED_INFO => match types::MsgDetailedInfo::from_bytes(&body) {
                Ok(info) => self.on_detailed_info(info.answer_msg_id),
                Err(_) => self.drop_message(Dropped::Malformed("msg_detailed_info")),
            },
            MSG_NEW_DETAILED_INFO => match types::MsgNewDetailedInfo::from_bytes(&body) {
                Ok(info) => self.on_detailed_info(info.answer_msg_id),
                Err(_) => self.drop_message(Dropped::Malformed("msg_new_detailed_info")),
            },
            DESTROY_SESSION_OK | DESTROY_SESSION_NONE => {
                let waiting = self
                    .requests
                    .iter()
                    .filter(|(_, p)| p.purpose == Purpose::DestroySession && p.msg_id.is_some())
                    .map(|(id, _)| *id)
                    .min();
                if let Some(id) = waiting {
                    self.forget(id);
                }
            }
            GZIP_PACKED if outer => match gzip::unpack_within(&body, &mut self.unpack_budget) {
                Ok(inner) => self.dispatch(unix, msg_id, inner, false),
                Err(e) => self.drop_message(Dropped::Gzip(e)),
            },
            MSG_COPY if outer => match types::MsgCopy::from_shared(&body) {
                Ok(copy) => {
                    let oxigram_tl::mtproto::enums::Message::Message(m) = copy.orig_message;
                    self.dispatch(unix, m.msg_id, m.body.0, false)
                }
                Err(_) => self.drop_message(Dropped::Malformed("msg_copy")),
            },
            HTTP_WAIT => {}
            GZIP_PACKED | MSG_COPY | MSG_CONTAINER => self.drop_message(Dropped::Container),
            constructor_id => self.events.push_back(Event::Update {
                constructor_id,
                body,
            }),
        }
    }

    /// An answer (`rpc_result`'s result, or a service answer) to the message `req_msg_id`.
    fn on_result(&mut self, req_msg_id: i64, result: Bytes) {
        let Some(&id) = self.by_msg_id.get(&req_msg_id) else {
            let members = self.in_container(req_msg_id);
            if !members.is_empty() {
                self.sent_acks.confirm(req_msg_id);
                return self.on_container_result(req_msg_id, members, result);
            }
            // An answer to something already answered (or never ours): ignoring it keeps
            // every request to exactly one final event.
            tracing::debug!(req_msg_id, "answer to an unknown message");
            return;
        };
        // Only an answer to a message of ours tells what arrived.
        self.sent_acks.confirm(req_msg_id);
        let Some(pending) = self.forget(id) else {
            return;
        };
        let outcome = read_result(result, &mut self.unpack_budget);
        self.finish(id, pending.purpose, outcome);
    }

    /// An `rpc_result` addressed to the container `container` rather than to a message in
    /// it (servers that cannot parse a container answer it so). An error there ends each
    /// caller's request in it with that error, at once and once: the server may have run
    /// some of them, so sending them again could run them twice. Internal requests
    /// (salts, state questions, pings) are harmless to repeat and go again, alone.
    fn on_container_result(&mut self, container: i64, members: Vec<RequestId>, result: Bytes) {
        let error = match read_result(result, &mut self.unpack_budget) {
            Ok(Err(error)) => error,
            other => {
                // Not an error: nothing to act on, and each request still has its own
                // answer (or its state check) to come.
                tracing::debug!(container, ?other, "a result addressed to a container");
                return;
            }
        };
        tracing::debug!(container, %error, "the server answered a container with an error");
        for id in members {
            if id.0 >= INTERNAL {
                if let Some(p) = self.requests.get_mut(&id) {
                    p.alone = true;
                }
                self.resend(id, ResendReason::ContainerRefused);
            } else if let Some(p) = self.forget(id) {
                self.finish(id, p.purpose, Ok(Err(error.clone())));
            }
        }
    }

    fn finish(
        &mut self,
        id: RequestId,
        purpose: Purpose,
        outcome: Result<Result<Bytes, RpcError>, RequestError>,
    ) {
        match (purpose, outcome) {
            (Purpose::Caller, Ok(result)) => self.events.push_back(Event::Response { id, result }),
            (Purpose::Caller, Err(error)) => self.events.push_back(Event::Failed { id, error }),
            (Purpose::Salts, Ok(Ok(body))) => {
                if let Ok(salts) = types::FutureSalts::from_bytes(&body) {
                    self.future_salts = salts
                        .salts
                        .iter()
                        .map(|s| (s.valid_since, s.valid_until, s.salt))
                        .collect();
                    self.future_salts.make_contiguous().sort();
                }
            }
            (Purpose::State(msg_ids), Ok(Ok(body))) => {
                if let Ok(info) = types::MsgsStateInfo::from_shared(&body) {
                    self.act_on_states(&msg_ids, &info.info);
                }
            }
            (Purpose::Bind(_), outcome) => {
                self.bind_outcome = Some(match outcome {
                    Ok(Ok(body)) if body[..] == BOOL_TRUE.to_le_bytes() => BindOutcome::Bound,
                    Ok(Ok(_)) => BindOutcome::Unexpected,
                    Ok(Err(error)) => BindOutcome::Refused(error),
                    Err(error) => BindOutcome::Failed(error),
                });
            }
            (Purpose::State(msg_ids), Ok(Err(error))) => {
                // The server will not say what it has. The requests asked about wait one
                // more period for their answers, then fail (`handle_timeout`): never sent
                // again, never asked about again.
                tracing::debug!(%error, "the server refused a msgs_state_req");
                for msg_id in msg_ids {
                    if let Some(&id) = self.by_msg_id.get(&msg_id)
                        && let Some(p) = self.requests.get_mut(&id)
                        && p.msg_id == Some(msg_id)
                    {
                        p.state_refused = Some(error.clone());
                    }
                }
            }
            (purpose, outcome) => {
                // Internal requests whose answer is not of use: their purpose is served by
                // asking again later (salts, pings) or by the caller's own request.
                tracing::debug!(?purpose, ?outcome, "an internal request ended");
            }
        }
    }

    /// Acts on the server's view of our messages: what it never received goes again,
    /// what it answered has its answer asked for again.
    fn act_on_states(&mut self, msg_ids: &[i64], states: &[u8]) {
        let mut ask_answers = Vec::new();
        for (&msg_id, &state) in msg_ids.iter().zip(states) {
            let Some(&id) = self.by_msg_id.get(&msg_id) else {
                continue;
            };
            if self.requests.get(&id).and_then(|p| p.msg_id) != Some(msg_id) {
                continue;
            }
            if let Some(p) = self.requests.get_mut(&id) {
                p.state = match state & 7 {
                    4 if state & 64 != 0 => ServerState::Answered,
                    4 if state & 32 != 0 => ServerState::Running,
                    4 => ServerState::Received,
                    _ => p.state,
                };
            }
            match state & 7 {
                1..=3 => self.resend(id, ResendReason::NotReceived),
                // Received, and an answer generated: it was lost on the way.
                4 if state & 64 != 0 => ask_answers.push(msg_id),
                // Received and still being worked on: a slow answer is not a lost one, so
                // the question does not count against the request.
                4 if state & 32 != 0 => {
                    if let Some(p) = self.requests.get_mut(&id) {
                        p.checks = 0;
                    }
                }
                // Received but neither running nor answered (refused, and the notice lost):
                // asked again later, and failed once asked too often. Sending it again
                // could run it twice on a server that has yet to start it.
                _ => {}
            }
        }
        if !ask_answers.is_empty() {
            let body = types::MsgResendAnsReq {
                msg_ids: ask_answers,
            };
            self.service.push_back(body.to_bytes().into());
        }
    }

    fn on_detailed_info(&mut self, answer_msg_id: i64) {
        if self.replay.contains(answer_msg_id) {
            self.acks.push(answer_msg_id);
        } else {
            let body = types::MsgResendReq {
                msg_ids: vec![answer_msg_id],
            };
            self.service.push_back(body.to_bytes().into());
        }
    }

    fn on_bad_msg(&mut self, unix: Duration, notice_id: i64, bad_msg_id: i64, code: i32) {
        let targets = self.targets(bad_msg_id);
        match code {
            16 | 17 => {
                // The notice's own id carries the server's clock.
                let server = msg_id_seconds(notice_id);
                self.ids.set_offset((server - unix.as_secs() as i64) as i32);
                self.synced = true;
            }
            32 | 33 => {
                // Our sequence numbers and the server's disagree: start afresh.
                let mut all: Vec<RequestId> = self.requests.keys().copied().collect();
                all.sort();
                // The new session id needs randomness: the next transmit draws it.
                self.renew_session = true;
                for id in all {
                    if self.requests.get(&id).is_some_and(|p| p.msg_id.is_some()) {
                        self.resend(id, ResendReason::BadMessage(code));
                    }
                }
                return;
            }
            18..=20 | 34 | 35 | 48 | 64 => {}
            _ => {
                for id in targets {
                    self.fail(id, RequestError::BadMessage(code));
                }
                return;
            }
        }
        // A notice naming a container (or saying containers are refused) is about the
        // container: its messages were not processed, so each goes again alone.
        let container = !self.by_msg_id.contains_key(&bad_msg_id);
        for id in targets {
            if (container || code == 64)
                && let Some(p) = self.requests.get_mut(&id)
            {
                p.alone = true;
            }
            self.resend(id, ResendReason::BadMessage(code));
        }
    }

    /// The requests a notice about `msg_id` concerns: the one sent with it, or every one
    /// in the container it names.
    fn targets(&self, msg_id: i64) -> Vec<RequestId> {
        if let Some(&id) = self.by_msg_id.get(&msg_id) {
            return vec![id];
        }
        self.in_container(msg_id)
    }

    /// The requests in flight in the container `msg_id`, oldest first.
    fn in_container(&self, msg_id: i64) -> Vec<RequestId> {
        let mut ids: Vec<RequestId> = self
            .requests
            .iter()
            .filter(|(_, p)| p.container == Some(msg_id) && p.msg_id.is_some())
            .map(|(id, _)| *id)
            .collect();
        ids.sort();
        ids
    }

    /// What we know of a server message, as `msgs_state_info` reports it.
    fn state_of(&self, msg_id: i64) -> u8 {
        if self.replay.contains(msg_id) {
            // Received, and acknowledged (or about to be).
            4 | 8
        } else if self.replay.below_floor(msg_id) {
            2
        } else {
            1
        }
    }

    // ----- outgoing -----

    fn enqueue(&mut self, id: RequestId, body: Bytes, purpose: Purpose) {
        let body = if body.len() >= self.config.gzip_threshold && gzip::looks_compressible(&body) {
            gzip::pack(&body).unwrap_or(body)
        } else {
            body
        };
        self.requests.insert(
            id,
            Pending {
                body,
                purpose,
                msg_id: None,
                old_ids: Vec::new(),
                container: None,
                sends: 0,
                checks: 0,
                sent_at: None,
                alone: false,
                last_resend: None,
                state: ServerState::Silent,
                state_refused: None,
            },
        );
        self.queue.push_back(id);
    }

    fn enqueue_internal(&mut self, body: Bytes, purpose: Purpose) {
        let id = RequestId(self.next_internal);
        self.next_internal += 1;
        self.enqueue(id, body, purpose);
    }

    /// Queues a request again, to go out with a new id.
    fn resend(&mut self, id: RequestId, reason: ResendReason) {
        if self.unsend(id) {
            if let Some(p) = self.requests.get_mut(&id) {
                p.last_resend = Some(reason);
            }
            self.queue.push_back(id);
        }
    }

    /// Marks a sent request as queued again; `false` if it was not in flight.
    fn unsend(&mut self, id: RequestId) -> bool {
        let Some(p) = self.requests.get_mut(&id) else {
            return false;
        };
        let Some(msg_id) = p.msg_id.take() else {
            return false;
        };
        p.old_ids.push(msg_id);
        p.sent_at = None;
        p.container = None;
        // A state refusal was about the id just retired.
        p.state_refused = None;
        true
    }

    fn fail(&mut self, id: RequestId, error: RequestError) {
        match self.forget(id).map(|p| p.purpose) {
            Some(Purpose::Caller) => self.events.push_back(Event::Failed { id, error }),
            Some(Purpose::Bind(_)) => self.bind_outcome = Some(BindOutcome::Failed(error)),
            _ => {}
        }
    }

    /// Removes a request and every id it was sent with.
    fn forget(&mut self, id: RequestId) -> Option<Pending> {
        let p = self.requests.remove(&id)?;
        for msg_id in p.msg_id.iter().chain(&p.old_ids) {
            self.by_msg_id.remove(msg_id);
        }
        if p.msg_id.is_none() {
            self.queue.retain(|&q| q != id);
        }
        Some(p)
    }

    fn next_content_id(&mut self, unix: Duration) -> (i64, i32) {
        let msg_id = self.ids.next(unix);
        let seq_no = self.seq * 2 + 1;
        self.seq += 1;
        (msg_id, seq_no)
    }

    /// Moves to the newest salt whose time has come, and asks for more when few are left
    /// (at most once a minute, so a server that sends few does not get asked endlessly).
    fn refresh_salt(&mut self, unix: Duration) {
        let server_now = unix.as_secs() as i64 + i64::from(self.ids.time_offset);
        self.future_salts
            .retain(|&(_, until, _)| i64::from(until) > server_now);
        if let Some(&(_, _, salt)) = self
            .future_salts
            .iter()
            .rev()
            .find(|&&(since, _, _)| i64::from(since) <= server_now)
        {
            self.salt = salt;
        }
        let ahead = self
            .future_salts
            .iter()
            .filter(|&&(since, _, _)| i64::from(since) > server_now)
            .count();
        let recently = self.salts_asked_at.is_some_and(|t| server_now < t + 60);
        // Checked last: it walks every pending request, and runs before every packet.
        let due = ahead < MIN_FUTURE_SALTS && !recently;
        if due && !self.requests.values().any(|p| p.purpose == Purpose::Salts) {
            self.salts_asked_at = Some(server_now);
            let body = functions::GetFutureSalts { num: 8 }.to_bytes();
            self.enqueue_internal(body.into(), Purpose::Salts);
            // Salts first: the rest of the packet may need them.
            if let Some(id) = self.queue.pop_back() {
                self.queue.push_front(id);
            }
        }
    }

    fn start_new_session(&mut self, random: &mut dyn RandomSource) {
        let mut id = [0u8; 8];
        random.fill(&mut id);
        self.session_id = i64::from_le_bytes(id);
        self.seq = 0;
        self.replay.clear();
        self.sent_acks.clear();
    }
}

/// An answer's body read: unpacked (from `budget`) if it came `gzip_packed`, and an
/// `rpc_error` decoded.
fn read_result(result: Bytes, budget: &mut usize) -> Result<Result<Bytes, RpcError>, RequestError> {
    let result = match constructor_id(&result) {
        Some(GZIP_PACKED) => gzip::unpack_within(&result, budget)?,
        _ => result,
    };
    match constructor_id(&result) {
        Some(RPC_ERROR) => match types::RpcError::from_bytes(&result) {
            Ok(e) => Ok(Err(RpcError::new(e.error_code, &e.error_message))),
            Err(_) => Err(RequestError::MalformedError),
        },
        _ => Ok(Ok(result)),
    }
}

/// The ids of a `msg_resend_req` or `msg_resend_ans_req` (the same layout).
fn resend_request_ids(body: &[u8]) -> Option<Vec<i64>> {
    match constructor_id(body)? {
        MSG_RESEND_REQ => types::MsgResendReq::from_bytes(body)
            .ok()
            .map(|r| r.msg_ids),
        _ => types::MsgResendAnsReq::from_bytes(body)
            .ok()
            .map(|r| r.msg_ids),
    }
}
