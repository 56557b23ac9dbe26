//! Uploading a file: its parts sent several at a time over the client's file connections
//! to the home DC, each retried on its own (over the next connection) when the connection
//! or the server fails it, the whole checked with MD5 for small files.

use std::fmt;
use std::future::IntoFuture;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{TryStreamExt, stream};
use md5::{Digest, Md5};
use oxigram_runtime::BoxFuture;

use super::plan::Plan;
use super::{ATTEMPTS, FileSource, may_pass};
use crate::tl::{enums, functions, types};
use crate::{Client, Error};

/// Parts in flight at once unless [`SaveFile::parallel`] says otherwise: enough to keep
/// one connection busy while the server answers.
const DEFAULT_PARALLEL: usize = 4;

/// A progress report: bytes sent so far and the file's size.
type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// A file uploaded and not yet sent: [`Client::save_file`].
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// let file = app.save_file("backup.tar").await?;
/// println!("{} ({} bytes) uploaded, not sent", file.name, file.size);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// The file as raw methods take it (`inputMediaUploadedDocument` and the others).
    pub input_file: enums::InputFile,
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Uploads a file: [`Client::save_file`]. Dropping it before it ends cancels the upload
/// (parts sent are forgotten by the server after a while).
#[must_use = "a request is sent when it is awaited"]
pub struct SaveFile {
    client: Client,
    source: FileSource,
    parallel: usize,
    progress: Option<Progress>,
}

impl fmt::Debug for SaveFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SaveFile")
            .field("source", &self.source)
            .field("parallel", &self.parallel)
            .finish_non_exhaustive()
    }
}

impl SaveFile {
    pub(crate) fn new(client: Client, source: FileSource) -> Self {
        SaveFile {
            client,
            source,
            parallel: DEFAULT_PARALLEL,
            progress: None,
        }
    }

    /// Sends up to `n` parts at once (at least one).
    pub fn parallel(mut self, n: usize) -> Self {
        self.parallel = n.max(1);
        self
    }

    /// Calls `report(sent, total)` after each part the server confirmed.
    pub fn progress(mut self, report: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    pub(crate) async fn send(self) -> crate::Result<UploadedFile> {
        let name = self.source.name().unwrap_or("file").to_owned();
        let Some((plan, parts)) = self.source.open()? else {
            return Err(Error::Unsupported(
                "a URL is not uploaded: the server fetches it when the media is sent".into(),
            ));
        };
        let file_id = super::super::methods::random_id()?;
        let mut md5 = Md5::new();
        let hash = !plan.big;
        let mut sent = 0u64;
        {
            let parts_stream = stream::unfold(parts, |mut parts| async move {
                parts.next().await.map(|part| (part, parts))
            })
            .map_err(Error::from)
            .inspect_ok(|(_, bytes)| {
                if hash {
                    md5.update(bytes);
                }
            })
            .map_ok(|(part, bytes)| save_part(self.client.clone(), file_id, plan, part, bytes))
            .try_buffer_unordered(self.parallel);
            futures_util::pin_mut!(parts_stream);
            while let Some(len) = parts_stream.try_next().await? {
                sent += len as u64;
                if let Some(report) = &self.progress {
                    report(sent, plan.size);
                }
            }
        }
        let input_file = if plan.big {
            enums::InputFile::Big(types::InputFileBig {
                id: file_id,
                parts: plan.parts,
                name: name.clone(),
            })
        } else {
            enums::InputFile::InputFile(types::InputFile {
                id: file_id,
                parts: plan.parts,
                name: name.clone(),
                md5_checksum: hex(&md5.finalize()),
            })
        };
        Ok(UploadedFile {
            input_file,
            name,
            size: plan.size,
        })
    }
}

impl IntoFuture for SaveFile {
    type Output = crate::Result<UploadedFile>;
    type IntoFuture = BoxFuture<'static, crate::Result<UploadedFile>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Sends one part over file connection `part` (the next one on each try: a connection
/// that failed is not the only one tried), again on a failure that may pass (a lost
/// connection, a server error); the part's length once the server has it.
async fn save_part(
    client: Client,
    file_id: i64,
    plan: Plan,
    part: i32,
    bytes: Bytes,
) -> crate::Result<usize> {
    let len = bytes.len();
    let mut attempt = 1;
    loop {
        let connection = usize::try_from(part).unwrap_or(0) + attempt - 1;
        let result = if plan.big {
            client
                .invoke(functions::upload::SaveBigFilePart {
                    file_id,
                    file_part: part,
                    file_total_parts: plan.parts,
                    bytes: bytes.clone(),
                })
                .connection(connection)
                .await
        } else {
            client
                .invoke(functions::upload::SaveFilePart {
                    file_id,
                    file_part: part,
                    bytes: bytes.clone(),
                })
                .connection(connection)
                .await
        };
        match result {
            Ok(true) => return Ok(len),
            Ok(false) => {
                return Err(Error::Unexpected(format!(
                    "the server did not keep part {part} of the upload"
                )));
            }
            Err(e) if attempt < ATTEMPTS && may_pass(&e) => {
                tracing::debug!(part, attempt, error = %e, "sending the part again");
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Client {
    /// Uploads a file without sending it, for raw methods that take an `InputFile`
    /// (the media methods upload on their own):
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
    /// let file = client
    ///     .save_file("report.pdf")
    ///     .parallel(8)
    ///     .progress(|sent, total| println!("{sent}/{total}"))
    ///     .await?;
    /// println!("{} bytes up as {:?}", file.size, file.input_file);
    /// # Ok(())
    /// # }
    /// ```
    pub fn save_file(&self, source: impl Into<FileSource>) -> SaveFile {
        SaveFile::new(self.clone(), source.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_lowercase_hex_of_md5() {
        // RFC 1321's test suite: MD5("abc").
        assert_eq!(
            hex(&Md5::digest(b"abc")),
            "900150983cd24fb0d6963f7d28e17f72"
        );
    }
}
