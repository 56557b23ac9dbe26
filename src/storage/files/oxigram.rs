//! Our own files: read through [`SqliteStorage`], written with the writer's statements.

use std::path::Path;

use rusqlite::params;

use super::sql;
use crate::storage::sqlite::lock::SessionLock;
use crate::storage::sqlite::{db_error, rows, schema};
use crate::storage::{Change, PeerRecord, Session, SqliteStorage, Storage, StorageError};

pub(crate) fn read(path: &Path) -> Result<(Session, Vec<PeerRecord>), StorageError> {
    let storage = SqliteStorage::open(path)?;
    Ok((storage.load()?, storage.peers()?))
}

pub(crate) fn write(
    path: &Path,
    session: &Session,
    peers: &[PeerRecord],
) -> Result<(), StorageError> {
    let _lock = SessionLock::acquire(path)?;
    let mut conn = sql::create_new(path)?;
    schema::migrate(&mut conn)?;

    let mut changes = vec![Change::Home {
        dc: session.home_dc,
        test_mode: session.test_mode,
    }];
    changes.extend(session.api_id.map(Change::ApiId));
    changes.extend(
        session
            .dcs
            .iter()
            .map(|(&id, dc)| Change::Dc(id, dc.clone())),
    );
    changes.push(Change::DcOptions(session.dc_options.clone()));
    changes.push(Change::Updates(session.updates));
    changes.extend(
        session
            .channels
            .iter()
            .map(|(&id, &pts)| Change::ChannelPts(id, pts)),
    );
    changes.push(Change::Peers(peers.to_vec()));

    let tx = conn.transaction().map_err(db_error)?;
    for change in &changes {
        rows::write_change(&tx, change).map_err(db_error)?;
    }
    // Directly rather than as `Change::User`, which cannot say "bot or not: unknown"
    // (Telethon's files do not know) and would clear the DCs' authorizations.
    tx.execute(
        "UPDATE session SET user_id = ?1, is_bot = ?2",
        params![session.user_id, session.is_bot],
    )
    .map_err(db_error)?;
    tx.commit().map_err(db_error)
}
