//! What a file to send is made from: a path, bytes in memory, an async reader, or a
//! URL the server fetches itself.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use bytes::Bytes;
use futures_util::io::{AsyncRead, AsyncReadExt};

use super::FileError;
use super::plan::Plan;

/// A file to send. Strings starting with `http://` or `https://` are URLs; other
/// strings and paths are files on disk:
///
/// ```
/// use oxigram::files::FileSource;
/// assert!(matches!(FileSource::from("cat.jpg"), FileSource::Path(_)));
/// assert!(matches!(FileSource::from("https://example.com/cat.jpg"), FileSource::Url(_)));
/// let bytes = FileSource::bytes("notes.txt", b"remember the milk".to_vec());
/// assert_eq!(bytes.name(), Some("notes.txt"));
/// ```
///
/// A file already on Telegram is not uploaded again: send it by its Bot API file id or
/// from the message that holds it with
/// [`Client::send_cached_media`](crate::Client::send_cached_media), or copy the message
/// with [`Message::copy_to`](crate::Message::copy_to).
pub enum FileSource {
    /// A file on disk, read part by part on a thread of its own (the executor is never
    /// blocked on the disk).
    Path(PathBuf),
    /// Bytes in memory, with the file name to give them.
    Bytes {
        /// The file name the recipient sees (and its extension the MIME type).
        name: String,
        /// The content.
        data: Bytes,
    },
    /// An async reader of `size` bytes exactly (the size goes in the first request of a
    /// big file, so it must be known).
    Reader {
        /// The file name the recipient sees.
        name: String,
        /// How many bytes the reader gives.
        size: u64,
        /// The content.
        reader: Pin<Box<dyn AsyncRead + Send>>,
    },
    /// A URL the server downloads itself.
    Url(String),
}

impl FileSource {
    /// Bytes in memory, named `name`.
    pub fn bytes(name: impl Into<String>, data: impl Into<Bytes>) -> Self {
        FileSource::Bytes {
            name: name.into(),
            data: data.into(),
        }
    }

    /// `size` bytes from an async reader, named `name`.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// use oxigram::files::FileSource;
    ///
    /// let csv = b"name,score\nada,10\n";
    /// let reader = futures_util::io::Cursor::new(csv);
    /// let source = FileSource::reader("scores.csv", csv.len() as u64, reader);
    /// app.send_document("me", source).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reader(
        name: impl Into<String>,
        size: u64,
        reader: impl AsyncRead + Send + 'static,
    ) -> Self {
        FileSource::Reader {
            name: name.into(),
            size,
            reader: Box::pin(reader),
        }
    }

    /// The file name the recipient sees: the path's last component, or the name given.
    pub fn name(&self) -> Option<&str> {
        match self {
            FileSource::Path(path) => path.file_name().and_then(|n| n.to_str()),
            FileSource::Bytes { name, .. } | FileSource::Reader { name, .. } => Some(name),
            FileSource::Url(url) => url
                .split(['?', '#'])
                .next()
                .and_then(|u| u.rsplit('/').next())
                .filter(|n| !n.is_empty()),
        }
    }

    /// The MIME type the name's extension suggests (`application/octet-stream` when it
    /// says nothing).
    pub fn mime_type(&self) -> String {
        self.name()
            .and_then(|name| mime_guess::from_path(name).first())
            .map_or_else(|| "application/octet-stream".to_owned(), |m| m.to_string())
    }

    /// Opens the content for reading: its size and its parts in order.
    pub(crate) fn open(self) -> Result<Option<(Plan, PartReader)>, FileError> {
        let (plan, reader) = match self {
            FileSource::Url(_) => return Ok(None),
            FileSource::Bytes { data, .. } => (Plan::new(data.len() as u64)?, Inner::Bytes(data)),
            FileSource::Reader { size, reader, .. } => (Plan::new(size)?, Inner::Reader(reader)),
            FileSource::Path(path) => {
                let file = std::fs::File::open(&path).map_err(|e| FileError::io(&path, e))?;
                let size = file.metadata().map_err(|e| FileError::io(&path, e))?.len();
                let plan = Plan::new(size)?;
                (plan, Inner::File(read_on_thread(path, file, plan)?))
            }
        };
        Ok(Some((
            plan,
            PartReader {
                plan,
                next: 0,
                inner: reader,
            },
        )))
    }
}

impl fmt::Debug for FileSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileSource::Path(path) => f.debug_tuple("Path").field(path).finish(),
            FileSource::Bytes { name, data } => f
                .debug_struct("Bytes")
                .field("name", name)
                .field("len", &data.len())
                .finish(),
            FileSource::Reader { name, size, .. } => f
                .debug_struct("Reader")
                .field("name", name)
                .field("size", size)
                .finish_non_exhaustive(),
            FileSource::Url(url) => f.debug_tuple("Url").field(url).finish(),
        }
    }
}

impl From<&str> for FileSource {
    fn from(s: &str) -> Self {
        if s.starts_with("http://") || s.starts_with("https://") {
            FileSource::Url(s.to_owned())
        } else {
            FileSource::Path(s.into())
        }
    }
}

impl From<String> for FileSource {
    fn from(s: String) -> Self {
        FileSource::from(s.as_str())
    }
}

impl From<&Path> for FileSource {
    fn from(path: &Path) -> Self {
        FileSource::Path(path.to_owned())
    }
}

impl From<PathBuf> for FileSource {
    fn from(path: PathBuf) -> Self {
        FileSource::Path(path)
    }
}

/// The parts of an opened file, in order.
pub(crate) struct PartReader {
    plan: Plan,
    next: i32,
    inner: Inner,
}

enum Inner {
    Bytes(Bytes),
    Reader(Pin<Box<dyn AsyncRead + Send>>),
    /// Parts read ahead by a thread; at most a few wait in the channel.
    File(async_channel::Receiver<Result<Bytes, FileError>>),
}

/// Parts a reading thread may hold ready before the upload takes them.
const READ_AHEAD: usize = 4;

impl PartReader {
    /// The next part and its number; `None` after the last.
    pub(crate) async fn next(&mut self) -> Option<Result<(i32, Bytes), FileError>> {
        if self.next >= self.plan.parts {
            return None;
        }
        let part = self.next;
        let len = self.plan.part_len(part);
        let bytes = match &mut self.inner {
            Inner::Bytes(data) => Ok(data.split_to(len)),
            Inner::Reader(reader) => {
                let mut buf = vec![0; len];
                match reader.read_exact(&mut buf).await {
                    Ok(()) => Ok(Bytes::from(buf)),
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                        Err(FileError::ShortRead {
                            expected: self.plan.size,
                        })
                    }
                    Err(e) => Err(FileError::Read(e.to_string())),
                }
            }
            Inner::File(parts) => match parts.recv().await {
                Ok(part) => part,
                // The thread sends every part or an error before it ends.
                Err(_) => Err(FileError::Read("the reading thread ended early".into())),
            },
        };
        self.next += 1;
        Some(bytes.map(|b| (part, b)))
    }
}

/// Reads `file` part by part on a thread, a few parts ahead of the upload. The thread
/// ends after the last part, after an error, or when the upload drops its end.
fn read_on_thread(
    path: PathBuf,
    mut file: std::fs::File,
    plan: Plan,
) -> Result<async_channel::Receiver<Result<Bytes, FileError>>, FileError> {
    use std::io::Read;
    let (tx, rx) = async_channel::bounded(READ_AHEAD);
    std::thread::Builder::new()
        .name("oxigram-file-read".into())
        .spawn(move || {
            for part in 0..plan.parts {
                let mut buf = vec![0; plan.part_len(part)];
                let read = file.read_exact(&mut buf).map_err(|e| {
                    if e.kind() == std::io::ErrorKind::UnexpectedEof {
                        // The file shrank while it was being sent.
                        FileError::ShortRead {
                            expected: plan.size,
                        }
                    } else {
                        FileError::io(&path, e)
                    }
                });
                let failed = read.is_err();
                // A closed channel means the upload was dropped: nobody is left to tell.
                if tx.send_blocking(read.map(|()| Bytes::from(buf))).is_err() || failed {
                    return;
                }
            }
        })
        .map_err(|e| FileError::Read(format!("no thread to read the file: {e}")))?;
    Ok(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(source: FileSource) -> Result<Vec<(i32, usize)>, FileError> {
        futures_executor::block_on(async {
            let (_, mut parts) = source.open()?.expect("not a URL");
            let mut got = Vec::new();
            while let Some(part) = parts.next().await {
                let (n, bytes) = part?;
                got.push((n, bytes.len()));
            }
            Ok(got)
        })
    }

    #[test]
    fn bytes_a_reader_and_a_file_give_the_same_parts() {
        let data: Vec<u8> = (0..1_100_000u32).map(|i| (i % 251) as u8).collect();
        let expected = vec![(0, 524_288), (1, 524_288), (2, 51_424)];
        assert_eq!(
            collect(FileSource::bytes("a", data.clone())).unwrap(),
            expected
        );
        let reader = futures_util::io::Cursor::new(data.clone());
        assert_eq!(
            collect(FileSource::reader("a", data.len() as u64, reader)).unwrap(),
            expected
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        std::fs::write(&path, &data).unwrap();
        assert_eq!(collect(FileSource::from(path.as_path())).unwrap(), expected);
    }

    #[test]
    fn a_reader_shorter_than_announced_and_a_missing_file_are_errors() {
        let reader = futures_util::io::Cursor::new(vec![1u8; 10]);
        assert!(matches!(
            collect(FileSource::reader("a", 11, reader)),
            Err(FileError::ShortRead { expected: 11 })
        ));
        let dir = tempfile::tempdir().unwrap();
        let missing = FileSource::from(dir.path().join("missing.bin"));
        assert!(matches!(collect(missing), Err(FileError::Io { .. })));
    }

    #[test]
    fn names_and_mime_types_come_from_the_path_or_url() {
        let photo = FileSource::from("holiday/beach.JPG");
        assert_eq!(photo.name(), Some("beach.JPG"));
        assert_eq!(photo.mime_type(), "image/jpeg");
        let url = FileSource::from("https://example.com/a/clip.mp4?x=1");
        assert_eq!(url.name(), Some("clip.mp4"));
        assert_eq!(url.mime_type(), "video/mp4");
        assert_eq!(
            FileSource::bytes("no-extension", vec![1]).mime_type(),
            "application/octet-stream"
        );
    }
}
