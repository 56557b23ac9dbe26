//! The tables, created and migrated under an advisory lock so that processes starting
//! together do not race.

use postgres::Client;

use super::db_error;
use crate::storage::StorageError;

/// The schema version this library writes.
pub const VERSION: i32 = 2;

/// Taken for the migration's transaction: the number spells "OXGR" (the SQLite files'
/// application id).
const MIGRATION_LOCK: i64 = 0x4f58_4752;

/// Version 1: every table, each keyed by the account's name first.
const V1: &str = "
CREATE TABLE oxigram_accounts (
    account text PRIMARY KEY,
    home_dc smallint NOT NULL DEFAULT 0,
    test_mode boolean NOT NULL DEFAULT false,
    api_id integer,
    user_id bigint,
    is_bot boolean,
    pts integer NOT NULL DEFAULT 0,
    qts integer NOT NULL DEFAULT 0,
    date integer NOT NULL DEFAULT 0,
    seq integer NOT NULL DEFAULT 0
);
CREATE TABLE oxigram_dcs (
    account text NOT NULL REFERENCES oxigram_accounts ON DELETE CASCADE,
    dc smallint NOT NULL,
    address text,
    auth_key bytea,
    authorized boolean NOT NULL,
    PRIMARY KEY (account, dc)
);
CREATE TABLE oxigram_dc_options (
    account text NOT NULL REFERENCES oxigram_accounts ON DELETE CASCADE,
    position integer NOT NULL,
    dc smallint NOT NULL,
    address text NOT NULL,
    media_only boolean NOT NULL,
    cdn boolean NOT NULL,
    PRIMARY KEY (account, position)
);
CREATE TABLE oxigram_channels (
    account text NOT NULL REFERENCES oxigram_accounts ON DELETE CASCADE,
    channel bigint NOT NULL,
    pts integer NOT NULL,
    PRIMARY KEY (account, channel)
);
CREATE TABLE oxigram_peers (
    account text NOT NULL REFERENCES oxigram_accounts ON DELETE CASCADE,
    id bigint NOT NULL,
    access_hash bigint NOT NULL,
    kind smallint NOT NULL,
    phone text,
    updated_at bigint NOT NULL,
    PRIMARY KEY (account, id)
);
CREATE INDEX oxigram_peers_phone ON oxigram_peers (account, phone);
CREATE TABLE oxigram_usernames (
    account text NOT NULL REFERENCES oxigram_accounts ON DELETE CASCADE,
    username text NOT NULL,
    peer bigint NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (account, username)
);
CREATE INDEX oxigram_usernames_peer ON oxigram_usernames (account, peer);
CREATE TABLE oxigram_leases (
    account text PRIMARY KEY,
    holder text NOT NULL,
    token bigint NOT NULL,
    expires_at timestamptz NOT NULL,
    acquired_at timestamptz
);
";

/// Version 2: the update queue a lease holder fills and workers empty
/// ([`queue`](super::queue)).
const V2: &str = "
CREATE TABLE oxigram_update_queue (
    account text NOT NULL,
    seq bigserial NOT NULL,
    chat bigint,
    key bytea NOT NULL,
    body bytea NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, seq)
);
CREATE UNIQUE INDEX oxigram_update_queue_key ON oxigram_update_queue (account, key);
CREATE INDEX oxigram_update_queue_chat ON oxigram_update_queue (account, chat, seq);
";

/// Each step takes the schema from the version before it to its own.
const STEPS: &[&str] = &[V1, V2];

/// Brings the database to [`VERSION`], one step at a time, in one transaction; refuses a
/// database a newer library wrote.
pub(crate) fn migrate(conn: &mut Client) -> Result<(), StorageError> {
    let mut tx = conn.transaction().map_err(db_error)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(db_error)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS oxigram_schema (version integer NOT NULL)")
        .map_err(db_error)?;
    let found: Option<i32> = tx
        .query_opt("SELECT max(version) FROM oxigram_schema", &[])
        .map_err(db_error)?
        .and_then(|row| row.get(0));
    let found = found.unwrap_or(0);
    if found > VERSION {
        return Err(StorageError::NewerSchema {
            found: found.into(),
            known: VERSION.into(),
        });
    }
    for (i, step) in STEPS.iter().enumerate().skip(found as usize) {
        tracing::info!(version = i + 1, "migrating the PostgreSQL session schema");
        tx.batch_execute(step).map_err(db_error)?;
    }
    if found < VERSION {
        tx.execute("DELETE FROM oxigram_schema", &[])
            .map_err(db_error)?;
        tx.execute(
            "INSERT INTO oxigram_schema (version) VALUES ($1)",
            &[&VERSION],
        )
        .map_err(db_error)?;
    }
    tx.commit().map_err(db_error)
}
