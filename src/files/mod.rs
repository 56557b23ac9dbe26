//! Files: sending them (uploads in parts, several in flight) and fetching them
//! (downloads in parts, in order, to memory, a file or a stream), and naming them by Bot
//! API file ids ([`FileId`], [`FileUniqueId`]). Files on a CDN are fetched from it,
//! decrypted and checked against their hashes ([`FileError::CdnHash`] when one differs).
//!
//! The parts of one transfer are spread over several connections to the file's DC
//! ([`ClientBuilder::file_connections`](crate::ClientBuilder::file_connections), each its
//! own MTProto session): downloads over the DC's media-only address when it has one,
//! uploads over the home DC's main address. A part whose
//! connection or server failed is sent again, alone, over the next connection. On
//! blocking sockets parts go one at a time (each request blocks until answered), still
//! in turn over the connections.
//!
//! Most programs never call this module: the media methods
//! ([`Client::send_photo`](crate::Client::send_photo) and the others) take anything that
//! is a [`FileSource`] and upload it. [`Client::save_file`](crate::Client::save_file)
//! uploads without sending, for raw calls.

mod cdn;
mod download;
mod file_id;
mod location;
mod origin;
mod plan;
mod source;
mod upload;

pub use download::{Chunks, DOWNLOAD_PART, DownloadMedia, Downloadable};
pub use file_id::{
    FileId, FileIdError, FileIdLocation, FileType, FileUniqueId, MAJOR_VERSION, MAX_ID_LEN,
    PhotoSizeSource, SUB_VERSION, Volume,
};
pub use location::FileLocation;
pub use origin::FileOrigin;
pub(crate) use origin::{chat_photo_of, is_expired};
pub use plan::{BIG_FILE, MAX_PARTS, PART_SIZE};
pub use source::FileSource;
pub use upload::{SaveFile, UploadedFile};

use std::path::Path;

use crate::Error;

/// Tries per part: a part the connection or the server failed is sent again, alone.
const ATTEMPTS: usize = 3;

/// Whether sending a part again may succeed: the connection failed, or the server did.
fn may_pass(e: &Error) -> bool {
    match e {
        Error::Invoke(_) => true,
        Error::Rpc(rpc) => rpc.code >= 500 || rpc.code < 0,
        _ => false,
    }
}

/// Why a file could not be read or sent.
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// use oxigram::Error;
/// use oxigram::files::FileError;
///
/// match app.send_document("me", "missing.pdf").await {
///     Err(Error::File(FileError::Io { path, message })) => println!("{path}: {message}"),
///     Err(Error::File(FileError::TooBig { size, max })) => println!("{size} > {max} bytes"),
///     other => println!("sent: {:?}", other?.id()),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// Telegram takes no empty files.
    #[error("the file is empty")]
    Empty,
    /// More parts than Telegram takes.
    #[error("the file is {size} bytes; at most {max} can be sent")]
    TooBig {
        /// The file's size.
        size: u64,
        /// The largest size that can be sent.
        max: u64,
    },
    /// The file could not be read.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A reader failed.
    #[error("reading the file failed: {0}")]
    Read(String),
    /// The content ended before the size announced.
    #[error("the file ended before its {expected} bytes")]
    ShortRead {
        /// The size announced.
        expected: u64,
    },
    /// A part from a CDN does not match its SHA-256 hash (nothing of it is handed on).
    #[error("the CDN's bytes at {offset} do not match their hash")]
    CdnHash {
        /// Where the range that failed starts in the file.
        offset: u64,
    },
    /// A CDN download that could not go on (a bad redirect, no key for the CDN, no
    /// hash for a range, a reupload asked for again and again).
    #[error("CDN download: {0}")]
    Cdn(String),
    /// A Bot API file id that could not be read or written.
    #[error("bad file id: {0}")]
    FileId(#[from] FileIdError),
}

impl FileError {
    fn io(path: &Path, e: std::io::Error) -> Self {
        FileError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }
}
