//! Downloading a file: 1 MiB parts fetched several at a time, spread over the client's
//! file connections to the file's DC, and handed on in order (so memory holds at most
//! the parts in flight), into memory, to a file, or as a stream of chunks over a byte
//! range.

use std::fmt;
use std::future::IntoFuture;
use std::ops::{Bound, RangeBounds};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt, stream};
use oxigram_runtime::BoxFuture;

use super::origin::Refresher;
use super::{FileError, FileId, FileLocation};
use crate::tl::{enums, functions};
use crate::{Client, Error, Message};

/// The part size asked for: the largest `upload.getFile` gives. Offsets are multiples
/// of it, so no request crosses a 1 MiB boundary (the server's rule).
pub const DOWNLOAD_PART: u64 = 1 << 20;

/// Parts in flight at once unless [`DownloadMedia::parallel`] says otherwise.
const DEFAULT_PARALLEL: usize = 4;

/// A progress report: bytes received so far and the bytes wanted.
type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// A file's bytes as a stream of chunks in order.
pub type Chunks = Pin<Box<dyn Stream<Item = crate::Result<Bytes>> + Send>>;

/// Downloads a file: [`Client::download_media`]. Awaited, it gives the bytes; or
/// [`to_path`](DownloadMedia::to_path) writes them to a file, and
/// [`stream`](DownloadMedia::stream) hands them on as they come.
#[must_use = "a request is sent when it is awaited"]
pub struct DownloadMedia {
    client: Client,
    file: crate::Result<FileLocation>,
    start: u64,
    end: Option<u64>,
    parallel: usize,
    progress: Option<Progress>,
}

impl fmt::Debug for DownloadMedia {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DownloadMedia")
            .field("file", &self.file)
            .field("start", &self.start)
            .field("end", &self.end)
            .field("parallel", &self.parallel)
            .finish_non_exhaustive()
    }
}

impl DownloadMedia {
    /// Fetches up to `n` parts at once (at least one).
    pub fn parallel(mut self, n: usize) -> Self {
        self.parallel = n.max(1);
        self
    }

    /// Only these bytes of the file (for media players seeking).
    pub fn range(mut self, range: impl RangeBounds<u64>) -> Self {
        self.start = match range.start_bound() {
            Bound::Included(&s) => s,
            Bound::Excluded(&s) => s.saturating_add(1),
            Bound::Unbounded => 0,
        };
        self.end = match range.end_bound() {
            Bound::Included(&e) => Some(e.saturating_add(1)),
            Bound::Excluded(&e) => Some(e),
            Bound::Unbounded => None,
        };
        self
    }

    /// Calls `report(received, wanted)` after each part (`wanted` is 0 when the size is
    /// not known, as for a download by file id without a range).
    pub fn progress(mut self, report: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    /// The bytes, as a stream of chunks in order (each at most 1 MiB).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client, msg: oxigram::Message) -> oxigram::Result<()> {
    /// use futures_util::TryStreamExt;
    ///
    /// // The first megabyte only, two parts at a time, handed on as it comes.
    /// let mut chunks = app.download_media(&msg).range(..1 << 20).parallel(2).stream()?;
    /// let mut received = 0;
    /// while let Some(chunk) = chunks.try_next().await? {
    ///     received += chunk.len();
    /// }
    /// println!("{received} bytes");
    /// # Ok(())
    /// # }
    /// ```
    pub fn stream(self) -> crate::Result<Chunks> {
        let file = self.file?;
        // A size of 0 is unknown (a file id carries none): read until a part comes short.
        let known = file.size > 0;
        let end = match (self.end, known) {
            (Some(e), true) => e.min(file.size),
            (None, true) => file.size,
            (Some(e), false) => e,
            (None, false) => u64::MAX,
        };
        if self.start > end {
            return Err(Error::Config(format!(
                "the range starts at {} past the file's {end} bytes",
                self.start
            )));
        }
        let wanted = if known || self.end.is_some() {
            end - self.start
        } else {
            0
        };
        let first = self.start / DOWNLOAD_PART;
        let last = end.div_ceil(DOWNLOAD_PART);
        let (start, client) = (self.start, self.client);
        let location = Arc::new(Refresher::new(file.location, file.origin));
        let dc = i16::try_from(file.dc_id).ok();
        let parts = stream::iter(first..last)
            .map(move |part| {
                let (client, location) = (client.clone(), Arc::clone(&location));
                async move {
                    let offset = part * DOWNLOAD_PART;
                    // Part n goes over file connection n (modulo their number).
                    let bytes = location.fetch(&client, dc, offset, part as usize).await?;
                    let whole = bytes.len() as u64 == DOWNLOAD_PART;
                    // Trim the part to the range asked for.
                    let from = start.saturating_sub(offset).min(bytes.len() as u64) as usize;
                    let to = (end - offset).min(bytes.len() as u64) as usize;
                    Ok::<_, Error>((bytes.slice(from..to.max(from)), whole))
                }
            })
            .buffered(self.parallel)
            // A part shorter than asked for is the file's last (and so is an error).
            .scan(false, |ended, part| {
                if *ended {
                    return std::future::ready(None);
                }
                *ended = !matches!(part, Ok((_, true)));
                std::future::ready(Some(part.map(|(chunk, _)| chunk)))
            });
        let progress = self.progress;
        let mut received = 0u64;
        let chunks = parts.inspect_ok(move |chunk| {
            received += chunk.len() as u64;
            if let Some(report) = &progress {
                report(received, wanted);
            }
        });
        Ok(Box::pin(chunks))
    }

    /// Writes the file to `path` (into it, under the file's own name, if `path` is a
    /// directory) and returns where it went. The bytes go to a temporary file beside
    /// it first, renamed when complete: a failed download leaves nothing behind (a
    /// dropped one has its temporary file removed by the writing thread soon after).
    pub async fn to_path(self, path: impl AsRef<Path>) -> crate::Result<PathBuf> {
        let path = path.as_ref();
        let target = match &self.file {
            Ok(file) if path.is_dir() => path.join(file.file_name()),
            _ => path.to_owned(),
        };
        let mut chunks = self.stream()?;
        let writer = Writer::start(&target)?;
        let written = async {
            while let Some(chunk) = chunks.try_next().await? {
                writer.write(chunk).await?;
            }
            Ok::<_, Error>(())
        }
        .await;
        match written {
            Ok(()) => writer.finish().await?,
            // The temporary file is gone when the error is returned.
            Err(e) => {
                writer.abort().await;
                return Err(e);
            }
        }
        Ok(target)
    }

    async fn collect(self) -> crate::Result<Vec<u8>> {
        let mut chunks = self.stream()?;
        let mut bytes = Vec::new();
        while let Some(chunk) = chunks.try_next().await? {
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

impl IntoFuture for DownloadMedia {
    type Output = crate::Result<Vec<u8>>;
    type IntoFuture = BoxFuture<'static, crate::Result<Vec<u8>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.collect())
    }
}

/// One part of the file from `offset` (shorter than a part at the end), over file
/// connection `connection` of the DC's media address; again over the next connection
/// on a failure that may pass (a lost connection, a server error).
pub(super) async fn fetch(
    client: &Client,
    location: &enums::InputFileLocation,
    dc: Option<i16>,
    offset: u64,
    connection: usize,
) -> crate::Result<Bytes> {
    let mut attempt = 1;
    let answer = loop {
        let mut request = client
            .invoke(functions::upload::GetFile {
                precise: false,
                cdn_supported: true,
                location: location.clone(),
                offset: offset as i64,
                limit: DOWNLOAD_PART as i32,
            })
            .media()
            .connection(connection + attempt - 1);
        if let Some(dc) = dc.filter(|&dc| dc != client.home_dc()) {
            request = request.dc(dc);
        }
        match request.await {
            Ok(answer) => break answer,
            Err(e) if attempt < super::ATTEMPTS && super::may_pass(&e) => {
                tracing::debug!(offset, attempt, error = %e, "fetching the part again");
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    match answer {
        enums::upload::File::File(file) => Ok(file.bytes),
        enums::upload::File::CdnRedirect(redirect) => {
            super::cdn::fetch(client, redirect, dc, offset, DOWNLOAD_PART).await
        }
    }
}

/// Writes chunks on a thread of its own (the executor never waits on the disk) to a
/// temporary file, renamed over the target once everything is written.
struct Writer {
    /// Chunks, then `None` once all were sent: a channel closed without it means the
    /// download was dropped, and nothing is renamed.
    chunks: async_channel::Sender<Option<Bytes>>,
    done: async_channel::Receiver<Result<(), FileError>>,
}

/// Chunks waiting for the writing thread.
const WRITE_AHEAD: usize = 4;

impl Writer {
    fn start(target: &Path) -> Result<Writer, FileError> {
        use std::io::Write;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "download".into());
        let temporary = target.with_file_name(format!(".{name}.part"));
        let mut file =
            std::fs::File::create(&temporary).map_err(|e| FileError::io(&temporary, e))?;
        let (chunks, incoming) = async_channel::bounded::<Option<Bytes>>(WRITE_AHEAD);
        let (report, done) = async_channel::bounded(1);
        let target = target.to_owned();
        std::thread::Builder::new()
            .name("oxigram-file-write".into())
            .spawn(move || {
                let mut result = Ok(());
                let mut complete = false;
                while let Ok(chunk) = incoming.recv_blocking() {
                    let Some(chunk) = chunk else {
                        complete = true;
                        break;
                    };
                    if let Err(e) = file.write_all(&chunk) {
                        result = Err(FileError::io(&temporary, e));
                        break;
                    }
                }
                let result =
                    result.and_then(|()| file.sync_all().map_err(|e| FileError::io(&temporary, e)));
                let result = match result {
                    Ok(()) if complete => {
                        std::fs::rename(&temporary, &target).map_err(|e| FileError::io(&target, e))
                    }
                    Ok(()) => Ok(()),
                    Err(e) => Err(e),
                };
                if result.is_err() || !complete {
                    // Best effort: a temporary file left behind is only clutter.
                    if let Err(e) = std::fs::remove_file(&temporary) {
                        tracing::debug!(error = %e, "temporary download file not removed");
                    }
                }
                // Nobody may be waiting any more (the download was dropped).
                if report.send_blocking(result).is_err() {
                    tracing::debug!("download dropped before it was written");
                }
            })
            .map_err(|e| FileError::Read(format!("no thread to write the file: {e}")))?;
        Ok(Writer { chunks, done })
    }

    async fn write(&self, chunk: Bytes) -> crate::Result<()> {
        if self.chunks.send(Some(chunk)).await.is_err() {
            // The thread stopped on an error: it says which.
            return Err(self.error().await);
        }
        Ok(())
    }

    async fn error(&self) -> Error {
        match self.done.recv().await {
            Ok(Err(e)) => e.into(),
            Ok(Ok(())) | Err(_) => {
                Error::File(FileError::Read("the writing thread ended early".into()))
            }
        }
    }

    /// Stops writing and waits until the temporary file is removed.
    async fn abort(self) {
        self.chunks.close();
        if let Ok(Err(e)) = self.done.recv().await {
            // The download's own error is the one the caller gets; this one is second.
            tracing::debug!(error = %e, "writing the failed download failed too");
        }
    }

    async fn finish(self) -> crate::Result<()> {
        if self.chunks.send(None).await.is_err() {
            return Err(self.error().await);
        }
        match self.done.recv().await {
            Ok(result) => Ok(result?),
            Err(_) => Err(Error::File(FileError::Read(
                "the writing thread ended early".into(),
            ))),
        }
    }
}

impl Client {
    /// Downloads the photo or document of a message, or any file by its
    /// [`FileLocation`] or its Bot API file id (a [`FileId`] or its string):
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client, msg: oxigram::Message) -> oxigram::Result<()> {
    /// let bytes = app.download_media(&msg).await?;
    /// let path = app
    ///     .download_media(&msg)
    ///     .progress(|done, total| println!("{done}/{total}"))
    ///     .to_path("downloads/")
    ///     .await?;
    /// let by_id = app
    ///     .download_media("CAACAgQAAxkBAAIFDF6YtEvR0cUHdlqq6W9IN3pDroKzAAKIAAOI_8AV6TJIsFy4Oc8YBA")
    ///     .await?;
    /// # let _ = (bytes, path, by_id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn download_media(&self, media: impl Downloadable) -> DownloadMedia {
        DownloadMedia {
            client: self.clone(),
            file: media.file_location(),
            start: 0,
            end: None,
            parallel: DEFAULT_PARALLEL,
            progress: None,
        }
    }
}

/// What [`Client::download_media`] takes: a message with a file, a file's location, or
/// a Bot API file id.
///
/// ```no_run
/// # async fn demo(app: oxigram::Client, msg: oxigram::Message) -> oxigram::Result<()> {
/// use oxigram::files::FileLocation;
///
/// // A message with a file, or a file's location kept from one.
/// let bytes = app.download_media(&msg).await?;
/// if let Some(file) = msg.raw_media().and_then(FileLocation::of_media) {
///     let again = app.download_media(file).await?;
///     assert_eq!(again.len(), bytes.len());
/// }
/// // Or a Bot API file id kept from another time.
/// let same = app.download_media("AgACAgIAAxkBAAIB...").await?;
/// println!("{} bytes", same.len());
/// # Ok(())
/// # }
/// ```
pub trait Downloadable {
    /// Where the file is; an error for a message without one.
    fn file_location(self) -> crate::Result<FileLocation>;
}

impl Downloadable for &Message {
    fn file_location(self) -> crate::Result<FileLocation> {
        FileLocation::of_message(self)
            .ok_or_else(|| Error::Config(format!("message {} holds no file", self.id())))
    }
}

impl Downloadable for FileLocation {
    fn file_location(self) -> crate::Result<FileLocation> {
        Ok(self)
    }
}

impl Downloadable for &FileLocation {
    fn file_location(self) -> crate::Result<FileLocation> {
        Ok(self.clone())
    }
}

/// A Bot API file id: its size is not in it, so the download reads until the file ends
/// and progress reports 0 bytes wanted.
impl Downloadable for &FileId {
    fn file_location(self) -> crate::Result<FileLocation> {
        Ok(FileLocation {
            location: self.input_location()?,
            dc_id: self.dc_id,
            size: 0,
            name: None,
            mime_type: None,
            origin: None,
        })
    }
}

impl Downloadable for FileId {
    fn file_location(self) -> crate::Result<FileLocation> {
        (&self).file_location()
    }
}

/// A Bot API file id string, read as a [`FileId`].
impl Downloadable for &str {
    fn file_location(self) -> crate::Result<FileLocation> {
        FileId::decode(self)?.file_location()
    }
}

impl Downloadable for &String {
    fn file_location(self) -> crate::Result<FileLocation> {
        self.as_str().file_location()
    }
}

impl Message {
    /// Downloads this message's photo or document: see [`Client::download_media`].
    ///
    /// ```no_run
    /// use oxigram::prelude::*;
    ///
    /// # fn demo(app: Client) {
    /// app.on_message(filters::document, |msg: Message| async move {
    ///     let saved = msg.download().to_path("inbox/").await?;
    ///     msg.reply(format!("saved as {}", saved.display())).await?;
    ///     Ok(())
    /// });
    /// # }
    /// ```
    pub fn download(&self) -> DownloadMedia {
        self.client().download_media(self)
    }
}
