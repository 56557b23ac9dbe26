//! The reader thread: peer lookups and loads run on a connection of their own, in a
//! thread of their own.
//!
//! The `postgres` crate's blocking client drives its connection on a runtime of its
//! own, and starting that runtime from inside another (a client's tokio task asking for
//! a peer, say) panics. So callers hand their query to this thread and wait for the
//! answer: a plain blocking wait, like a read of the SQLite file.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use postgres::Client;

use super::connect;
use crate::storage::StorageError;

/// Queries waiting for the reader at most; a caller past that waits for room.
const WAITING: usize = 64;

type Job = Box<dyn FnOnce(&mut Client) + Send>;

/// A handle on the reader thread; the thread ends when the handle is dropped.
#[derive(Debug)]
pub(crate) struct Reader {
    jobs: Option<SyncSender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Reader {
    pub(crate) fn start(url: String, conn: Client) -> Result<Reader, StorageError> {
        let (jobs, receiver) = sync_channel::<Job>(WAITING);
        let thread = std::thread::Builder::new()
            .name("oxigram-session-reader".into())
            .spawn(move || serve(url, conn, receiver))?;
        Ok(Reader {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Runs `query` on the reader's connection and returns what it returned.
    pub(crate) fn run<T: Send + 'static>(
        &self,
        query: impl FnOnce(&mut Client) -> Result<T, StorageError> + Send + 'static,
    ) -> Result<T, StorageError> {
        let (reply, answer) = sync_channel(1);
        let job: Job = Box::new(move |conn| {
            // The caller waits on the other end until it hears this.
            if reply.send(query(conn)).is_err() {
                tracing::debug!("a session query's caller went away before its answer");
            }
        });
        let stopped = || StorageError::Database("the session reader stopped".into());
        self.jobs
            .as_ref()
            .ok_or_else(stopped)?
            .send(job)
            .map_err(|_| stopped())?;
        answer.recv().map_err(|_| stopped())?
    }
}

fn serve(url: String, conn: Client, jobs: Receiver<Job>) {
    let mut conn = conn;
    for job in jobs {
        if conn.is_closed() {
            match connect(&url) {
                Ok(c) => conn = c,
                Err(e) => {
                    // This query fails on the closed connection and says why; the next
                    // one tries again.
                    tracing::warn!(error = %e, "reconnecting the session reader");
                }
            }
        }
        job(&mut conn);
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take()
            && let Err(panic) = thread.join()
        {
            tracing::error!(?panic, "the session reader panicked");
        }
    }
}
