//! One type for any transport, plain, obfuscated or fake TLS, and (for servers) telling
//! them apart by the first bytes of a connection as Telegram does.

use bytes::BytesMut;

use super::{FakeTls, Frame, Framer, Kind, MtProxySecret, Obfuscated, Role, TransportError};
use crate::random::RandomSource;

/// How a client hides its transport.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Obfuscation {
    /// Not at all: the transport's tag and frames as they are.
    #[default]
    None,
    /// obfuscated2 without a secret, as Telegram's own DCs take it.
    Obfuscated,
    /// Through an MTProxy: obfuscated2 keyed with its secret, padded intermediate for
    /// `dd` and `ee` secrets, inside fake TLS for `ee` ones.
    MtProxy(MtProxySecret),
}

/// A transport codec of any kind.
#[derive(Debug)]
pub enum Codec {
    /// Frames as they are.
    Plain(Framer),
    /// Frames inside obfuscated2.
    Obfuscated(Box<Obfuscated>),
    /// Frames inside obfuscated2 inside fake-TLS records.
    FakeTls(Box<FakeTls>),
}

impl Codec {
    /// A client's codec for `kind` hidden as `obfuscation` says, for DC `dc` (which goes in
    /// an obfuscated header), at client time `unix` (seconds since the epoch, which a
    /// fake-TLS hello carries).
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use oxigram_proto::random::SeededRandom;
    /// use oxigram_proto::transport::{Codec, Kind, MtProxySecret, Obfuscation};
    ///
    /// let mut random = SeededRandom::new([1; 32]);
    /// let secret = MtProxySecret::parse("dd00112233445566778899aabbccddeeff").unwrap();
    /// let codec = Codec::client(Kind::Abridged, 2, &Obfuscation::MtProxy(secret), 0, &mut random);
    /// assert!(codec.is_obfuscated());
    /// assert_eq!(codec.kind(), Kind::PaddedIntermediate);
    /// ```
    pub fn client(
        kind: Kind,
        dc: i16,
        obfuscation: &Obfuscation,
        unix: u32,
        random: &mut dyn RandomSource,
    ) -> Codec {
        match obfuscation {
            Obfuscation::None => Codec::Plain(Framer::new(kind, Role::Client)),
            Obfuscation::Obfuscated => {
                Codec::Obfuscated(Box::new(Obfuscated::client(kind, Some(dc), None, random)))
            }
            Obfuscation::MtProxy(MtProxySecret::FakeTls { key, domain }) => Codec::FakeTls(
                Box::new(FakeTls::client(Some(dc), key, domain, unix, random)),
            ),
            Obfuscation::MtProxy(secret) => Codec::Obfuscated(Box::new(Obfuscated::client(
                secret.transport(kind),
                Some(dc),
                Some(secret.key()),
                random,
            ))),
        }
    }

    /// Appends what must be sent and has not been: a fake-TLS hello or answer, or what a
    /// fake-TLS client held until the server's answer was checked (see
    /// [`FakeTls::flush`]); returns how many bytes. Call it whenever the socket may be
    /// written, received bytes having been decoded first.
    pub fn flush(&mut self, out: &mut BytesMut) -> usize {
        match self {
            Codec::FakeTls(t) => t.flush(out),
            Codec::Plain(_) | Codec::Obfuscated(_) => 0,
        }
    }

    /// Appends a frame carrying `payload`.
    pub fn encode(&mut self, payload: &[u8], out: &mut BytesMut, random: &mut dyn RandomSource) {
        match self {
            Codec::Plain(f) => f.encode(payload, out, random),
            Codec::Obfuscated(o) => o.encode(payload, out, random),
            Codec::FakeTls(t) => t.encode(payload, out, random),
        }
    }

    /// (Server side) appends a quick acknowledgement.
    pub fn encode_quick_ack(&mut self, token: u32, out: &mut BytesMut) {
        match self {
            Codec::Plain(f) => f.encode_quick_ack(token, out),
            Codec::Obfuscated(o) => o.encode_quick_ack(token, out),
            Codec::FakeTls(t) => t.encode_quick_ack(token, out),
        }
    }

    /// Splits the next frame off `input`.
    pub fn decode(&mut self, input: &mut BytesMut) -> Result<Option<Frame>, TransportError> {
        match self {
            Codec::Plain(f) => f.decode(input),
            Codec::Obfuscated(o) => o.decode(input),
            Codec::FakeTls(t) => t.decode(input),
        }
    }

    /// The framing in use.
    pub fn kind(&self) -> Kind {
        match self {
            Codec::Plain(f) => f.kind(),
            Codec::Obfuscated(o) => o.kind(),
            Codec::FakeTls(t) => t.kind(),
        }
    }

    /// The longest frame received, see [`Framer::max_payload`].
    pub fn max_payload(&self) -> usize {
        match self {
            Codec::Plain(f) => f.max_payload(),
            Codec::Obfuscated(o) => o.max_payload(),
            Codec::FakeTls(t) => t.max_payload(),
        }
    }

    /// Sets [`Codec::max_payload`].
    pub fn set_max_payload(&mut self, max: usize) {
        match self {
            Codec::Plain(f) => f.set_max_payload(max),
            Codec::Obfuscated(o) => o.set_max_payload(max),
            Codec::FakeTls(t) => t.set_max_payload(max),
        }
    }

    /// The DC an obfuscated header names (see [`Obfuscated::header_dc`]); `None` for a
    /// plain transport, and for a server until the header arrived.
    pub fn header_dc(&self) -> Option<i16> {
        match self {
            Codec::Plain(_) => None,
            Codec::Obfuscated(o) => o.header_dc(),
            Codec::FakeTls(t) => t.header_dc(),
        }
    }

    /// Whether it is obfuscated (fake TLS included).
    pub fn is_obfuscated(&self) -> bool {
        matches!(self, Codec::Obfuscated(_) | Codec::FakeTls(_))
    }

    /// (Server side) picks the codec a connection uses from its first bytes: `0xef`
    /// abridged, `0xeeeeeeee` intermediate, `0xdddddddd` padded intermediate, a full
    /// frame's zero sequence number in bytes 4..8, and obfuscated2 otherwise (whose
    /// header avoids all of these). `None` until enough bytes arrived; nothing is consumed.
    /// The codec accepts frames up to [`super::SERVER_MAX_PAYLOAD`].
    pub fn detect(input: &[u8], secret: Option<&[u8; 16]>) -> Option<Codec> {
        let first = *input.first()?;
        if first == 0xef {
            return Some(Codec::Plain(Framer::new(Kind::Abridged, Role::Server)));
        }
        let head: [u8; 8] = input.get(..8)?.try_into().expect("8 bytes");
        Some(match head {
            [0xee, 0xee, 0xee, 0xee, ..] => {
                Codec::Plain(Framer::new(Kind::Intermediate, Role::Server))
            }
            [0xdd, 0xdd, 0xdd, 0xdd, ..] => {
                Codec::Plain(Framer::new(Kind::PaddedIntermediate, Role::Server))
            }
            [_, _, _, _, 0, 0, 0, 0] => Codec::Plain(Framer::new(Kind::Full, Role::Server)),
            _ => Codec::Obfuscated(Box::new(Obfuscated::server(secret))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    #[test]
    fn every_client_transport_is_recognised() {
        let mut random = SeededRandom::new([5; 32]);
        for kind in [
            Kind::Abridged,
            Kind::Intermediate,
            Kind::PaddedIntermediate,
            Kind::Full,
        ] {
            for obfuscated in [false, true] {
                let mut client = if obfuscated {
                    Codec::Obfuscated(Box::new(Obfuscated::client(kind, None, None, &mut random)))
                } else {
                    Codec::Plain(Framer::new(kind, Role::Client))
                };
                let mut wire = BytesMut::new();
                client.encode(&[7; 40], &mut wire, &mut random);
                let mut server = Codec::detect(&wire, None).expect("enough bytes");
                assert_eq!(server.is_obfuscated(), obfuscated, "{kind:?}");
                let frame = server.decode(&mut wire).unwrap().unwrap();
                assert_eq!(
                    frame,
                    Frame::Packet(vec![7; 40].into()),
                    "{kind:?} {obfuscated}"
                );
            }
        }
    }

    #[test]
    fn plain_and_padded_secrets_key_the_header_both_ways() {
        let mut random = SeededRandom::new([6; 32]);
        let key = [0x77; 16];
        for secret in [MtProxySecret::Plain(key), MtProxySecret::Padded(key)] {
            let hidden = Obfuscation::MtProxy(secret.clone());
            let mut client = Codec::client(Kind::Abridged, -3, &hidden, 0, &mut random);
            let expected = secret.transport(Kind::Abridged);
            assert_eq!(client.kind(), expected, "{secret:?}");
            let mut up = BytesMut::new();
            client.encode(&[7; 40], &mut up, &mut random);

            // Without the key, the header reads as garbage.
            let mut wrong = Codec::detect(&up, None).expect("enough bytes");
            assert_eq!(
                wrong.decode(&mut up.clone()),
                Err(TransportError::BadTag),
                "{secret:?}"
            );

            let mut server = Codec::detect(&up, Some(&key)).expect("enough bytes");
            assert_eq!(server.header_dc(), None, "known once the header is read");
            let frame = server.decode(&mut up).unwrap();
            // The DC the client named (a media DC, negative), which an MTProxy forwards by.
            assert_eq!(server.header_dc(), Some(-3), "{secret:?}");
            assert_eq!(frame, Some(Frame::Packet(vec![7; 40].into())), "{secret:?}");
            assert_eq!(server.kind(), expected);
            let mut down = BytesMut::new();
            server.encode(&[9; 56], &mut down, &mut random);
            assert_eq!(
                client.decode(&mut down).unwrap(),
                Some(Frame::Packet(vec![9; 56].into()))
            );
        }
    }

    #[test]
    fn only_fake_tls_has_bytes_to_flush() {
        let mut random = SeededRandom::new([7; 32]);
        let mut out = BytesMut::new();
        for hidden in [Obfuscation::None, Obfuscation::Obfuscated] {
            let mut codec = Codec::client(Kind::Intermediate, 2, &hidden, 0, &mut random);
            assert_eq!(codec.flush(&mut out), 0);
        }
        let tls = Obfuscation::MtProxy(MtProxySecret::FakeTls {
            key: [1; 16],
            domain: "example.com".into(),
        });
        let mut codec = Codec::client(Kind::Intermediate, 2, &tls, 0, &mut random);
        // The hello (517 bytes) alone, once; its ChangeCipherSpec follows the server's
        // answer.
        assert_eq!(codec.flush(&mut out), 517);
        assert_eq!(codec.flush(&mut out), 0);
        assert_eq!(codec.kind(), Kind::PaddedIntermediate);
    }
}
