//! obfuscated2: a random 64-byte header that carries the AES-256-CTR keys of both
//! directions (and the transport's tag), after which every byte is encrypted. With an
//! MTProxy secret, each key is hashed with the secret.

use bytes::BytesMut;

use super::{Frame, Framer, Kind, Role, TransportError};
use crate::crypto::ctr::AesCtr;
use crate::crypto::sha256;
use crate::random::RandomSource;

/// First words a client must not start with: they would look like HTTP, like the
/// unobfuscated intermediate transports, or like TLS.
const FORBIDDEN_FIRST_WORDS: [[u8; 4]; 7] = [
    *b"HEAD",
    *b"POST",
    *b"GET ",
    *b"OPTI",
    [0x16, 0x03, 0x01, 0x02],
    [0xdd; 4],
    [0xee; 4],
];

/// A framer inside obfuscated2.
pub struct Obfuscated {
    framer: Framer,
    tx: AesCtr,
    rx: AesCtr,
    /// The client's header, until the first frame carries it out.
    header: Option<[u8; 64]>,
    /// Bytes at the front of the receive buffer already decrypted.
    decrypted: usize,
    /// (Server) the header is still to be read, with the secret to key it.
    awaiting_header: Option<Option<[u8; 16]>>,
    /// The DC the header names (bytes 60..62), once known.
    header_dc: Option<i16>,
}

impl std::fmt::Debug for Obfuscated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Obfuscated")
            .field("kind", &self.framer.kind())
            .finish_non_exhaustive()
    }
}

fn tag(kind: Kind) -> [u8; 4] {
    match kind {
        Kind::Abridged => [0xef; 4],
        Kind::Intermediate => [0xee; 4],
        Kind::PaddedIntermediate | Kind::Full => [0xdd; 4],
    }
}

/// The two directions' keys from a header: as written, and reversed.
fn keys(init: &[u8; 64], secret: Option<&[u8; 16]>) -> (AesCtr, AesCtr) {
    let key_iv = |bytes: &[u8]| {
        let key: [u8; 32] = bytes[..32].try_into().expect("32 bytes");
        let key = match secret {
            Some(secret) => sha256(&[&key, secret]),
            None => key,
        };
        AesCtr::new(&key, bytes[32..48].try_into().expect("16 bytes"))
    };
    let forward = key_iv(&init[8..56]);
    let mut reversed = [0u8; 48];
    reversed.copy_from_slice(&init[8..56]);
    reversed.reverse();
    (forward, key_iv(&reversed))
}

impl Obfuscated {
    /// The client side: draws a header (`dc` goes in it for MTProxy, negative for media
    /// DCs, +10000 for test DCs). Full framing has no obfuscated form; padded
    /// intermediate stands in for it.
    pub fn client(
        kind: Kind,
        dc: Option<i16>,
        secret: Option<&[u8; 16]>,
        random: &mut dyn RandomSource,
    ) -> Self {
        let kind = if kind == Kind::Full {
            Kind::PaddedIntermediate
        } else {
            kind
        };
        let mut init = [0u8; 64];
        loop {
            random.fill(&mut init);
            let first: [u8; 4] = init[..4].try_into().expect("4 bytes");
            if init[0] != 0xef && !FORBIDDEN_FIRST_WORDS.contains(&first) && init[4..8] != [0; 4] {
                break;
            }
        }
        init[56..60].copy_from_slice(&tag(kind));
        if let Some(dc) = dc {
            init[60..62].copy_from_slice(&dc.to_le_bytes());
        }
        let (mut tx, rx) = keys(&init, secret);
        let mut encrypted = init;
        tx.apply(&mut encrypted);
        init[56..].copy_from_slice(&encrypted[56..]);
        Obfuscated {
            framer: Framer::untagged(kind, Role::Client),
            tx,
            rx,
            header: Some(init),
            decrypted: 0,
            awaiting_header: None,
            header_dc: dc,
        }
    }

    /// The server side: reads the client's header first (keyed with `secret` for an
    /// MTProxy), learning the transport from it.
    pub fn server(secret: Option<&[u8; 16]>) -> Self {
        // The real keys come with the client's header; these are never used before it.
        Obfuscated {
            framer: Framer::untagged(Kind::Intermediate, Role::Server),
            tx: AesCtr::new(&[0; 32], &[0; 16]),
            rx: AesCtr::new(&[0; 32], &[0; 16]),
            header: None,
            decrypted: 0,
            awaiting_header: Some(secret.copied()),
            header_dc: None,
        }
    }

    /// The DC the header names: an MTProxy forwards by it (`+10000` for a test DC,
    /// negative for a media one, 0 when the client named none). A server knows it once
    /// the header arrived.
    pub fn header_dc(&self) -> Option<i16> {
        self.header_dc
    }

    /// The transport in use (for a server, known once the header arrived).
    pub fn kind(&self) -> Kind {
        self.framer.kind()
    }

    /// The longest frame received, see [`Framer::max_payload`].
    pub fn max_payload(&self) -> usize {
        self.framer.max_payload()
    }

    /// Sets [`Obfuscated::max_payload`] (kept when the server learns the transport from
    /// the header).
    pub fn set_max_payload(&mut self, max: usize) {
        self.framer.set_max_payload(max);
    }

    /// Appends an encrypted frame (after the header, for a client's first frame).
    pub fn encode(&mut self, payload: &[u8], out: &mut BytesMut, random: &mut dyn RandomSource) {
        self.encrypting(out, |framer, out| framer.encode(payload, out, random));
    }

    /// Like [`Obfuscated::encode`], asking for a quick acknowledgement.
    pub fn encode_requesting_ack(
        &mut self,
        payload: &[u8],
        out: &mut BytesMut,
        random: &mut dyn RandomSource,
    ) {
        self.encrypting(out, |framer, out| {
            framer.encode_requesting_ack(payload, out, random)
        });
    }

    /// (Server side) appends an encrypted quick acknowledgement.
    pub fn encode_quick_ack(&mut self, token: u32, out: &mut BytesMut) {
        self.encrypting(out, |framer, out| framer.encode_quick_ack(token, out));
    }

    fn encrypting(&mut self, out: &mut BytesMut, write: impl FnOnce(&mut Framer, &mut BytesMut)) {
        if let Some(header) = self.header.take() {
            out.extend_from_slice(&header);
        }
        let start = out.len();
        write(&mut self.framer, out);
        self.tx.apply(&mut out[start..]);
    }

    /// Decrypts what arrived and splits off the next frame.
    pub fn decode(&mut self, input: &mut BytesMut) -> Result<Option<Frame>, TransportError> {
        if let Some(secret) = self.awaiting_header {
            if input.len() < 64 {
                return Ok(None);
            }
            let init: [u8; 64] = input.split_to(64)[..].try_into().expect("64 bytes");
            // The client encrypts with the header as written: that is our receive key.
            let (mut rx, tx) = keys(&init, secret.as_ref());
            let mut plain = init;
            rx.apply(&mut plain);
            let kind = match plain[56..60] {
                [0xef, 0xef, 0xef, 0xef] => Kind::Abridged,
                [0xee, 0xee, 0xee, 0xee] => Kind::Intermediate,
                [0xdd, 0xdd, 0xdd, 0xdd] => Kind::PaddedIntermediate,
                _ => return Err(TransportError::BadTag),
            };
            self.header_dc = Some(i16::from_le_bytes([plain[60], plain[61]]));
            let mut framer = Framer::untagged(kind, Role::Server);
            framer.set_max_payload(self.framer.max_payload());
            (self.rx, self.tx, self.framer) = (rx, tx, framer);
            self.awaiting_header = None;
            self.decrypted = 0;
        }
        // Each received byte is decrypted once, in place; whatever stays in the buffer
        // after a frame is split off has been decrypted already.
        let fresh = self.decrypted.min(input.len())..input.len();
        self.rx.apply(&mut input[fresh]);
        let frame = self.framer.decode(input)?;
        self.decrypted = input.len();
        Ok(frame)
    }
}
