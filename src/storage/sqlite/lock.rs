//! The session lock: one client per session file.
//!
//! SQLite's own locks do not keep a second client out: in WAL mode readers and a writer
//! share the file, and a writer waits for another rather than failing, so two clients
//! would both run and interleave their keys and update states. So the session takes an
//! exclusive advisory lock (`flock` on Unix, `LockFileEx` on Windows) on a file beside
//! it, `<session>-lock`, and fails at once if another holder has it. The lock is on its
//! own file, not the database, because SQLite opens and closes the database's
//! descriptors itself, and on systems where advisory locks are per process a close there
//! could drop ours. The operating system releases the lock when its holder exits, even
//! when it is killed; the empty file is left behind and is harmless.

use std::ffi::OsString;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::storage::StorageError;

/// Held while a session is open; dropping it releases the lock.
#[derive(Debug)]
pub(crate) struct SessionLock {
    // Kept only so the lock lives as long as this value.
    _file: File,
}

/// The lock file of the session at `path`.
pub(crate) fn lock_path(path: &Path) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push("-lock");
    PathBuf::from(name)
}

impl SessionLock {
    /// Takes the lock of the session at `path`, or fails with
    /// [`StorageError::SessionInUse`] without waiting.
    pub(crate) fn acquire(path: &Path) -> Result<SessionLock, StorageError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock_path(path))?;
        match file.try_lock() {
            Ok(()) => Ok(SessionLock { _file: file }),
            Err(TryLockError::WouldBlock) => {
                Err(StorageError::SessionInUse(path.display().to_string()))
            }
            Err(TryLockError::Error(e)) => Err(StorageError::Io(e)),
        }
    }
}
