//! Telethon's session files: read up to version 8 (Telethon 1.45's), written as version 7,
//! which Telethon 1.45 upgrades to 8 in place when it opens the file.

use rusqlite::types::Value;
use rusqlite::{Connection, params};

use super::sql::{self, CHANNEL_BASE};
use crate::storage::sqlite::{db_error, rows};
use crate::storage::{DcSession, PeerKind, PeerRecord, Session, StorageError};

/// The newest version read.
pub(crate) const NEWEST: i64 = 8;

/// Telethon keeps no kind: the id's range says user, basic group or channel (broadcast or
/// supergroup, it cannot tell; either works for building an `InputPeer`).
fn kind(id: i64) -> PeerKind {
    if id > 0 {
        PeerKind::User
    } else if id > CHANNEL_BASE {
        PeerKind::Group
    } else {
        PeerKind::Channel
    }
}

pub(crate) fn read(
    conn: &Connection,
    version: i64,
) -> Result<(Session, Vec<PeerRecord>), StorageError> {
    if version > NEWEST {
        return Err(StorageError::NewerSchema {
            found: version,
            known: NEWEST,
        });
    }
    let tables = sql::tables(conn)?;
    let row: [Value; 4] = conn
        .query_row(
            "SELECT dc_id, server_address, port, auth_key FROM sessions",
            [],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )
        .map_err(db_error)?;
    let [dc_id, host, port, auth_key] = row;
    let home_dc = i16::try_from(sql::need_int(&dc_id, "dc_id")?)
        .map_err(|_| StorageError::Unreadable(format!("dc_id {dc_id:?}")))?;
    let auth_key = match auth_key {
        Value::Blob(bytes) => rows::auth_key(Some(bytes))?,
        _ => None,
    };

    let mut session = Session {
        home_dc,
        ..Session::default()
    };
    let mut peers = Vec::new();
    let mut stmt = conn
        .prepare("SELECT id, hash, username, phone, date FROM entities")
        .map_err(db_error)?;
    let found = stmt
        .query_map([], |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])
        })
        .map_err(db_error)?;
    for row in found {
        let [id, hash, name, phone, date]: [Value; 5] = row.map_err(db_error)?;
        let id = sql::need_int(&id, "entities.id")?;
        let hash = sql::need_int(&hash, "entities.hash")?;
        if id == 0 {
            // Telethon keeps the signed-in user's id as the hash of the entity 0.
            session.user_id = Some(hash);
            continue;
        }
        peers.push(PeerRecord {
            id,
            access_hash: hash,
            kind: kind(id),
            usernames: sql::text(&name)
                .map(|n| n.to_lowercase())
                .into_iter()
                .collect(),
            phone: sql::text(&phone),
            updated_at: sql::int(&date).unwrap_or(0),
        });
    }
    session.dcs.insert(
        home_dc,
        DcSession {
            address: sql::address(&host, &port)?,
            auth_key,
            authorized: session.user_id.is_some(),
        },
    );

    if tables.contains("update_state") {
        // Telethon keys channels by their bare id.
        sql::read_update_state(conn, &mut session, |id| id)?;
    }
    Ok((session, peers))
}

const SCHEMA_7: &str = "
CREATE TABLE version (version INTEGER PRIMARY KEY);
CREATE TABLE sessions (
    dc_id INTEGER PRIMARY KEY, server_address TEXT, port INTEGER, auth_key BLOB,
    takeout_id INTEGER
);
CREATE TABLE entities (
    id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, username TEXT, phone INTEGER,
    name TEXT, date INTEGER
);
CREATE TABLE sent_files (
    md5_digest BLOB, file_size INTEGER, type INTEGER, id INTEGER, hash INTEGER,
    PRIMARY KEY (md5_digest, file_size, type)
);
CREATE TABLE update_state (
    id INTEGER PRIMARY KEY, pts INTEGER, qts INTEGER, date INTEGER, seq INTEGER
);
";

pub(crate) fn write(
    conn: &mut Connection,
    version: i64,
    session: &Session,
    peers: &[PeerRecord],
) -> Result<(), StorageError> {
    if version != 7 {
        return Err(StorageError::Unwritable(format!(
            "Telethon's version {version} (version 7 is written)"
        )));
    }
    let address = sql::home_address(session)?;
    // Telethon writes an empty blob for "no key".
    let key = session
        .dcs
        .get(&session.home_dc)
        .and_then(|dc| dc.auth_key.as_ref())
        .map_or_else(Vec::new, |k| k.bytes().to_vec());

    let tx = conn.transaction().map_err(db_error)?;
    tx.execute_batch(SCHEMA_7).map_err(db_error)?;
    tx.execute("INSERT INTO version VALUES (?1)", [version])
        .map_err(db_error)?;
    tx.execute(
        "INSERT INTO sessions VALUES (?1, ?2, ?3, ?4, NULL)",
        params![
            session.home_dc,
            address.ip().to_string(),
            address.port(),
            key
        ],
    )
    .map_err(db_error)?;
    if let Some(user) = session.user_id {
        tx.execute(
            "INSERT INTO entities VALUES (0, ?1, NULL, NULL, NULL, ?2)",
            params![user, sql::now()],
        )
        .map_err(db_error)?;
    }
    for peer in peers {
        // Telethon never stores a `min` peer (its hash cannot be used).
        if peer.access_hash == 0 && peer.kind != PeerKind::Group {
            continue;
        }
        tx.execute(
            "INSERT OR REPLACE INTO entities VALUES (?1, ?2, ?3, ?4, NULL, ?5)",
            params![
                peer.id,
                peer.access_hash,
                peer.usernames.first().map(|n| n.to_lowercase()),
                peer.phone,
                peer.updated_at
            ],
        )
        .map_err(db_error)?;
    }
    let s = session.updates;
    tx.execute(
        "INSERT INTO update_state VALUES (0, ?1, ?2, ?3, ?4)",
        params![s.pts, s.qts, s.date, s.seq],
    )
    .map_err(db_error)?;
    for (&channel, &pts) in &session.channels {
        tx.execute(
            "INSERT INTO update_state VALUES (?1, ?2, 0, 0, 0)",
            params![channel, pts],
        )
        .map_err(db_error)?;
    }
    tx.commit().map_err(db_error)
}
