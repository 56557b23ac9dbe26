//! MTProto transports as pure codecs over caller-owned buffers: abridged, intermediate,
//! padded intermediate and full.
//!
//! A [`Framer`] writes frames into a `BytesMut` and splits received frames off the front of
//! another without copying. The first frame a client sends is preceded by the transport's
//! tag; a server's framer expects and checks that tag. [`Obfuscated`] wraps a framer in
//! obfuscated2 (AES-256-CTR both ways, optionally keyed with an MTProxy secret), and
//! [`FakeTls`] wraps that in TLS records for `ee` MTProxy secrets ([`MtProxySecret`]). Clients
//! may ask for quick acknowledgements (the top bit of a frame's length); servers answer
//! with a 4-byte token in place of a frame, which client framers recognise.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::random::RandomSource;

mod codec;
mod fake_tls;
mod mtproxy;
mod obfuscated;

pub use codec::{Codec, Obfuscation};
pub use fake_tls::{
    DEFAULT_CLOCK_WINDOW, DEFAULT_REPLAY_CAPACITY, FakeTls, FakeTlsAcceptor, FakeTlsError,
};
pub use mtproxy::{MtProxySecret, SecretError};
pub use obfuscated::Obfuscated;

/// The framing on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Tag `0xef`; lengths in 4-byte words, one byte (`< 0x7f`) or `0x7f` and three bytes.
    Abridged,
    /// Tag `0xeeeeeeee`; a little-endian `u32` length before each payload.
    Intermediate,
    /// Tag `0xdddddddd`; like intermediate, with 0..15 random bytes after each payload.
    PaddedIntermediate,
    /// No tag; `length ‖ seq ‖ payload ‖ crc32`, sequence numbers from 0 each way.
    Full,
}

impl Kind {
    /// The bytes a client sends first (empty for [`Kind::Full`]).
    pub fn tag(self) -> &'static [u8] {
        match self {
            Kind::Abridged => &[0xef],
            Kind::Intermediate => &[0xee; 4],
            Kind::PaddedIntermediate => &[0xdd; 4],
            Kind::Full => &[],
        }
    }
}

/// Which side of the connection a framer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Sends the tag first.
    Client,
    /// Expects the tag first.
    Server,
}

/// The largest payload a client accepts: well above Telegram's 1 MiB message limit (answers
/// may come several to a container), far below what a hostile length could ask for.
pub const MAX_PAYLOAD: usize = 16 << 20;

/// The largest payload a server accepts by default ([`Framer::set_max_payload`] changes
/// it). The longest legitimate request is an `upload.saveBigFilePart` of 512 KiB and its
/// headers, about half of this; since a frame is held until it is complete, a lower limit
/// than a client's keeps what a peer can make a server hold per connection small.
pub const SERVER_MAX_PAYLOAD: usize = 2 << 20;

/// What a received frame holds.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// An MTProto packet.
    Packet(Bytes),
    /// (Server side) an MTProto packet whose sender asks for a quick acknowledgement.
    PacketAckRequested(Bytes),
    /// (Client side) a quick acknowledgement: the first 32 bits of the acknowledged
    /// packet's `msg_key_large` (read as a little-endian `u32`), top bit set.
    QuickAck(u32),
    /// A transport error code sent in place of a packet (`-404`: no such auth key,
    /// `-429`: too many connections, `-444`: invalid DC).
    Error(i32),
}

/// Why received bytes cannot be framed. The connection must be closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The first bytes are not this transport's tag.
    #[error("the connection does not start with the transport's tag")]
    BadTag,
    /// A payload length that is not a multiple of 4, or too short.
    #[error("invalid frame length {0}")]
    BadLength(usize),
    /// A frame longer than this side accepts ([`Framer::max_payload`]), refused as soon
    /// as its length arrived.
    #[error("frame of {len} bytes, longer than the {max} accepted")]
    TooLarge {
        /// The length the frame announced (for the full transport, with its 12 bytes of
        /// length, sequence number and checksum).
        len: usize,
        /// The most this side accepts.
        max: usize,
    },
    /// (Full) a frame whose CRC32 does not match.
    #[error("frame checksum mismatch")]
    BadChecksum,
    /// (Fake TLS) the handshake or a record failed.
    #[error("fake TLS: {0}")]
    FakeTls(#[from] FakeTlsError),
    /// (Full) a frame out of sequence.
    #[error("frame {got} received where {expected} was due")]
    BadSequence {
        /// The sequence number due.
        expected: u32,
        /// The one received.
        got: u32,
    },
}

/// One direction's framing state for a connection.
#[derive(Debug)]
pub struct Framer {
    kind: Kind,
    /// The client still has to send the tag.
    tag_to_send: bool,
    /// The server still has to receive the tag.
    tag_to_receive: bool,
    role: Role,
    send_seq: u32,
    recv_seq: u32,
    max_payload: usize,
}

impl Framer {
    /// A framer for `kind` on the `role` side, accepting frames up to [`MAX_PAYLOAD`] for a
    /// client and [`SERVER_MAX_PAYLOAD`] for a server.
    pub fn new(kind: Kind, role: Role) -> Self {
        let tagged = kind != Kind::Full;
        Framer {
            kind,
            tag_to_send: tagged && role == Role::Client,
            tag_to_receive: tagged && role == Role::Server,
            role,
            send_seq: 0,
            recv_seq: 0,
            max_payload: match role {
                Role::Client => MAX_PAYLOAD,
                Role::Server => SERVER_MAX_PAYLOAD,
            },
        }
    }

    /// A framer whose tag travels elsewhere (inside an obfuscated connection's header).
    pub fn untagged(kind: Kind, role: Role) -> Self {
        Framer {
            tag_to_send: false,
            tag_to_receive: false,
            ..Framer::new(kind, role)
        }
    }

    /// The transport.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The longest frame received without [`TransportError::TooLarge`] (its length field:
    /// for the full transport, the payload and 12 bytes).
    pub fn max_payload(&self) -> usize {
        self.max_payload
    }

    /// Sets [`Framer::max_payload`]. A received frame is held until it is complete, so
    /// this is also the most a peer can make this side hold of one.
    pub fn set_max_payload(&mut self, max: usize) {
        self.max_payload = max;
    }

    /// Appends a frame carrying `payload` (a multiple of 4 bytes) to `out`, preceded by
    /// the tag if this client has not sent it yet. `random` pads padded-intermediate frames.
    pub fn encode(&mut self, payload: &[u8], out: &mut BytesMut, random: &mut dyn RandomSource) {
        self.encode_frame(payload, out, random, false);
    }

    /// Like [`Framer::encode`], asking the server for a quick acknowledgement (abridged and
    /// intermediate transports; the full transport has none, and ignores the request).
    pub fn encode_requesting_ack(
        &mut self,
        payload: &[u8],
        out: &mut BytesMut,
        random: &mut dyn RandomSource,
    ) {
        self.encode_frame(payload, out, random, true);
    }

    /// (Server side) appends a quick acknowledgement carrying `token` (its top bit is set
    /// here). Abridged sends it byte-swapped, so that its first byte has the top bit.
    pub fn encode_quick_ack(&mut self, token: u32, out: &mut BytesMut) {
        let token = token | 0x8000_0000;
        match self.kind {
            Kind::Abridged => out.put_u32(token),
            _ => out.put_u32_le(token),
        }
    }

    fn encode_frame(
        &mut self,
        payload: &[u8],
        out: &mut BytesMut,
        random: &mut dyn RandomSource,
        ack: bool,
    ) {
        debug_assert!(
            payload.len().is_multiple_of(4),
            "MTProto packets are whole words"
        );
        if self.tag_to_send {
            out.put_slice(self.kind.tag());
            self.tag_to_send = false;
        }
        match self.kind {
            Kind::Abridged => {
                let words = payload.len() / 4;
                let ack_bit = if ack { 0x80 } else { 0 };
                if words < 0x7f {
                    out.put_u8(words as u8 | ack_bit);
                } else {
                    out.put_u8(0x7f | ack_bit);
                    out.put_slice(&(words as u32).to_le_bytes()[..3]);
                }
                out.put_slice(payload);
            }
            Kind::Intermediate => {
                out.put_u32_le(payload.len() as u32 | if ack { 0x8000_0000 } else { 0 });
                out.put_slice(payload);
            }
            Kind::PaddedIntermediate => {
                let mut pad = [0u8; 16];
                random.fill(&mut pad);
                // A client pads with 0..15 bytes (servers read the message's own length).
                // A server pads with 0..3: clients such as Telethon drop only the
                // `length % 4` bytes past the last whole word before decrypting.
                let most = match self.role {
                    Role::Client => 16,
                    Role::Server => 4,
                };
                let pad = &pad[..usize::from(pad[15]) % most];
                out.put_u32_le(
                    (payload.len() + pad.len()) as u32 | if ack { 0x8000_0000 } else { 0 },
                );
                out.put_slice(payload);
                out.put_slice(pad);
            }
            Kind::Full => {
                let start = out.len();
                out.put_u32_le((payload.len() + 12) as u32);
                out.put_u32_le(self.send_seq);
                out.put_slice(payload);
                let crc = crc32fast::hash(&out[start..]);
                out.put_u32_le(crc);
                self.send_seq = self.send_seq.wrapping_add(1);
            }
        }
    }

    /// Splits the next complete frame off the front of `input` (without copying its
    /// payload), or returns `None` until more bytes arrive.
    pub fn decode(&mut self, input: &mut BytesMut) -> Result<Option<Frame>, TransportError> {
        if self.tag_to_receive {
            let tag = self.kind.tag();
            if input.len() < tag.len() {
                return Ok(None);
            }
            if &input[..tag.len()] != tag {
                return Err(TransportError::BadTag);
            }
            input.advance(tag.len());
            self.tag_to_receive = false;
        }
        // A client receives quick acknowledgements: four bytes with the top bit set where a
        // length would be (abridged: the first byte's top bit, the word byte-swapped).
        if self.role == Role::Client && self.kind != Kind::Full {
            let ack = match (self.kind, input.first_chunk::<4>()) {
                (_, None) if input.first().is_some_and(|b| b & 0x80 != 0) => return Ok(None),
                (Kind::Abridged, Some(word)) if word[0] & 0x80 != 0 => {
                    Some(u32::from_be_bytes(*word))
                }
                (Kind::Intermediate | Kind::PaddedIntermediate, Some(word))
                    if word[3] & 0x80 != 0 =>
                {
                    Some(u32::from_le_bytes(*word))
                }
                _ => None,
            };
            if let Some(token) = ack {
                input.advance(4);
                return Ok(Some(Frame::QuickAck(token)));
            }
        }
        let ack_requested = match (self.kind, input.first(), input.first_chunk::<4>()) {
            (Kind::Full, ..) => false,
            (Kind::Abridged, Some(b), _) => b & 0x80 != 0,
            (_, _, Some(word)) => word[3] & 0x80 != 0,
            _ => false,
        };
        let (header, len) = match self.kind {
            Kind::Abridged => match input.first() {
                None => return Ok(None),
                // The top bit asks for a quick acknowledgement; it is not part of the length.
                Some(&b) if b & 0x7f < 0x7f => (1, usize::from(b & 0x7f) * 4),
                Some(_) => match input.get(1..4) {
                    Some(l) => (4, u32::from_le_bytes([l[0], l[1], l[2], 0]) as usize * 4),
                    None => return Ok(None),
                },
            },
            Kind::Intermediate | Kind::PaddedIntermediate | Kind::Full => {
                match input.first_chunk::<4>() {
                    Some(l) if self.kind == Kind::Full => (4, u32::from_le_bytes(*l) as usize),
                    // As in abridged, the top bit of the length asks for a quick acknowledgement.
                    Some(l) => (4, (u32::from_le_bytes(*l) & 0x7fff_ffff) as usize),
                    None => return Ok(None),
                }
            }
        };
        let min = if self.kind == Kind::Full { 12 } else { 4 };
        if len > self.max_payload {
            return Err(TransportError::TooLarge {
                len,
                max: self.max_payload,
            });
        }
        if len < min || (self.kind != Kind::PaddedIntermediate && !len.is_multiple_of(4)) {
            return Err(TransportError::BadLength(len));
        }
        if input.len() < header + len - if self.kind == Kind::Full { 4 } else { 0 } {
            return Ok(None);
        }
        match self.kind {
            Kind::Full => {
                // The length counts itself, the sequence number, the payload and the CRC.
                let frame = input.split_to(len);
                let (body, crc) = frame.split_at(len - 4);
                if crc32fast::hash(body).to_le_bytes() != crc[..4] {
                    return Err(TransportError::BadChecksum);
                }
                let seq = u32::from_le_bytes(body[4..8].try_into().expect("4 bytes"));
                if seq != self.recv_seq {
                    return Err(TransportError::BadSequence {
                        expected: self.recv_seq,
                        got: seq,
                    });
                }
                self.recv_seq = self.recv_seq.wrapping_add(1);
                let mut frame = frame.freeze();
                frame.advance(8);
                frame.truncate(len - 12);
                Ok(Some(packet_or_error(frame)))
            }
            _ => {
                input.advance(header);
                let mut payload = input.split_to(len).freeze();
                if self.kind == Kind::PaddedIntermediate {
                    payload.truncate(unpadded_len(&payload));
                }
                Ok(Some(match packet_or_error(payload) {
                    Frame::Packet(p) if ack_requested => Frame::PacketAckRequested(p),
                    frame => frame,
                }))
            }
        }
    }
}

/// The length of the MTProto packet at the front of a padded payload: an unencrypted
/// message gives its length; an encrypted one is 24 bytes of header and whole 16-byte
/// blocks; anything shorter is a 4-byte error code.
fn unpadded_len(payload: &[u8]) -> usize {
    let len = payload.len();
    if len < 24 {
        return len.min(4);
    }
    if payload[..8] == [0; 8] {
        let body = u32::from_le_bytes(payload[16..20].try_into().expect("4 bytes")) as usize;
        return (20 + body).min(len);
    }
    24 + (len - 24) / 16 * 16
}

/// A 4-byte payload holding a negative number is a transport error, not a packet.
fn packet_or_error(payload: Bytes) -> Frame {
    match payload.first_chunk::<4>() {
        Some(word) if payload.len() == 4 && i32::from_le_bytes(*word) < 0 => {
            Frame::Error(i32::from_le_bytes(*word))
        }
        _ => Frame::Packet(payload),
    }
}
