//! MTProxy secrets, as proxy links and settings carry them: 16 bytes for a plain proxy,
//! `dd` and 16 bytes for one that wants padded intermediate framing, `ee`, 16 bytes and a
//! domain name for one that dresses the connection as TLS to that domain.

use std::fmt;

use base64::Engine as _;

use super::Kind;

/// The secret of an MTProxy. Its `Debug` shows the kind (and domain), never the key.
#[derive(Clone, PartialEq, Eq)]
pub enum MtProxySecret {
    /// 16 bytes: obfuscated2 keyed with them, any framing.
    Plain([u8; 16]),
    /// `dd` and 16 bytes: obfuscated2 keyed with them, padded intermediate framing.
    Padded([u8; 16]),
    /// `ee`, 16 bytes and a domain: fake TLS to that domain around padded intermediate
    /// obfuscated2, both keyed with the 16 bytes.
    FakeTls {
        /// The 16-byte key.
        key: [u8; 16],
        /// The domain the TLS hello names (its SNI).
        domain: String,
    },
}

/// Why a string or byte string is not an MTProxy secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// Neither hex nor base64 (standard or URL-safe, padded or not).
    #[error("the secret is neither hex nor base64")]
    Encoding,
    /// A length no kind of secret has (in bytes, once decoded).
    #[error("a secret of {0} bytes fits no kind of MTProxy secret")]
    Length(usize),
    /// 17 bytes or more that start with neither `dd` nor `ee`.
    #[error("unknown MTProxy secret prefix {0:#04x}")]
    Prefix(u8),
    /// An `ee` secret whose domain is empty, longer than a host name can be, or not
    /// made of host name characters.
    #[error("the fake-TLS domain is not a host name")]
    Domain,
}

/// The longest host name DNS allows.
const MAX_DOMAIN: usize = 253;

impl MtProxySecret {
    /// Reads a secret as links and settings write it: hex, or base64 (standard or
    /// URL-safe, with or without padding). Surrounding whitespace is ignored.
    ///
    /// ```
    /// use oxigram_proto::transport::MtProxySecret;
    ///
    /// let plain = MtProxySecret::parse("00112233445566778899aabbccddeeff").unwrap();
    /// assert!(matches!(plain, MtProxySecret::Plain(_)));
    /// let tls = MtProxySecret::parse("ee00112233445566778899aabbccddeeff6578616d706c652e636f6d")
    ///     .unwrap();
    /// assert_eq!(tls.domain(), Some("example.com"));
    /// assert!(MtProxySecret::parse("not a secret").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let text = text.trim();
        // Hex is tried first: a hex string is also base64 of another length, which
        // would then be refused for its length rather than read as meant.
        if let Some(bytes) = decode_hex(text) {
            return Self::from_bytes(&bytes);
        }
        let unpadded = text.trim_end_matches('=');
        let bytes = if unpadded.contains(['-', '_']) {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(unpadded)
        } else {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(unpadded)
        }
        .map_err(|_| SecretError::Encoding)?;
        Self::from_bytes(&bytes)
    }

    /// Reads a secret's bytes: 16 (plain), `dd` and 16, or `ee`, 16 and a domain.
    ///
    /// ```
    /// use oxigram_proto::transport::MtProxySecret;
    ///
    /// let mut bytes = vec![0xdd];
    /// bytes.extend_from_slice(&[7; 16]);
    /// assert_eq!(MtProxySecret::from_bytes(&bytes), Ok(MtProxySecret::Padded([7; 16])));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SecretError> {
        let key = |b: &[u8]| match b.first_chunk::<16>() {
            Some(key) => Ok(*key),
            None => Err(SecretError::Length(bytes.len())),
        };
        match (bytes.len(), bytes.first()) {
            (16, _) => Ok(MtProxySecret::Plain(key(bytes)?)),
            (17, Some(0xdd)) => Ok(MtProxySecret::Padded(key(&bytes[1..])?)),
            (18.., Some(0xee)) => {
                let domain = &bytes[17..];
                let host_name = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.');
                if domain.is_empty() || domain.len() > MAX_DOMAIN || !domain.iter().all(host_name) {
                    return Err(SecretError::Domain);
                }
                Ok(MtProxySecret::FakeTls {
                    key: key(&bytes[1..])?,
                    domain: String::from_utf8(domain.to_vec()).map_err(|_| SecretError::Domain)?,
                })
            }
            (18.., Some(&prefix)) => Err(SecretError::Prefix(prefix)),
            (len, _) => Err(SecretError::Length(len)),
        }
    }

    /// The 16 bytes that key obfuscated2 (and the fake-TLS digests).
    ///
    /// ```
    /// use oxigram_proto::transport::MtProxySecret;
    ///
    /// assert_eq!(MtProxySecret::Padded([3; 16]).key(), &[3; 16]);
    /// ```
    pub fn key(&self) -> &[u8; 16] {
        match self {
            MtProxySecret::Plain(key) | MtProxySecret::Padded(key) => key,
            MtProxySecret::FakeTls { key, .. } => key,
        }
    }

    /// The fake-TLS domain, for an `ee` secret.
    ///
    /// ```
    /// use oxigram_proto::transport::MtProxySecret;
    ///
    /// assert_eq!(MtProxySecret::Plain([0; 16]).domain(), None);
    /// ```
    pub fn domain(&self) -> Option<&str> {
        match self {
            MtProxySecret::FakeTls { domain, .. } => Some(domain),
            _ => None,
        }
    }

    /// The framing a client uses through this proxy when it would rather use `wanted`:
    /// `dd` and `ee` proxies only take padded intermediate.
    ///
    /// ```
    /// use oxigram_proto::transport::{Kind, MtProxySecret};
    ///
    /// assert_eq!(MtProxySecret::Plain([0; 16]).transport(Kind::Abridged), Kind::Abridged);
    /// assert_eq!(MtProxySecret::Padded([0; 16]).transport(Kind::Abridged), Kind::PaddedIntermediate);
    /// ```
    pub fn transport(&self, wanted: Kind) -> Kind {
        match self {
            MtProxySecret::Plain(_) => wanted,
            _ => Kind::PaddedIntermediate,
        }
    }

    /// The secret's bytes, as [`MtProxySecret::from_bytes`] reads them.
    ///
    /// ```
    /// use oxigram_proto::transport::MtProxySecret;
    ///
    /// assert_eq!(MtProxySecret::Padded([1; 16]).to_bytes().len(), 17);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(17);
        match self {
            MtProxySecret::Plain(key) => out.extend_from_slice(key),
            MtProxySecret::Padded(key) => {
                out.push(0xdd);
                out.extend_from_slice(key);
            }
            MtProxySecret::FakeTls { key, domain } => {
                out.push(0xee);
                out.extend_from_slice(key);
                out.extend_from_slice(domain.as_bytes());
            }
        }
        out
    }

    /// The secret in lower-case hex (as [`Display`](fmt::Display) writes it).
    ///
    /// ```
    /// use oxigram_proto::transport::MtProxySecret;
    ///
    /// let secret = MtProxySecret::Padded([0xab; 16]);
    /// assert_eq!(secret.to_hex(), format!("dd{}", "ab".repeat(16)));
    /// assert_eq!(MtProxySecret::parse(&secret.to_hex()), Ok(secret));
    /// ```
    pub fn to_hex(&self) -> String {
        self.to_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    text.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

impl fmt::Display for MtProxySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for MtProxySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key is the proxy's password: it stays out of logs.
        match self {
            MtProxySecret::Plain(_) => f.write_str("MtProxySecret::Plain(..)"),
            MtProxySecret::Padded(_) => f.write_str("MtProxySecret::Padded(..)"),
            MtProxySecret::FakeTls { domain, .. } => f
                .debug_struct("MtProxySecret::FakeTls")
                .field("domain", domain)
                .finish_non_exhaustive(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_HEX: &str = "0123456789abcdef0123456789abcdef";
    const KEY: [u8; 16] = [
        0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
        0xef,
    ];

    #[test]
    fn hex_of_each_kind() {
        assert_eq!(MtProxySecret::parse(KEY_HEX), Ok(MtProxySecret::Plain(KEY)));
        assert_eq!(
            MtProxySecret::parse(&format!("DD{}", KEY_HEX.to_uppercase())),
            Ok(MtProxySecret::Padded(KEY))
        );
        // "ee" ‖ key ‖ "google.com"
        let tls = MtProxySecret::parse(&format!("ee{KEY_HEX}676f6f676c652e636f6d")).unwrap();
        assert_eq!(
            tls,
            MtProxySecret::FakeTls {
                key: KEY,
                domain: "google.com".into()
            }
        );
    }

    #[test]
    fn base64_standard_and_url_safe() {
        // Computed with Python's base64.b64encode / urlsafe_b64encode.
        // ee ‖ KEY ‖ "google.com":
        let tls = "7gEjRWeJq83vASNFZ4mrze9nb29nbGUuY29t";
        assert_eq!(
            MtProxySecret::parse(tls),
            Ok(MtProxySecret::FakeTls {
                key: KEY,
                domain: "google.com".into(),
            })
        );
        // dd ‖ fbffbf fbffbf fbffbf fbffbf fbffbf fe: bytes whose base64 has '/' (or '_').
        let padded = MtProxySecret::Padded([
            0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff,
            0xbf, 0xfe,
        ]);
        for text in [
            "3fv/v/v/v/v/v/v/v/v/v/4=",
            "3fv/v/v/v/v/v/v/v/v/v/4",
            "3fv_v_v_v_v_v_v_v_v_v_4=",
            "3fv_v_v_v_v_v_v_v_v_v_4",
        ] {
            assert_eq!(MtProxySecret::parse(text).as_ref(), Ok(&padded), "{text}");
        }
        // Padded base64 of the plain key (16 bytes: two '='), and without its padding.
        for text in ["ASNFZ4mrze8BI0VniavN7w==", "ASNFZ4mrze8BI0VniavN7w"] {
            assert_eq!(MtProxySecret::parse(text), Ok(MtProxySecret::Plain(KEY)));
        }
    }

    #[test]
    fn bad_secrets_are_refused_with_a_reason() {
        assert_eq!(MtProxySecret::parse(""), Err(SecretError::Length(0)));
        assert_eq!(MtProxySecret::parse("zz!"), Err(SecretError::Encoding));
        assert_eq!(
            MtProxySecret::parse(&KEY_HEX[..30]),
            Err(SecretError::Length(15))
        );
        assert_eq!(
            MtProxySecret::parse(&format!("ab{KEY_HEX}")),
            Err(SecretError::Length(17))
        );
        assert_eq!(
            MtProxySecret::parse(&format!("ab{KEY_HEX}00")),
            Err(SecretError::Prefix(0xab))
        );
        // `ee` without a domain, with a space in it, and with a name too long.
        assert_eq!(
            MtProxySecret::parse(&format!("ee{KEY_HEX}")),
            Err(SecretError::Length(17))
        );
        assert_eq!(
            MtProxySecret::parse(&format!("ee{KEY_HEX}6120")),
            Err(SecretError::Domain)
        );
        let mut long = vec![0xee];
        long.extend_from_slice(&KEY);
        long.extend(std::iter::repeat_n(b'a', 254));
        assert_eq!(MtProxySecret::from_bytes(&long), Err(SecretError::Domain));
        assert_eq!(
            MtProxySecret::from_bytes(&[0xee; 17]),
            Err(SecretError::Length(17))
        );
    }

    #[test]
    fn text_round_trips_and_debug_hides_the_key() {
        for secret in [
            MtProxySecret::Plain(KEY),
            MtProxySecret::Padded(KEY),
            MtProxySecret::FakeTls {
                key: KEY,
                domain: "example.org".into(),
            },
        ] {
            let text = secret.to_string();
            assert_eq!(MtProxySecret::parse(&text).as_ref(), Ok(&secret));
            let debug = format!("{secret:?}");
            assert!(
                !debug.contains("0123") && !debug.contains("1, 35"),
                "{debug}"
            );
            assert!(!debug.contains(KEY_HEX));
        }
        assert_eq!(
            MtProxySecret::Padded(KEY).to_string(),
            format!("dd{KEY_HEX}")
        );
    }
}
