//! The session file's schema, its versions and the migrations between them.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::db_error;
use crate::storage::StorageError;

/// `PRAGMA application_id` of our session files ("OXGR"): tells them from other SQLite
/// files without guessing from table names.
pub(crate) const APPLICATION_ID: i32 = 0x4f58_4752;

/// The schema each version adds, in order: `MIGRATIONS[0]` makes version 1 from an empty
/// file, `MIGRATIONS[n]` turns version `n` into `n + 1`. A released entry never changes;
/// a change to the schema is a new entry.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2];

/// The newest version this library writes.
pub(crate) const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

const V1: &str = "
CREATE TABLE version (number INTEGER NOT NULL);
INSERT INTO version VALUES (0);
CREATE TABLE session (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    home_dc INTEGER NOT NULL,
    test_mode INTEGER NOT NULL,
    api_id INTEGER,
    user_id INTEGER,
    is_bot INTEGER,
    pts INTEGER NOT NULL,
    qts INTEGER NOT NULL,
    date INTEGER NOT NULL,
    seq INTEGER NOT NULL
);
INSERT INTO session VALUES (0, 0, 0, NULL, NULL, NULL, 0, 0, 0, 0);
CREATE TABLE dcs (
    id INTEGER PRIMARY KEY,
    address TEXT,
    auth_key BLOB,
    authorized INTEGER NOT NULL
);
CREATE TABLE dc_options (
    position INTEGER PRIMARY KEY,
    dc INTEGER NOT NULL,
    address TEXT NOT NULL,
    media_only INTEGER NOT NULL,
    cdn INTEGER NOT NULL
);
CREATE TABLE channels (id INTEGER PRIMARY KEY, pts INTEGER NOT NULL);
CREATE TABLE peers (
    id INTEGER PRIMARY KEY,
    access_hash INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    phone TEXT,
    updated_at INTEGER NOT NULL
);
CREATE TABLE usernames (
    username TEXT PRIMARY KEY,
    peer INTEGER NOT NULL,
    position INTEGER NOT NULL
);
";

/// Version 2: lookups by phone, and the deletes of a peer's old usernames, use an index
/// instead of scanning.
const V2: &str = "
CREATE INDEX peers_phone ON peers (phone);
CREATE INDEX usernames_peer ON usernames (peer);
";

/// Brings the file to [`CURRENT_VERSION`], one migration per transaction, or says why not.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StorageError> {
    migrate_to(conn, CURRENT_VERSION)
}

/// Brings the file to `target` (tests build older files with it).
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), StorageError> {
    let mut version = version(conn)?;
    if version > CURRENT_VERSION {
        return Err(StorageError::NewerSchema {
            found: version,
            known: CURRENT_VERSION,
        });
    }
    while version < target {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        tx.execute_batch(MIGRATIONS[version as usize])
            .map_err(db_error)?;
        tx.execute("UPDATE version SET number = ?1", [version + 1])
            .map_err(db_error)?;
        if version == 0 {
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(db_error)?;
        }
        tx.commit().map_err(db_error)?;
        tracing::debug!(from = version, to = version + 1, "session schema migrated");
        version += 1;
    }
    Ok(())
}

/// The file's schema version: 0 for an empty file, an error for somebody else's file.
fn version(conn: &Connection) -> Result<i64, StorageError> {
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(db_error)?;
    if tables == 0 {
        return Ok(0);
    }
    let id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(db_error)?;
    if id != APPLICATION_ID {
        return Err(StorageError::UnknownFormat(format!(
            "a SQLite file that is not an oxigram session (application id {id:#x}); \
             import other libraries' files with storage::files::read"
        )));
    }
    version_of(conn)
}

fn version_of(conn: &Connection) -> Result<i64, StorageError> {
    let has_table = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'version'",
            [],
            |_| Ok(()),
        )
        .optional()
        .map_err(db_error)?
        .is_some();
    if !has_table {
        return Ok(0);
    }
    conn.query_row("SELECT number FROM version", [], |r| r.get(0))
        .map_err(db_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexes(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn version_one_migrates_to_two_keeping_its_rows() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 1).unwrap();
        assert_eq!(version(&conn).unwrap(), 1);
        assert!(indexes(&conn).is_empty());
        conn.execute("INSERT INTO peers VALUES (5, 77, 0, '123', 1)", [])
            .unwrap();

        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), 2);
        assert_eq!(indexes(&conn), ["peers_phone", "usernames_peer"]);
        let hash: i64 = conn
            .query_row(
                "SELECT access_hash FROM peers WHERE phone = '123'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hash, 77);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute("UPDATE version SET number = 99", []).unwrap();
        match migrate(&mut conn) {
            Err(StorageError::NewerSchema { found: 99, known }) => assert_eq!(known, 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn another_programs_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE sessions (dc_id INTEGER)")
            .unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(StorageError::UnknownFormat(_))
        ));
    }
}
