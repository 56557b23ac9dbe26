//! Server keys given as PEM, for the test DC and self-hosted servers.

use oxigram_proto::crypto::rsa::RsaPublicKey;
use pkcs1::der::Decode;

use crate::error::Error;

/// Reads an RSA public key from PEM: PKCS#1 (`BEGIN RSA PUBLIC KEY`, as Telegram and
/// the test DC print them) or SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`, as OpenSSL does).
pub(crate) fn from_pem(pem: &str) -> crate::Result<RsaPublicKey> {
    let refuse = |why: String| Error::Config(format!("server key: {why}"));
    let (label, der) = pem_rfc7468::decode_vec(pem.trim().as_bytes())
        .map_err(|e| refuse(format!("not PEM ({e})")))?;
    let pkcs1_der = match label {
        "RSA PUBLIC KEY" => der,
        "PUBLIC KEY" => {
            let info = spki::SubjectPublicKeyInfoRef::from_der(&der)
                .map_err(|e| refuse(format!("not a SubjectPublicKeyInfo ({e})")))?;
            if info.algorithm.oid != RSA_ENCRYPTION {
                return Err(refuse(format!(
                    "not an RSA key (algorithm {})",
                    info.algorithm.oid
                )));
            }
            info.subject_public_key
                .as_bytes()
                .ok_or_else(|| refuse("the key's bit string is not whole bytes".into()))?
                .to_vec()
        }
        other => return Err(refuse(format!("a PEM block {other:?}, not a public key"))),
    };
    let key = pkcs1::RsaPublicKey::from_der(&pkcs1_der)
        .map_err(|e| refuse(format!("not a PKCS#1 RSA public key ({e})")))?;
    RsaPublicKey::new(key.modulus.as_bytes(), key.public_exponent.as_bytes())
        .map_err(|e| refuse(format!("unusable for MTProto ({e})")))
}

/// `rsaEncryption` (1.2.840.113549.1.1.1).
const RSA_ENCRYPTION: spki::ObjectIdentifier =
    spki::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    /// DER of `SEQUENCE { INTEGER n, INTEGER e }` for a 2048-bit n.
    fn pkcs1_der(n: &[u8; 256], e: &[u8]) -> Vec<u8> {
        let mut n_int = vec![0x02, 0x82, 0x01, 0x01, 0x00];
        n_int.extend_from_slice(n);
        let mut e_int = vec![0x02, e.len() as u8];
        e_int.extend_from_slice(e);
        let len = n_int.len() + e_int.len();
        let mut der = vec![0x30, 0x82, (len >> 8) as u8, len as u8];
        der.extend(n_int);
        der.extend(e_int);
        der
    }

    fn pem(label: &str, der: &[u8]) -> String {
        let body = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    }

    #[test]
    fn both_pem_forms_give_telegrams_key() {
        let telegram = oxigram_proto::crypto::rsa::production_key();
        let n = telegram.modulus();
        let e = telegram.exponent();
        let pkcs1 = pkcs1_der(&n, &e);
        let read = from_pem(&pem("RSA PUBLIC KEY", &pkcs1)).unwrap();
        assert_eq!(read.fingerprint(), telegram.fingerprint());

        // SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID rsaEncryption, NULL },
        // BIT STRING { 0 unused bits, the PKCS#1 key } }.
        let algorithm = [
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05,
            0x00,
        ];
        let bits_len = pkcs1.len() + 1;
        let mut bits = vec![0x03, 0x82, (bits_len >> 8) as u8, bits_len as u8, 0x00];
        bits.extend(&pkcs1);
        let len = algorithm.len() + bits.len();
        let mut spki = vec![0x30, 0x82, (len >> 8) as u8, len as u8];
        spki.extend(algorithm);
        spki.extend(bits);
        let read = from_pem(&pem("PUBLIC KEY", &spki)).unwrap();
        assert_eq!(read.fingerprint(), telegram.fingerprint());
    }

    #[test]
    fn other_pem_blocks_and_garbage_are_refused() {
        assert!(from_pem("hello").is_err());
        let private = pem("RSA PRIVATE KEY", &[0x30, 0x00]);
        let error = from_pem(&private).unwrap_err().to_string();
        assert!(error.contains("RSA PRIVATE KEY"), "{error}");
        assert!(from_pem(&pem("RSA PUBLIC KEY", &[0x30, 0x03, 0x02, 0x01, 0x05])).is_err());
    }
}
