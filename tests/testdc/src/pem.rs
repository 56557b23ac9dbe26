//! PKCS#1 RSA keys in PEM: the public key the test DC prints for clients (Telethon and
//! others take it in this form, and tests of the binary read it back), and the private
//! key `--rsa-key` reads. Only the two structures needed, DER with definite lengths.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oxigram_proto::crypto::rsa::{RsaPrivateKey, RsaPublicKey};

/// Why a PEM key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PemError {
    /// No `-----BEGIN RSA PRIVATE KEY-----` (or `PUBLIC KEY`) block, or invalid base64.
    #[error("not a PEM RSA key block")]
    NotPem,
    /// The DER inside is not a PKCS#1 RSAPrivateKey.
    #[error("not a PKCS#1 RSA private key")]
    NotPkcs1,
    /// The key is not one MTProto can use (a 2048-bit modulus).
    #[error("the key is not a 2048-bit RSA key")]
    Unsupported,
}

fn der_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

fn der_integer(value: &[u8], out: &mut Vec<u8>) {
    let value = &value[value.iter().take_while(|&&b| b == 0).count()..];
    // A positive INTEGER whose top bit is set needs a leading zero.
    let pad = value.first().is_none_or(|&b| b & 0x80 != 0);
    out.push(0x02);
    der_len(value.len() + usize::from(pad), out);
    if pad {
        out.push(0);
    }
    out.extend_from_slice(value);
}

/// A DER SEQUENCE of positive INTEGERs.
fn der_sequence(integers: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    for value in integers {
        der_integer(value, &mut body);
    }
    let mut der = vec![0x30];
    der_len(body.len(), &mut der);
    der.extend_from_slice(&body);
    der
}

/// The key as `-----BEGIN RSA PUBLIC KEY-----` PEM (PKCS#1 `RSAPublicKey`).
pub fn public_key_pem(key: &RsaPublicKey) -> String {
    pem_block(
        "RSA PUBLIC KEY",
        &der_sequence(&[&key.modulus(), &key.exponent()]),
    )
}

/// `der` as a PEM block: base64 in lines of 64 between the BEGIN and END lines.
fn pem_block(label: &str, der: &[u8]) -> String {
    let text = STANDARD.encode(der);
    let mut pem = format!("-----BEGIN {label}-----\n");
    for line in text.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {label}-----\n"));
    pem
}

/// Reads one DER element: (tag, contents, rest).
fn der_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |a, &b| a << 8 | usize::from(b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The first `count` INTEGERs of the DER SEQUENCE in the PEM block `label`.
fn pem_integers(pem: &str, label: &str, count: usize) -> Result<Vec<Vec<u8>>, PemError> {
    let begin = format!("-----BEGIN {label}-----");
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with(&begin))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    if body.is_empty() {
        return Err(PemError::NotPem);
    }
    let der = STANDARD.decode(body.trim()).map_err(|_| PemError::NotPem)?;
    let (tag, mut fields, _) = der_element(&der).ok_or(PemError::NotPkcs1)?;
    if tag != 0x30 {
        return Err(PemError::NotPkcs1);
    }
    let mut integers = Vec::new();
    while !fields.is_empty() && integers.len() < count {
        let (tag, value, rest) = der_element(fields).ok_or(PemError::NotPkcs1)?;
        if tag != 0x02 {
            return Err(PemError::NotPkcs1);
        }
        integers.push(value.to_vec());
        fields = rest;
    }
    Ok(integers)
}

/// Reads a `-----BEGIN RSA PUBLIC KEY-----` PEM (PKCS#1 `RSAPublicKey`), as the test DC
/// prints it on start.
pub fn public_key_from_pem(pem: &str) -> Result<RsaPublicKey, PemError> {
    let integers = pem_integers(pem, "RSA PUBLIC KEY", 2)?;
    let [n, e] = &integers[..] else {
        return Err(PemError::NotPkcs1);
    };
    RsaPublicKey::new(n, e).map_err(|_| PemError::Unsupported)
}

/// Reads a `-----BEGIN RSA PRIVATE KEY-----` PEM (PKCS#1 `RSAPrivateKey`).
pub fn private_key_from_pem(pem: &str) -> Result<RsaPrivateKey, PemError> {
    let integers = pem_integers(pem, "RSA PRIVATE KEY", 4)?;
    let [version, n, e, d] = &integers[..] else {
        return Err(PemError::NotPkcs1);
    };
    if version[..] != [0] {
        return Err(PemError::NotPkcs1);
    }
    RsaPrivateKey::new(n, e, d).map_err(|_| PemError::Unsupported)
}

/// A private key as PEM (for writing the generated key out, and for tests).
pub fn private_key_pem(n: &[u8], e: &[u8], d: &[u8]) -> String {
    pem_block("RSA PRIVATE KEY", &der_sequence(&[&[0], n, e, d]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_keys_have_the_pkcs1_layout() {
        let pem = public_key_pem(&oxigram_proto::crypto::rsa::production_key());
        // SEQUENCE(266) { INTEGER(257) 00 n.., INTEGER(3) 01 00 01 }: the prefix and suffix
        // every 2048-bit PKCS#1 public key with exponent 65537 has, and the start of
        // Telegram's production key as its documentation prints it.
        assert!(pem.starts_with("-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA6LszBcC1LGzyr992NzE0ieY+BSaOW622Aa9Bd4ZHLl+TuFQ4lo4g\n"));
        assert!(pem.ends_with("IDAQAB\n-----END RSA PUBLIC KEY-----\n"));
        assert_eq!(pem.lines().count(), 8);
        let key = public_key_from_pem(&pem).unwrap();
        assert_eq!(
            key.fingerprint(),
            oxigram_proto::crypto::rsa::production_key().fingerprint()
        );
        assert_eq!(public_key_from_pem("hello").unwrap_err(), PemError::NotPem);
    }

    #[test]
    fn private_keys_round_trip_and_garbage_is_refused() {
        let n = [0xc5u8; 256];
        let mut n = n.to_vec();
        n[255] |= 1;
        let pem = private_key_pem(&n, &[1, 0, 1], &[0x33; 255]);
        let key = private_key_from_pem(&pem).unwrap();
        assert_eq!(key.public().modulus().to_vec(), n);
        assert_eq!(private_key_from_pem("hello").unwrap_err(), PemError::NotPem);
        let short = private_key_pem(&[0xc5; 128], &[3], &[5; 127]);
        assert_eq!(
            private_key_from_pem(&short).unwrap_err(),
            PemError::Unsupported
        );
        let truncated: String = pem
            .lines()
            .take(3)
            .chain(pem.lines().last())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(private_key_from_pem(&truncated).is_err());
    }
}
