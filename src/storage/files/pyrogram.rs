//! Pyrogram's session files: version 3 (Pyrogram 2.0) and version 7 (its maintained
//! forks, kurigram among them); read from any version up to 7, written as 3 or 7.

use rusqlite::types::Value;
use rusqlite::{Connection, params};

use super::sql::{self, CHANNEL_BASE};
use crate::storage::sqlite::{db_error, rows};
use crate::storage::{DcSession, PeerKind, PeerRecord, Session, StorageError};

/// The newest version read.
pub(crate) const NEWEST: i64 = 7;

/// The kinds Pyrogram names peers with.
fn kind(name: &str) -> Option<PeerKind> {
    Some(match name {
        "user" => PeerKind::User,
        "bot" => PeerKind::Bot,
        "group" => PeerKind::Group,
        "channel" => PeerKind::Channel,
        "supergroup" | "forum" => PeerKind::Supergroup,
        // A channel's direct messages ("monoforum") and communities are channels too.
        "direct" | "community" => PeerKind::Channel,
        _ => return None,
    })
}

fn kind_name(kind: PeerKind) -> &'static str {
    match kind {
        PeerKind::User => "user",
        PeerKind::Bot => "bot",
        PeerKind::Group => "group",
        PeerKind::Channel => "channel",
        PeerKind::Supergroup => "supergroup",
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
    let session_columns = sql::columns(conn, "sessions")?;
    let pick = |c: &'static str| {
        if session_columns.contains(c) {
            c
        } else {
            "NULL"
        }
    };
    let query = format!(
        "SELECT dc_id, {}, {}, {}, test_mode, auth_key, user_id, is_bot FROM sessions",
        pick("server_address"),
        pick("port"),
        pick("api_id"),
    );
    let row: [Value; 8] = conn
        .query_row(&query, [], |r| {
            Ok([
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ])
        })
        .map_err(db_error)?;
    let [
        dc_id,
        host,
        port,
        api_id,
        test_mode,
        auth_key,
        user_id,
        is_bot,
    ] = row;
    let home_dc = i16::try_from(sql::need_int(&dc_id, "dc_id")?)
        .map_err(|_| StorageError::Unreadable(format!("dc_id {dc_id:?}")))?;
    let user_id = sql::int(&user_id);
    let mut session = Session {
        home_dc,
        test_mode: sql::int(&test_mode).unwrap_or(0) != 0,
        api_id: sql::int(&api_id)
            .map(|id| {
                i32::try_from(id).map_err(|_| StorageError::Unreadable(format!("api_id {id}")))
            })
            .transpose()?,
        user_id,
        is_bot: sql::int(&is_bot).map(|b| b != 0),
        ..Session::default()
    };
    let auth_key = match auth_key {
        Value::Blob(bytes) => rows::auth_key(Some(bytes))?,
        _ => None,
    };
    session.dcs.insert(
        home_dc,
        DcSession {
            address: sql::address(&host, &port)?,
            auth_key,
            authorized: user_id.is_some(),
        },
    );

    if tables.contains("update_state") {
        // Pyrogram keys channels by their Bot-API id.
        sql::read_update_state(conn, &mut session, |id| CHANNEL_BASE - id)?;
    }

    let peer_columns = sql::columns(conn, "peers")?;
    let username = if peer_columns.contains("username") {
        "username"
    } else {
        "NULL"
    };
    let mut stmt = conn
        .prepare(&format!(
            "SELECT id, access_hash, type, {username}, phone_number, last_update_on FROM peers"
        ))
        .map_err(db_error)?;
    let found = stmt
        .query_map([], |r| {
            Ok([
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ])
        })
        .map_err(db_error)?;
    let mut peers = Vec::new();
    for row in found {
        let [id, hash, kind_name, name, phone, updated]: [Value; 6] = row.map_err(db_error)?;
        let id = sql::need_int(&id, "peers.id")?;
        let Some(kind) = sql::text(&kind_name).as_deref().and_then(kind) else {
            tracing::warn!(id, kind = ?kind_name, "peer of an unknown type not imported");
            continue;
        };
        peers.push(PeerRecord {
            id,
            access_hash: sql::int(&hash).unwrap_or(0),
            kind,
            usernames: sql::text(&name)
                .map(|n| n.to_lowercase())
                .into_iter()
                .collect(),
            phone: sql::text(&phone),
            updated_at: sql::int(&updated).unwrap_or(0),
        });
    }
    if tables.contains("usernames") {
        let mut stmt = conn
            .prepare("SELECT username FROM usernames WHERE id = ?1 ORDER BY rowid")
            .map_err(db_error)?;
        for peer in &mut peers {
            let names = stmt
                .query_map([peer.id], |r| r.get::<_, Option<String>>(0))
                .map_err(db_error)?;
            for name in names {
                if let Some(name) = name.map_err(db_error)? {
                    peer.usernames.push(name.to_lowercase());
                }
            }
        }
    }
    Ok((session, peers))
}

/// Version 3's schema (Pyrogram 2.0): usernames in the peers table, no update state.
const SCHEMA_3: &str = "
CREATE TABLE sessions (
    dc_id INTEGER PRIMARY KEY, api_id INTEGER, test_mode INTEGER, auth_key BLOB,
    date INTEGER NOT NULL, user_id INTEGER, is_bot INTEGER
);
CREATE TABLE peers (
    id INTEGER PRIMARY KEY, access_hash INTEGER, type INTEGER NOT NULL, username TEXT,
    phone_number TEXT,
    last_update_on INTEGER NOT NULL DEFAULT (CAST(STRFTIME('%s', 'now') AS INTEGER))
);
CREATE TABLE version (number INTEGER PRIMARY KEY);
CREATE INDEX idx_peers_id ON peers (id);
CREATE INDEX idx_peers_username ON peers (username);
CREATE INDEX idx_peers_phone_number ON peers (phone_number);
";

/// Version 7's schema: the DC's address in the session, usernames in their own table,
/// update states.
const SCHEMA_7: &str = "
CREATE TABLE sessions (
    dc_id INTEGER PRIMARY KEY, server_address TEXT, port INTEGER, api_id INTEGER,
    test_mode INTEGER, auth_key BLOB, date INTEGER NOT NULL, user_id INTEGER, is_bot INTEGER
);
CREATE TABLE peers (
    id INTEGER PRIMARY KEY, access_hash INTEGER, type INTEGER NOT NULL, phone_number TEXT,
    last_update_on INTEGER NOT NULL DEFAULT (CAST(STRFTIME('%s', 'now') AS INTEGER))
);
CREATE TABLE usernames (id INTEGER, username TEXT, FOREIGN KEY (id) REFERENCES peers(id));
CREATE TABLE update_state (
    id INTEGER PRIMARY KEY, pts INTEGER, qts INTEGER, date INTEGER, seq INTEGER
);
CREATE TABLE version (number INTEGER PRIMARY KEY);
CREATE INDEX idx_peers_id ON peers (id);
CREATE INDEX idx_peers_phone_number ON peers (phone_number);
CREATE INDEX idx_usernames_id ON usernames (id);
CREATE INDEX idx_usernames_username ON usernames (username);
";

pub(crate) fn write(
    conn: &mut Connection,
    version: i64,
    session: &Session,
    peers: &[PeerRecord],
) -> Result<(), StorageError> {
    let v7 = match version {
        3 => false,
        7 => true,
        _ => {
            return Err(StorageError::Unwritable(format!(
                "Pyrogram's version {version} (versions 3 and 7 are written)"
            )));
        }
    };
    // Pyrogram reads a NULL user id or bot flag as "no session" and silently makes a new
    // key over the file; refuse rather than write one it would throw away.
    for (missing, name) in [
        (session.user_id.is_none(), "user_id"),
        (session.is_bot.is_none(), "is_bot"),
        (session.api_id.is_none(), "api_id"),
    ] {
        if missing {
            return Err(StorageError::Unwritable(format!(
                "a Pyrogram session file needs {name}, which is not set"
            )));
        }
    }
    let home = session.dcs.get(&session.home_dc);
    let key = home
        .and_then(|dc| dc.auth_key.as_ref())
        .map(|k| k.bytes().to_vec());
    // Version 3 has no address column: Pyrogram 2.0 finds the address from the DC id.
    let address = if v7 {
        Some(sql::home_address(session)?)
    } else {
        None
    };

    let tx = conn.transaction().map_err(db_error)?;
    tx.execute_batch(if v7 { SCHEMA_7 } else { SCHEMA_3 })
        .map_err(db_error)?;
    tx.execute("INSERT INTO version VALUES (?1)", [version])
        .map_err(db_error)?;
    tx.execute(
        "INSERT INTO sessions (dc_id, api_id, test_mode, auth_key, date, user_id, is_bot)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            session.home_dc,
            session.api_id,
            session.test_mode,
            key,
            sql::now(),
            session.user_id,
            session.is_bot
        ],
    )
    .map_err(db_error)?;
    if let Some(address) = address {
        tx.execute(
            "UPDATE sessions SET server_address = ?1, port = ?2",
            params![address.ip().to_string(), address.port()],
        )
        .map_err(db_error)?;
    }

    for peer in peers {
        let kind = kind_name(peer.kind);
        if v7 {
            tx.execute(
                "INSERT INTO peers (id, access_hash, type, phone_number, last_update_on)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![peer.id, peer.access_hash, kind, peer.phone, peer.updated_at],
            )
            .map_err(db_error)?;
            for name in &peer.usernames {
                tx.execute(
                    "INSERT INTO usernames (id, username) VALUES (?1, ?2)",
                    params![peer.id, name.to_lowercase()],
                )
                .map_err(db_error)?;
            }
        } else {
            // Version 3 holds one username per peer: the main one.
            let name = peer.usernames.first().map(|n| n.to_lowercase());
            tx.execute(
                "INSERT INTO peers (id, access_hash, type, username, phone_number,
                                    last_update_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    peer.id,
                    peer.access_hash,
                    kind,
                    name,
                    peer.phone,
                    peer.updated_at
                ],
            )
            .map_err(db_error)?;
        }
    }

    if v7 {
        let s = session.updates;
        tx.execute(
            "INSERT INTO update_state VALUES (0, ?1, ?2, ?3, ?4)",
            params![s.pts, s.qts, s.date, s.seq],
        )
        .map_err(db_error)?;
        for (&channel, &pts) in &session.channels {
            tx.execute(
                "INSERT INTO update_state VALUES (?1, ?2, NULL, NULL, NULL)",
                params![CHANNEL_BASE - channel, pts],
            )
            .map_err(db_error)?;
        }
    }
    tx.commit().map_err(db_error)
}
