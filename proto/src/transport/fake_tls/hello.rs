//! The two hellos of fake TLS: the client's, a TLS 1.3 ClientHello whose random field is
//! an HMAC of the hello keyed with the proxy's key (its last 4 bytes XORed with the
//! client's clock), and the server's answer (ServerHello, ChangeCipherSpec and one
//! application-data record) whose random field is an HMAC of the client's random and
//! the answer.

use hmac::{KeyInit, Mac};
use sha2::Sha256;

use super::FakeTlsError;
use super::records::{APPLICATION_DATA, CHANGE_CIPHER_SPEC, HANDSHAKE, MAX_RECEIVED};
use crate::random::RandomSource;

/// Where the 32-byte random (the digest) sits in either hello: after the record header
/// (5 bytes), the handshake header (4) and the legacy version (2).
pub(super) const DIGEST_AT: usize = 11;
const DIGEST: std::ops::Range<usize> = DIGEST_AT..DIGEST_AT + 32;

/// Browsers pad their hellos to 517 bytes (a 512-byte record); ours too.
pub(super) const HELLO_LEN: usize = 517;

/// The shortest ClientHello read: handshake header, version, random, session id length.
const MIN_HELLO: usize = 4 + 2 + 32 + 1;

/// The cipher suites a current browser offers (TLS 1.3 first), after a GREASE value.
const CIPHER_SUITES: [u16; 15] = [
    0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c,
    0x009d, 0x002f, 0x0035,
];

/// HMAC-SHA256 of the concatenated `parts`, keyed with the proxy's key.
pub(super) fn hmac(key: &[u8; 16], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// A GREASE value (RFC 8701): both bytes `?a` with a random high nibble.
fn grease(random: u8) -> [u8; 2] {
    let b = (random & 0xf0) | 0x0a;
    [b, b]
}

/// Writes `u16` length-prefixed content: the length is patched in when `write` returns.
fn prefixed(out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    let at = out.len();
    out.extend_from_slice(&[0, 0]);
    write(out);
    let len = (out.len() - at - 2) as u16;
    out[at..at + 2].copy_from_slice(&len.to_be_bytes());
}

fn extension(out: &mut Vec<u8>, kind: [u8; 2], write: impl FnOnce(&mut Vec<u8>)) {
    out.extend_from_slice(&kind);
    prefixed(out, write);
}

/// Patches the record length (bytes 3..5) and the 24-bit handshake length (6..9).
fn patch_lengths(message: &mut [u8], end: usize) {
    let record = (end - 5) as u16;
    message[3..5].copy_from_slice(&record.to_be_bytes());
    let handshake = (end - 9) as u32;
    message[6..9].copy_from_slice(&handshake.to_be_bytes()[1..]);
}

/// The client's hello for `domain` at client time `unix`, its digest in place.
pub(super) fn client_hello(
    key: &[u8; 16],
    domain: &str,
    unix: u32,
    random: &mut dyn RandomSource,
) -> Vec<u8> {
    let mut drawn = [0u8; 32 + 4];
    random.fill(&mut drawn);
    let (session_id, greases) = drawn.split_at(32);
    let share = super::curve::key_share(random);
    let [g_suite, g_ext, g_group, g_version] = [0, 1, 2, 3].map(|i| grease(greases[i]));
    // The two GREASE extensions must differ, as a browser's do.
    let g_last = if g_ext[0] == 0xfa {
        [0x0a; 2]
    } else {
        grease(g_ext[0] + 0x10)
    };

    let mut h = Vec::with_capacity(HELLO_LEN);
    h.extend_from_slice(&[HANDSHAKE, 0x03, 0x01, 0, 0]);
    h.extend_from_slice(&[0x01, 0, 0, 0]);
    h.extend_from_slice(&[0x03, 0x03]);
    h.extend_from_slice(&[0; 32]);
    h.push(32);
    h.extend_from_slice(session_id);
    prefixed(&mut h, |h| {
        h.extend_from_slice(&g_suite);
        for suite in CIPHER_SUITES {
            h.extend_from_slice(&suite.to_be_bytes());
        }
    });
    h.extend_from_slice(&[1, 0]);
    prefixed(&mut h, |h| {
        extension(h, g_ext, |_| {});
        extension(h, [0x00, 0x00], |h| {
            prefixed(h, |h| {
                h.push(0);
                prefixed(h, |h| h.extend_from_slice(domain.as_bytes()));
            })
        });
        extension(h, [0x00, 0x17], |_| {});
        extension(h, [0xff, 0x01], |h| h.push(0));
        extension(h, [0x00, 0x0a], |h| {
            prefixed(h, |h| {
                h.extend_from_slice(&g_group);
                h.extend_from_slice(&[0x00, 0x1d, 0x00, 0x17, 0x00, 0x18]);
            })
        });
        extension(h, [0x00, 0x0b], |h| h.extend_from_slice(&[1, 0]));
        extension(h, [0x00, 0x23], |_| {});
        extension(h, [0x00, 0x10], |h| {
            prefixed(h, |h| {
                h.push(2);
                h.extend_from_slice(b"h2");
                h.push(8);
                h.extend_from_slice(b"http/1.1");
            })
        });
        extension(h, [0x00, 0x05], |h| h.extend_from_slice(&[1, 0, 0, 0, 0]));
        extension(h, [0x00, 0x0d], |h| {
            prefixed(h, |h| {
                for scheme in [
                    0x0403u16, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
                ] {
                    h.extend_from_slice(&scheme.to_be_bytes());
                }
            })
        });
        extension(h, [0x00, 0x12], |_| {});
        extension(h, [0x00, 0x33], |h| {
            prefixed(h, |h| {
                h.extend_from_slice(&g_group);
                h.extend_from_slice(&[0x00, 0x01, 0x00]);
                h.extend_from_slice(&[0x00, 0x1d, 0x00, 0x20]);
                h.extend_from_slice(&share);
            })
        });
        extension(h, [0x00, 0x2d], |h| h.extend_from_slice(&[1, 1]));
        extension(h, [0x00, 0x2b], |h| {
            h.push(6);
            h.extend_from_slice(&g_version);
            h.extend_from_slice(&[0x03, 0x04, 0x03, 0x03]);
        });
        extension(h, [0x00, 0x1b], |h| h.extend_from_slice(&[2, 0x00, 0x02]));
        extension(h, g_last, |h| h.push(0));
        // The padding extension (RFC 7685) brings the hello to the usual size; a domain
        // too long for it leaves the hello longer, as a browser's would be.
        // (`h` is the whole hello here: the closures write into it.)
        if h.len() + 4 <= HELLO_LEN {
            let fill = HELLO_LEN - h.len() - 4;
            extension(h, [0x00, 0x15], |h| h.resize(h.len() + fill, 0));
        }
    });
    let end = h.len();
    patch_lengths(&mut h, end);
    let mut digest = hmac(key, &[&h]);
    for (d, t) in digest[28..].iter_mut().zip(unix.to_le_bytes()) {
        *d ^= t;
    }
    h[DIGEST].copy_from_slice(&digest);
    h
}

/// A client's hello, read and its digest checked against the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ClientHello {
    /// Its length (the record's, with its header).
    pub len: usize,
    /// The random field as sent: the server's answer is keyed on it.
    pub digest: [u8; 32],
    /// The client's clock, from the digest.
    pub unix: u32,
    /// The session id the server echoes.
    pub session_id: Vec<u8>,
}

/// Reads a ClientHello at the front of `input`: `None` until all of it arrived.
pub(super) fn read_client_hello(
    input: &[u8],
    key: &[u8; 16],
) -> Result<Option<ClientHello>, FakeTlsError> {
    let Some(head) = input.first_chunk::<5>() else {
        return Ok(None);
    };
    if head[..3] != [HANDSHAKE, 0x03, 0x01] {
        return Err(FakeTlsError::NotTls);
    }
    let len = usize::from(u16::from_be_bytes([head[3], head[4]]));
    if len > MAX_RECEIVED {
        return Err(FakeTlsError::RecordTooLarge(len));
    }
    if len < MIN_HELLO {
        return Err(FakeTlsError::MalformedHello);
    }
    let Some(hello) = input.get(..5 + len) else {
        return Ok(None);
    };
    let handshake_len = u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize;
    if hello[5] != 0x01 || handshake_len != len - 4 || hello[9..11] != [0x03, 0x03] {
        return Err(FakeTlsError::MalformedHello);
    }
    let session_len = usize::from(hello[43]);
    let session_id = match hello.get(44..44 + session_len) {
        Some(id) if session_len <= 32 => id.to_vec(),
        _ => return Err(FakeTlsError::MalformedHello),
    };
    let sent: [u8; 32] = hello[DIGEST].try_into().expect("32 bytes");
    let mut zeroed = hello.to_vec();
    zeroed[DIGEST].fill(0);
    let expected = hmac(key, &[&zeroed]);
    // All but the last 4 bytes must match (compared without an early exit, so the time
    // taken tells nothing of where they differ); those 4 carry the client's clock.
    let diff = expected[..28]
        .iter()
        .zip(&sent[..28])
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff != 0 {
        return Err(FakeTlsError::BadDigest);
    }
    let mut clock = [0u8; 4];
    for (i, c) in clock.iter_mut().enumerate() {
        *c = expected[28 + i] ^ sent[28 + i];
    }
    Ok(Some(ClientHello {
        len: 5 + len,
        digest: sent,
        unix: u32::from_le_bytes(clock),
        session_id,
    }))
}

/// The server's answer to a hello whose random was `client_digest`: ServerHello,
/// ChangeCipherSpec and an application-data record standing in for the encrypted
/// certificate, the ServerHello's random an HMAC of `client_digest` and the answer.
pub(super) fn server_answer(
    key: &[u8; 16],
    client_digest: &[u8; 32],
    session_id: &[u8],
    random: &mut dyn RandomSource,
) -> Vec<u8> {
    let mut drawn = [0u8; 34];
    random.fill(&mut drawn);
    let mut share: [u8; 32] = drawn[..32].try_into().expect("32 bytes");
    share[31] &= 0x7f;
    // A certificate chain's worth of bytes, its size varying as real ones do.
    let certificate = 1024 + usize::from(u16::from_le_bytes([drawn[32], drawn[33]])) % 3072;

    let mut a = Vec::with_capacity(128 + certificate);
    a.extend_from_slice(&[HANDSHAKE, 0x03, 0x03, 0, 0]);
    a.extend_from_slice(&[0x02, 0, 0, 0]);
    a.extend_from_slice(&[0x03, 0x03]);
    a.extend_from_slice(&[0; 32]);
    a.push(session_id.len() as u8);
    a.extend_from_slice(session_id);
    a.extend_from_slice(&[0x13, 0x01, 0x00]);
    prefixed(&mut a, |a| {
        extension(a, [0x00, 0x33], |a| {
            a.extend_from_slice(&[0x00, 0x1d, 0x00, 0x20]);
            a.extend_from_slice(&share);
        });
        extension(a, [0x00, 0x2b], |a| a.extend_from_slice(&[0x03, 0x04]));
    });
    let end = a.len();
    patch_lengths(&mut a, end);
    a.extend_from_slice(&[CHANGE_CIPHER_SPEC, 0x03, 0x03, 0x00, 0x01, 0x01]);
    a.extend_from_slice(&[APPLICATION_DATA, 0x03, 0x03]);
    a.extend_from_slice(&(certificate as u16).to_be_bytes());
    let start = a.len();
    a.resize(start + certificate, 0);
    random.fill(&mut a[start..]);
    let digest = hmac(key, &[client_digest, &a]);
    a[DIGEST].copy_from_slice(&digest);
    a
}

/// Checks the server's answer at the front of `input` against the key and the client's
/// digest: `None` until all of it arrived, then its length.
pub(super) fn check_server_answer(
    input: &[u8],
    key: &[u8; 16],
    client_digest: &[u8; 32],
) -> Result<Option<usize>, FakeTlsError> {
    let Some(head) = input.first_chunk::<5>() else {
        return Ok(None);
    };
    if head[..3] != [HANDSHAKE, 0x03, 0x03] {
        return Err(FakeTlsError::MalformedServerHello);
    }
    let hello_len = usize::from(u16::from_be_bytes([head[3], head[4]]));
    if !(4 + 2 + 32..=MAX_RECEIVED).contains(&hello_len) {
        return Err(FakeTlsError::MalformedServerHello);
    }
    let ccs = 5 + hello_len;
    let data = ccs + 6;
    let Some(records) = input.get(ccs..data + 5) else {
        return Ok(None);
    };
    if records[..6] != [CHANGE_CIPHER_SPEC, 0x03, 0x03, 0x00, 0x01, 0x01]
        || records[6..9] != [APPLICATION_DATA, 0x03, 0x03]
        || input[5] != 0x02
    {
        return Err(FakeTlsError::MalformedServerHello);
    }
    let data_len = usize::from(u16::from_be_bytes([records[9], records[10]]));
    if data_len > MAX_RECEIVED {
        return Err(FakeTlsError::RecordTooLarge(data_len));
    }
    let Some(answer) = input.get(..data + 5 + data_len) else {
        return Ok(None);
    };
    let mut zeroed = answer.to_vec();
    zeroed[DIGEST].fill(0);
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(client_digest);
    mac.update(&zeroed);
    mac.verify_slice(&answer[DIGEST])
        .map_err(|_| FakeTlsError::BadServerDigest)?;
    Ok(Some(answer.len()))
}
