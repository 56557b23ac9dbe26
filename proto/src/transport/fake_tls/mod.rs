//! Fake TLS, the transport of `ee` MTProxy secrets: the connection opens with what looks
//! like a TLS 1.3 handshake to the secret's domain, and the obfuscated2 stream (keyed
//! with the secret's 16 bytes, padded intermediate framing) then travels in
//! application-data records.
//!
//! The client sends its hello alone and holds what it has to send until the server's
//! answer arrived and was checked, as a TLS 1.3 client waits for the server's flight
//! before it sends its ChangeCipherSpec and data (a client that talks first does not look
//! like a browser). What it holds meanwhile is what the session sends in its first round
//! trip, which the session's own queues bound.
//! A server ([`FakeTlsAcceptor`]) checks the hello's digest, its clock and that it has not
//! seen it before, and answers before anything else.

use bytes::{Buf, BytesMut};

use super::{Frame, Kind, Obfuscated, TransportError};
use crate::random::RandomSource;

mod curve;
mod hello;
mod records;
mod replay;

use records::CHANGE_CIPHER_SPEC_RECORD;
use replay::ReplayCache;

/// Why a fake-TLS connection cannot go on. It must be closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FakeTlsError {
    /// (Server) the connection does not open with a TLS handshake record.
    #[error("the connection does not open with a TLS hello")]
    NotTls,
    /// (Server) a ClientHello whose layout does not hold together.
    #[error("malformed TLS ClientHello")]
    MalformedHello,
    /// (Server) a hello whose digest was not made with this proxy's key.
    #[error("the TLS hello's digest does not match the proxy secret")]
    BadDigest,
    /// (Server) a hello from a client whose clock is too far from ours, in seconds.
    #[error("the TLS hello is {skew} s away from the server's clock")]
    ClockSkew {
        /// The client's time minus the server's.
        skew: i64,
    },
    /// (Server) a hello seen before.
    #[error("the TLS hello was seen before (a replay)")]
    Replayed,
    /// (Client) the server's answer is not ServerHello, ChangeCipherSpec and an
    /// application-data record.
    #[error("malformed TLS server answer")]
    MalformedServerHello,
    /// (Client) the server's answer was not made with the proxy's key for our hello.
    #[error("the TLS server answer's digest does not match the proxy secret")]
    BadServerDigest,
    /// A record of a type or version that has no place after the hellos.
    #[error("unexpected TLS record of type {0:#04x}")]
    UnexpectedRecord(u8),
    /// A record longer than TLS allows, refused as soon as its length arrived.
    #[error("TLS record of {0} bytes, longer than TLS allows")]
    RecordTooLarge(usize),
}

/// How far a client's clock may be from the server's by default, in seconds, either way.
pub const DEFAULT_CLOCK_WINDOW: u32 = 120;

/// How many accepted hellos a server remembers by default to refuse replays.
pub const DEFAULT_REPLAY_CAPACITY: usize = 4096;

/// obfuscated2 inside fake-TLS records, either side.
pub struct FakeTls {
    inner: Obfuscated,
    key: [u8; 16],
    /// What this side still has to send before its first record: the client's hello
    /// and ChangeCipherSpec, or the server's answer.
    preamble: Option<Vec<u8>>,
    /// (Client) the digest of our hello, until the server's answer was checked.
    awaiting_answer: Option<[u8; 32]>,
    /// (Client) records made before the server's answer was checked, and whether the
    /// ChangeCipherSpec that goes before the first of them was sent.
    held: BytesMut,
    change_cipher_spec_sent: bool,
    /// Record payloads received and not yet framed: a record is moved here only when the
    /// frames already here are incomplete, and the inner framer refuses a frame longer
    /// than its limit, so this holds at most one frame and one record.
    plain: BytesMut,
    /// Obfuscated bytes on their way into records.
    scratch: BytesMut,
}

impl std::fmt::Debug for FakeTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeTls")
            .field("kind", &self.inner.kind())
            .field("handshaking", &self.awaiting_answer.is_some())
            .finish_non_exhaustive()
    }
}

impl FakeTls {
    /// The client side, for a proxy with `key` and `domain`, at client time `unix`
    /// (seconds since the epoch). `dc` goes in the obfuscated header; the framing is
    /// padded intermediate, as these proxies want.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use oxigram_proto::random::SeededRandom;
    /// use oxigram_proto::transport::FakeTls;
    ///
    /// let mut random = SeededRandom::new([1; 32]);
    /// let mut client = FakeTls::client(Some(2), &[9; 16], "example.com", 1_700_000_000, &mut random);
    /// let mut wire = BytesMut::new();
    /// client.encode(&[0; 8], &mut wire, &mut random);
    /// // A TLS handshake record opens the connection.
    /// assert_eq!(&wire[..3], &[0x16, 0x03, 0x01]);
    /// ```
    pub fn client(
        dc: Option<i16>,
        key: &[u8; 16],
        domain: &str,
        unix: u32,
        random: &mut dyn RandomSource,
    ) -> Self {
        let preamble = hello::client_hello(key, domain, unix, random);
        let digest: [u8; 32] = preamble[hello::DIGEST_AT..hello::DIGEST_AT + 32]
            .try_into()
            .expect("32 bytes");
        FakeTls {
            inner: Obfuscated::client(Kind::PaddedIntermediate, dc, Some(key), random),
            key: *key,
            preamble: Some(preamble),
            awaiting_answer: Some(digest),
            held: BytesMut::new(),
            change_cipher_spec_sent: false,
            plain: BytesMut::new(),
            scratch: BytesMut::new(),
        }
    }

    /// The DC the obfuscated header inside names (see
    /// [`super::Obfuscated::header_dc`]).
    pub fn header_dc(&self) -> Option<i16> {
        self.inner.header_dc()
    }

    /// The transport inside (for a server, known once the obfuscated header arrived).
    pub fn kind(&self) -> Kind {
        self.inner.kind()
    }

    /// The longest frame received, see [`super::Framer::max_payload`].
    pub fn max_payload(&self) -> usize {
        self.inner.max_payload()
    }

    /// Sets [`FakeTls::max_payload`].
    pub fn set_max_payload(&mut self, max: usize) {
        self.inner.set_max_payload(max);
    }

    /// Appends what this side has to send and has not: the client's hello or the
    /// server's answer, once, and (a client, once the server's answer was checked) the
    /// records it held until then behind a ChangeCipherSpec; returns how many bytes.
    /// Call it after [`FakeTls::decode`] read the answer, or the held records wait for
    /// the next frame sent.
    pub fn flush(&mut self, out: &mut BytesMut) -> usize {
        let start = out.len();
        if let Some(preamble) = self.preamble.take() {
            out.extend_from_slice(&preamble);
        }
        if self.awaiting_answer.is_none() && !self.held.is_empty() {
            self.send_change_cipher_spec(out);
            out.extend_from_slice(&self.held);
            // Held only for the first round trip: no need to keep its room.
            self.held = BytesMut::new();
        }
        out.len() - start
    }

    fn send_change_cipher_spec(&mut self, out: &mut BytesMut) {
        if !self.change_cipher_spec_sent {
            out.extend_from_slice(&CHANGE_CIPHER_SPEC_RECORD);
            self.change_cipher_spec_sent = true;
        }
    }

    /// Where records go now: held until the server's answer was checked (a client),
    /// otherwise out, after the ChangeCipherSpec if it is the first.
    fn records_out<'a>(&'a mut self, out: &'a mut BytesMut) -> &'a mut BytesMut {
        self.flush(out);
        if self.awaiting_answer.is_some() {
            return &mut self.held;
        }
        self.send_change_cipher_spec(out);
        out
    }

    /// Appends a frame carrying `payload` in application-data records (after the
    /// preamble, if it has not gone out yet).
    pub fn encode(&mut self, payload: &[u8], out: &mut BytesMut, random: &mut dyn RandomSource) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        self.inner.encode(payload, &mut scratch, random);
        records::wrap(&scratch, self.records_out(out));
        self.scratch = scratch;
    }

    /// (Server side) appends a quick acknowledgement.
    pub fn encode_quick_ack(&mut self, token: u32, out: &mut BytesMut) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        self.inner.encode_quick_ack(token, &mut scratch);
        records::wrap(&scratch, self.records_out(out));
        self.scratch = scratch;
    }

    /// Checks the server's answer (client side, first), then unwraps records and splits
    /// off the next frame. At most one partial record and one partial frame are held.
    pub fn decode(&mut self, input: &mut BytesMut) -> Result<Option<Frame>, TransportError> {
        if let Some(digest) = &self.awaiting_answer {
            match hello::check_server_answer(input, &self.key, digest)? {
                None => return Ok(None),
                Some(len) => {
                    input.advance(len);
                    self.awaiting_answer = None;
                }
            }
        }
        loop {
            if let Some(frame) = self.inner.decode(&mut self.plain)? {
                return Ok(Some(frame));
            }
            if !records::unwrap(input, &mut self.plain)? {
                return Ok(None);
            }
        }
    }
}

/// The server side's gate: reads a client's hello, checks it and answers it.
#[derive(Debug)]
pub struct FakeTlsAcceptor {
    key: [u8; 16],
    window: u32,
    replays: ReplayCache,
}

impl FakeTlsAcceptor {
    /// An acceptor for `key`, with [`DEFAULT_CLOCK_WINDOW`] and
    /// [`DEFAULT_REPLAY_CAPACITY`].
    ///
    /// ```
    /// use oxigram_proto::transport::FakeTlsAcceptor;
    ///
    /// let _acceptor = FakeTlsAcceptor::new([9; 16]);
    /// ```
    pub fn new(key: [u8; 16]) -> Self {
        Self::with_limits(key, DEFAULT_CLOCK_WINDOW, DEFAULT_REPLAY_CAPACITY)
    }

    /// An acceptor for `key` that takes hellos whose clock is within `window` seconds
    /// of the server's and remembers the last `replay_capacity` it took (the oldest is
    /// forgotten first; it could be replayed while still inside the window).
    ///
    /// ```
    /// use oxigram_proto::transport::FakeTlsAcceptor;
    ///
    /// let _acceptor = FakeTlsAcceptor::with_limits([9; 16], 30, 100);
    /// ```
    pub fn with_limits(key: [u8; 16], window: u32, replay_capacity: usize) -> Self {
        FakeTlsAcceptor {
            key,
            window,
            replays: ReplayCache::new(replay_capacity),
        }
    }

    /// Whether `input` opens like a TLS hello (a handshake record, version 3.1): the
    /// first three bytes decide, `None` until they arrived.
    ///
    /// ```
    /// use oxigram_proto::transport::FakeTlsAcceptor;
    ///
    /// assert_eq!(FakeTlsAcceptor::looks_like_tls(&[0x16, 0x03]), None);
    /// assert_eq!(FakeTlsAcceptor::looks_like_tls(&[0x16, 0x03, 0x01, 0x02]), Some(true));
    /// assert_eq!(FakeTlsAcceptor::looks_like_tls(&[0xef]), Some(false));
    /// ```
    pub fn looks_like_tls(input: &[u8]) -> Option<bool> {
        let tls = [records::HANDSHAKE, 0x03, 0x01];
        let n = input.len().min(3);
        if input[..n] != tls[..n] {
            return Some(false);
        }
        (n == 3).then_some(true)
    }

    /// Reads the client's hello off the front of `input` at server time `unix`: `None`
    /// until all of it arrived (nothing is consumed then), otherwise the server's side
    /// of the connection, its answer waiting in [`FakeTls::flush`].
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use oxigram_proto::random::SeededRandom;
    /// use oxigram_proto::transport::{FakeTls, FakeTlsAcceptor};
    ///
    /// let mut random = SeededRandom::new([1; 32]);
    /// let mut client = FakeTls::client(Some(2), &[9; 16], "example.com", 1_700_000_000, &mut random);
    /// let mut wire = BytesMut::new();
    /// client.flush(&mut wire);
    /// let mut acceptor = FakeTlsAcceptor::new([9; 16]);
    /// let mut server = acceptor.accept(&mut wire, 1_700_000_005, &mut random).unwrap().unwrap();
    /// let mut answer = BytesMut::new();
    /// server.flush(&mut answer);
    /// assert_eq!(&answer[..3], &[0x16, 0x03, 0x03]);
    /// ```
    pub fn accept(
        &mut self,
        input: &mut BytesMut,
        unix: u32,
        random: &mut dyn RandomSource,
    ) -> Result<Option<FakeTls>, FakeTlsError> {
        let Some(hello) = hello::read_client_hello(input, &self.key)? else {
            return Ok(None);
        };
        let skew = i64::from(hello.unix) - i64::from(unix);
        if skew.unsigned_abs() > u64::from(self.window) {
            return Err(FakeTlsError::ClockSkew { skew });
        }
        if !self.replays.insert(hello.digest) {
            return Err(FakeTlsError::Replayed);
        }
        input.advance(hello.len);
        let answer = hello::server_answer(&self.key, &hello.digest, &hello.session_id, random);
        Ok(Some(FakeTls {
            inner: Obfuscated::server(Some(&self.key)),
            key: self.key,
            preamble: Some(answer),
            awaiting_answer: None,
            held: BytesMut::new(),
            // The server's answer carries its own.
            change_cipher_spec_sent: true,
            plain: BytesMut::new(),
            scratch: BytesMut::new(),
        }))
    }
}

#[cfg(test)]
mod tests;
