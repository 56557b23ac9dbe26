//! Downloads from a CDN DC. The file's DC answers `upload.getFile` with
//! `upload.fileCdnRedirect`: the part then comes from the CDN DC (connected with its own
//! key from `help.getCdnConfig`, never signed in), encrypted with AES-256-CTR under the
//! redirect's key, and each 128 KiB range of it is checked against its SHA-256 hash
//! (given by the redirect or asked of the file's DC). A CDN that asks for it gets the
//! file again with `upload.reuploadCdnFile`.

use bytes::Bytes;
use oxigram_proto::crypto::ctr::AesCtr;
use oxigram_proto::crypto::sha256;

use super::FileError;
use crate::tl::{enums, functions, types};
use crate::{Client, Error};

/// `upload.cdnFileReuploadNeeded` answers followed for one part at most.
const MAX_REUPLOADS: usize = 3;

/// `upload.getCdnFileHashes` calls for one part at most (each gives several hashes).
const MAX_HASH_CALLS: usize = 16;

/// Hashes kept for one part at most (a part of 1 MiB needs 8).
const MAX_HASHES: usize = 64;

/// One part of a file from `offset` (at most `limit` bytes), through the CDN that
/// `redirect` names; `main` is the file's DC (home if `None`).
pub(super) async fn fetch(
    client: &Client,
    redirect: types::upload::FileCdnRedirect,
    main: Option<i16>,
    offset: u64,
    limit: u64,
) -> crate::Result<Bytes> {
    let dc = i16::try_from(redirect.dc_id)
        .map_err(|_| cdn_error(format!("no such DC {}", redirect.dc_id)))?;
    let key: [u8; 32] = redirect.encryption_key[..]
        .try_into()
        .map_err(|_| cdn_error("the redirect's key is not 32 bytes".into()))?;
    let iv: [u8; 16] = redirect.encryption_iv[..]
        .try_into()
        .map_err(|_| cdn_error("the redirect's IV is not 16 bytes".into()))?;
    learn_key(client, dc).await?;
    let mut hashes = Hashes::new(offset);
    hashes.add(redirect.file_hashes);
    let mut reuploads = 0;
    let mut bytes = loop {
        let request = functions::upload::GetCdnFile {
            file_token: redirect.file_token.clone(),
            offset: offset as i64,
            limit: limit as i32,
        };
        match client.invoke(request).dc(dc).await? {
            enums::upload::CdnFile::CdnFile(file) => break file.bytes.to_vec(),
            enums::upload::CdnFile::ReuploadNeeded(needed) => {
                reuploads += 1;
                if reuploads > MAX_REUPLOADS {
                    return Err(cdn_error(format!(
                        "the CDN asked for the file {MAX_REUPLOADS} times"
                    )));
                }
                tracing::debug!(dc, offset, "the CDN asks for the file again");
                let reupload = functions::upload::ReuploadCdnFile {
                    file_token: redirect.file_token.clone(),
                    request_token: needed.request_token,
                };
                hashes.add(with_dc(client.invoke(reupload), main).await?);
            }
        }
    };
    let mut counter = iv;
    counter[12..].copy_from_slice(&((offset / 16) as u32).to_be_bytes());
    AesCtr::new(&key, &counter).apply(&mut bytes);
    // Every range of the part against its hash, asking for those not given yet.
    let mut checked = 0usize;
    let mut calls = 0;
    while checked < bytes.len() {
        let at = offset + checked as u64;
        let hash = match hashes.at(at) {
            Some(hash) => hash,
            None if calls < MAX_HASH_CALLS => {
                calls += 1;
                let ask = functions::upload::GetCdnFileHashes {
                    file_token: redirect.file_token.clone(),
                    offset: at as i64,
                };
                hashes.add(with_dc(client.invoke(ask), main).await?);
                continue;
            }
            None => return Err(cdn_error(format!("no hash for the bytes at {at}"))),
        };
        let end = usize::try_from(hash.limit)
            .ok()
            .filter(|&l| l > 0)
            .and_then(|l| checked.checked_add(l))
            .filter(|&end| end <= bytes.len())
            .ok_or(FileError::CdnHash { offset: at })?;
        if sha256(&[&bytes[checked..end]])[..] != hash.hash[..] {
            return Err(FileError::CdnHash { offset: at }.into());
        }
        checked = end;
    }
    Ok(bytes.into())
}

/// A request on the file's DC.
fn with_dc<'c, F>(
    request: crate::client::Invoke<'c, F>,
    main: Option<i16>,
) -> crate::client::Invoke<'c, F> {
    match main {
        Some(dc) => request.dc(dc),
        None => request,
    }
}

fn cdn_error(why: String) -> Error {
    FileError::Cdn(why).into()
}

/// Fetches the CDN keys (`help.getCdnConfig`) unless DC `dc`'s is known.
async fn learn_key(client: &Client, dc: i16) -> crate::Result<()> {
    if client.inner.cdn_key(dc).is_some() {
        return Ok(());
    }
    let enums::CdnConfig::CdnConfig(config) =
        client.invoke(functions::help::GetCdnConfig {}).await?;
    for key in config.public_keys {
        let enums::CdnPublicKey::CdnPublicKey(key) = key;
        if key.dc_id == i32::from(dc) {
            client.inner.add_cdn_key(dc, &key.public_key)?;
        }
    }
    if client.inner.cdn_key(dc).is_none() {
        return Err(cdn_error(format!(
            "help.getCdnConfig gives no key for DC {dc}"
        )));
    }
    Ok(())
}

/// The hashes known for one part: those of the ranges from the part's offset on.
struct Hashes {
    from: u64,
    known: Vec<types::FileHash>,
}

impl Hashes {
    fn new(from: u64) -> Self {
        Hashes {
            from,
            known: Vec::new(),
        }
    }

    fn add(&mut self, hashes: Vec<enums::FileHash>) {
        for hash in hashes {
            let enums::FileHash::FileHash(hash) = hash;
            let useful = u64::try_from(hash.offset).is_ok_and(|o| o >= self.from);
            if useful && self.known.len() < MAX_HASHES {
                self.known.push(hash);
            }
        }
    }

    fn at(&self, offset: u64) -> Option<types::FileHash> {
        self.known
            .iter()
            .find(|h| h.offset as u64 == offset)
            .cloned()
    }
}
