//! CDN downloads. A CDN DC ([`CDN_DC`], with an RSA key of its own) serves the parts of
//! the files the [`CdnRules`] choose, encrypted with AES-256-CTR; the main DCs redirect
//! `upload.getFile` there (`upload.fileCdnRedirect`), hand out the parts' SHA-256 hashes
//! (`upload.getCdnFileHashes`), take `upload.reuploadCdnFile`, and give the CDN's key
//! (`help.getCdnConfig`). The CDN DC answers `upload.getCdnFile` without a sign-in, and
//! nothing else.

use oxigram_proto::crypto::ctr::AesCtr;
use oxigram_proto::crypto::sha256;
use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::bounded::Bounded;
use super::{ApiState, Reply, Request, decode, error, me, ok};

/// The CDN DC's id.
pub const CDN_DC: i32 = 203;

/// The bytes each hash covers (the last range of a file may be shorter).
pub const HASH_PART: u64 = 128 << 10;

/// Redirects remembered at most (file tokens); older ones read as `FILE_TOKEN_INVALID`.
pub const MAX_CDN_FILES: usize = 1024;

/// Hashes given per `upload.getCdnFileHashes` or `upload.reuploadCdnFile`: 1 MiB worth.
const HASHES_PER_CALL: u64 = 8;

/// Which files the main DCs redirect to the CDN DC, and the faults it injects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CdnRules {
    /// Every document of at least this many bytes goes through the CDN.
    pub min_size: Option<u64>,
    /// These documents (ids) go through the CDN whatever their size.
    pub documents: Vec<i64>,
    /// The hash of this 128 KiB range (its index in the file) is given wrong.
    pub bad_hash_part: Option<u64>,
    /// The next `upload.getCdnFile` answers `upload.cdnFileReuploadNeeded`; that file
    /// token's parts are served again once `upload.reuploadCdnFile` was called for it.
    pub reupload_once: bool,
}

/// A redirect handed out: the file and the key its parts are encrypted with.
#[derive(Debug, Clone)]
struct CdnFile {
    document: i64,
    access_hash: i64,
    key: [u8; 32],
    iv: [u8; 16],
    /// The request token of a reupload asked for and not done yet.
    reupload: Option<Vec<u8>>,
}

/// The CDN's state on the API side.
#[derive(Debug)]
pub(crate) struct Cdn {
    rules: CdnRules,
    /// The CDN DC's public key (PKCS#1 PEM), when there is a CDN DC.
    public_key: Option<String>,
    /// File tokens handed out, by the token's number.
    files: Bounded<u64, CdnFile>,
    next_token: u64,
    /// Whether the next `upload.getCdnFile` asks for a reupload.
    reupload_armed: bool,
    /// `upload.getCdnFile` answered with bytes so far.
    pub(crate) parts_served: u64,
}

impl Cdn {
    pub(crate) fn new() -> Self {
        Cdn {
            rules: CdnRules::default(),
            public_key: None,
            files: Bounded::new(MAX_CDN_FILES),
            next_token: 0,
            reupload_armed: false,
            parts_served: 0,
        }
    }

    /// Replaces the rules (a reupload fault is armed anew).
    pub(crate) fn set_rules(&mut self, rules: CdnRules) {
        self.reupload_armed = rules.reupload_once;
        self.rules = rules;
    }

    /// Sets the CDN DC's public key (PEM) that `help.getCdnConfig` gives.
    pub(crate) fn set_public_key(&mut self, pem: String) {
        self.public_key = Some(pem);
    }

    fn through_cdn(&self, document: i64, size: u64) -> bool {
        self.rules.documents.contains(&document)
            || self.rules.min_size.is_some_and(|min| size >= min)
    }
}

/// The number a file token carries.
fn token_number(token: &[u8]) -> Option<u64> {
    token.try_into().ok().map(u64::from_le_bytes)
}

/// The counter block for the bytes from `offset`: the IV with its last four bytes
/// replaced by `offset / 16`, big-endian.
fn counter_at(iv: &[u8; 16], offset: u64) -> [u8; 16] {
    let mut block = *iv;
    block[12..].copy_from_slice(&((offset / 16) as u32).to_be_bytes());
    block
}

/// Encrypts (or decrypts) `data`, the file's bytes from `offset`, as the CDN serves them.
pub fn cdn_cipher(key: &[u8; 32], iv: &[u8; 16], offset: u64, data: &mut [u8]) {
    AesCtr::new(key, &counter_at(iv, offset)).apply(data);
}

impl ApiState {
    /// Sets which files go through the CDN DC, and its faults.
    pub fn set_cdn_rules(&mut self, rules: CdnRules) {
        self.cdn.set_rules(rules);
    }

    /// Sets the CDN DC's public key (PEM) that `help.getCdnConfig` gives.
    pub fn set_cdn_public_key(&mut self, pem: String) {
        self.cdn.set_public_key(pem);
    }

    /// Parts the CDN DC served so far.
    pub fn cdn_parts_served(&self) -> u64 {
        self.cdn.parts_served
    }

    /// Whether `dc` (an index into [`ApiState::dcs`]) is the CDN DC.
    fn is_cdn(&self, dc: usize) -> bool {
        self.dcs.get(dc).is_some_and(|d| d.cdn)
    }

    /// The answer to `upload.getFile` with `cdn_supported` for a document the rules send
    /// to the CDN: a redirect carrying the hash of the range at `offset` (the others come
    /// from `upload.getCdnFileHashes`). `None` for the other files.
    pub(super) fn cdn_redirect(
        &mut self,
        document: i64,
        access_hash: i64,
        bytes: &[u8],
        offset: u64,
    ) -> Option<Reply> {
        if self.cdn.public_key.is_none() || !self.cdn.through_cdn(document, bytes.len() as u64) {
            return None;
        }
        self.cdn.next_token += 1;
        let number = self.cdn.next_token;
        let file = CdnFile {
            document,
            access_hash,
            key: self.random_bytes(),
            iv: self.random_bytes(),
            reupload: None,
        };
        let redirect = types::upload::FileCdnRedirect {
            dc_id: CDN_DC,
            file_token: number.to_le_bytes().to_vec().into(),
            encryption_key: file.key.to_vec().into(),
            encryption_iv: file.iv.to_vec().into(),
            file_hashes: self.hashes(bytes, offset / HASH_PART, 1),
        };
        self.cdn.files.insert(number, file);
        Some(ok(redirect))
    }

    /// The hashes of `count` ranges from range `first` (those inside the file).
    fn hashes(&self, bytes: &[u8], first: u64, count: u64) -> Vec<enums::FileHash> {
        let len = bytes.len() as u64;
        (first..first.saturating_add(count))
            .map_while(|part| {
                let offset = part.checked_mul(HASH_PART).filter(|&o| o < len)?;
                let limit = HASH_PART.min(len - offset);
                let mut hash = sha256(&[&bytes[offset as usize..(offset + limit) as usize]]);
                if self.cdn.rules.bad_hash_part == Some(part) {
                    hash[0] ^= 0xff;
                }
                Some(enums::FileHash::FileHash(types::FileHash {
                    offset: offset as i64,
                    limit: limit as i32,
                    hash: hash.to_vec().into(),
                }))
            })
            .collect()
    }

    /// The redirect a file token names and its document's bytes.
    fn cdn_file(&self, token: &[u8]) -> Option<(u64, CdnFile, bytes::Bytes)> {
        let number = token_number(token)?;
        let file = self.cdn.files.get(&number)?.clone();
        let bytes = self
            .world
            .document(file.document, file.access_hash)?
            .bytes
            .clone();
        Some((number, file, bytes))
    }

    /// Answers the CDN's methods and refuses everything else on the CDN DC; `None` for
    /// the other requests.
    pub(super) fn cdn(&mut self, name: Option<&str>, req: &Request<'_>) -> Option<Reply> {
        let on_cdn = self.is_cdn(req.dc);
        let reply = match req.id {
            functions::upload::GetCdnFile::CONSTRUCTOR_ID if on_cdn => self.get_cdn_file(req),
            functions::upload::GetCdnFile::CONSTRUCTOR_ID => error(400, "CDN_METHOD_INVALID"),
            functions::help::GetCdnConfig::CONSTRUCTOR_ID if !on_cdn => {
                let public_keys = self
                    .cdn
                    .public_key
                    .iter()
                    .map(|pem| {
                        enums::CdnPublicKey::CdnPublicKey(types::CdnPublicKey {
                            dc_id: CDN_DC,
                            public_key: pem.clone(),
                        })
                    })
                    .collect();
                ok(types::CdnConfig { public_keys })
            }
            functions::upload::GetCdnFileHashes::CONSTRUCTOR_ID if !on_cdn => {
                self.get_cdn_file_hashes(req)
            }
            functions::upload::ReuploadCdnFile::CONSTRUCTOR_ID if !on_cdn => {
                self.reupload_cdn_file(req)
            }
            _ if on_cdn => {
                tracing::debug!(?name, "a method the CDN DC does not serve");
                error(400, "CDN_METHOD_INVALID")
            }
            _ => return None,
        };
        Some(reply)
    }

    fn get_cdn_file_hashes(&mut self, req: &Request<'_>) -> Reply {
        me!(self, req);
        let r = decode!(req, functions::upload::GetCdnFileHashes);
        let Some((_, _, bytes)) = self.cdn_file(&r.file_token) else {
            return error(400, "FILE_TOKEN_INVALID");
        };
        if r.offset < 0 {
            return error(400, "OFFSET_INVALID");
        }
        let first = r.offset as u64 / HASH_PART;
        ok(self.hashes(&bytes, first, HASHES_PER_CALL))
    }

    fn reupload_cdn_file(&mut self, req: &Request<'_>) -> Reply {
        me!(self, req);
        let r = decode!(req, functions::upload::ReuploadCdnFile);
        let Some((number, file, bytes)) = self.cdn_file(&r.file_token) else {
            return error(400, "FILE_TOKEN_INVALID");
        };
        if file.reupload.as_deref() != Some(&r.request_token[..]) {
            return error(400, "FILE_TOKEN_INVALID");
        }
        if let Some(file) = self.cdn.files.get_mut(&number) {
            file.reupload = None;
        }
        ok(self.hashes(&bytes, 0, HASHES_PER_CALL))
    }

    fn get_cdn_file(&mut self, req: &Request<'_>) -> Reply {
        let r = decode!(req, functions::upload::GetCdnFile);
        let Some((number, file, bytes)) = self.cdn_file(&r.file_token) else {
            return error(400, "FILE_TOKEN_INVALID");
        };
        if r.offset < 0 || r.offset % 4096 != 0 {
            return error(400, "OFFSET_INVALID");
        }
        if r.limit <= 0 || r.limit > 1 << 20 || (1 << 20) % r.limit != 0 {
            return error(400, "LIMIT_INVALID");
        }
        if self.cdn.reupload_armed || file.reupload.is_some() {
            self.cdn.reupload_armed = false;
            let request_token = match file.reupload {
                Some(token) => token,
                None => self.random_bytes::<16>().to_vec(),
            };
            if let Some(file) = self.cdn.files.get_mut(&number) {
                file.reupload = Some(request_token.clone());
            }
            return ok(types::upload::CdnFileReuploadNeeded {
                request_token: request_token.into(),
            });
        }
        let len = bytes.len() as u64;
        let start = (r.offset as u64).min(len);
        let end = (start + r.limit as u64).min(len);
        let mut part = bytes[start as usize..end as usize].to_vec();
        cdn_cipher(&file.key, &file.iv, start, &mut part);
        self.cdn.parts_served += 1;
        ok(types::upload::CdnFile { bytes: part.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cipher_from_an_offset_continues_the_one_from_the_start() {
        let (key, iv) = ([7u8; 32], [9u8; 16]);
        let plain: Vec<u8> = (0..8192u32).map(|i| (i * 31) as u8).collect();
        let mut whole = plain.clone();
        cdn_cipher(&key, &iv, 0, &mut whole);
        let mut tail = plain[4096..].to_vec();
        cdn_cipher(&key, &iv, 4096, &mut tail);
        assert_eq!(tail, whole[4096..]);
        assert_ne!(tail, plain[4096..]);
        cdn_cipher(&key, &iv, 4096, &mut tail);
        assert_eq!(tail, plain[4096..]);
    }

    #[test]
    fn file_tokens_are_eight_bytes() {
        assert_eq!(token_number(&5u64.to_le_bytes()), Some(5));
        assert_eq!(token_number(b"short"), None);
    }
}
