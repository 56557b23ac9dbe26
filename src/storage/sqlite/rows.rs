//! Records to rows and back: the session's reads and the writer's statements.

use std::net::SocketAddr;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::db_error;
use crate::proto::crypto::message::AuthKey;
use crate::storage::memory::merge_peer;
use crate::storage::{
    Change, DcAddress, DcSession, PeerKind, PeerRecord, Session, StorageError, UpdateState,
};

/// The number stored for each kind; a stored number is never reused for another kind.
pub(crate) fn kind_to_int(kind: PeerKind) -> i64 {
    match kind {
        PeerKind::User => 0,
        PeerKind::Bot => 1,
        PeerKind::Group => 2,
        PeerKind::Channel => 3,
        PeerKind::Supergroup => 4,
    }
}

pub(crate) fn kind_from_int(kind: i64) -> Option<PeerKind> {
    Some(match kind {
        0 => PeerKind::User,
        1 => PeerKind::Bot,
        2 => PeerKind::Group,
        3 => PeerKind::Channel,
        4 => PeerKind::Supergroup,
        _ => return None,
    })
}

fn parse_address(text: &str) -> Result<SocketAddr, StorageError> {
    text.parse()
        .map_err(|_| StorageError::Unreadable(format!("bad DC address {text:?}")))
}

fn address(text: Option<String>) -> Result<Option<SocketAddr>, StorageError> {
    text.as_deref().map(parse_address).transpose()
}

pub(crate) fn auth_key(blob: Option<Vec<u8>>) -> Result<Option<AuthKey>, StorageError> {
    match blob {
        None => Ok(None),
        // Telethon writes an empty blob for "no key".
        Some(bytes) if bytes.is_empty() => Ok(None),
        Some(bytes) => {
            let key: [u8; 256] = bytes.as_slice().try_into().map_err(|_| {
                StorageError::Unreadable(format!("an auth key of {} bytes", bytes.len()))
            })?;
            Ok(Some(AuthKey::new(key)))
        }
    }
}

/// The whole session but the peers.
pub(crate) fn load_session(conn: &Connection) -> Result<Session, StorageError> {
    let mut session = conn
        .query_row(
            "SELECT home_dc, test_mode, api_id, user_id, is_bot, pts, qts, date, seq
             FROM session",
            [],
            |r| {
                Ok(Session {
                    home_dc: r.get(0)?,
                    test_mode: r.get(1)?,
                    api_id: r.get(2)?,
                    user_id: r.get(3)?,
                    is_bot: r.get(4)?,
                    updates: UpdateState {
                        pts: r.get(5)?,
                        qts: r.get(6)?,
                        date: r.get(7)?,
                        seq: r.get(8)?,
                    },
                    ..Session::default()
                })
            },
        )
        .map_err(db_error)?;

    let mut stmt = conn
        .prepare("SELECT id, address, auth_key, authorized FROM dcs")
        .map_err(db_error)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i16>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<Vec<u8>>>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })
        .map_err(db_error)?;
    for row in rows {
        let (id, addr, key, authorized) = row.map_err(db_error)?;
        let dc = DcSession {
            address: address(addr)?,
            auth_key: auth_key(key)?,
            authorized,
        };
        session.dcs.insert(id, dc);
    }

    let mut stmt = conn
        .prepare("SELECT dc, address, media_only, cdn FROM dc_options ORDER BY position")
        .map_err(db_error)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i16>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })
        .map_err(db_error)?;
    for row in rows {
        let (id, addr, media_only, cdn) = row.map_err(db_error)?;
        session.dc_options.push(DcAddress {
            id,
            address: parse_address(&addr)?,
            media_only,
            cdn,
        });
    }

    let mut stmt = conn
        .prepare("SELECT id, pts FROM channels")
        .map_err(db_error)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i32>(1)?)))
        .map_err(db_error)?;
    for row in rows {
        let (id, pts) = row.map_err(db_error)?;
        session.channels.insert(id, pts);
    }
    Ok(session)
}

const PEER_COLUMNS: &str = "id, access_hash, kind, phone, updated_at";

fn peer_row(r: &Row<'_>) -> rusqlite::Result<(i64, i64, i64, Option<String>, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn finish_peer(
    conn: &Connection,
    (id, access_hash, kind, phone, updated_at): (i64, i64, i64, Option<String>, i64),
) -> Result<PeerRecord, StorageError> {
    let kind = kind_from_int(kind)
        .ok_or_else(|| StorageError::Unreadable(format!("peer {id} has unknown kind {kind}")))?;
    let mut stmt = conn
        .prepare_cached("SELECT username FROM usernames WHERE peer = ?1 ORDER BY position")
        .map_err(db_error)?;
    let usernames = stmt
        .query_map([id], |r| r.get(0))
        .map_err(db_error)?
        .collect::<Result<Vec<String>, _>>()
        .map_err(db_error)?;
    Ok(PeerRecord {
        id,
        access_hash,
        kind,
        usernames,
        phone,
        updated_at,
    })
}

/// The peer stored under `column = value` (`id`, `phone`), if any.
pub(crate) fn peer_where(
    conn: &Connection,
    column: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<Option<PeerRecord>, StorageError> {
    let sql = format!("SELECT {PEER_COLUMNS} FROM peers WHERE {column} = ?1");
    let row = conn
        .prepare_cached(&sql)
        .map_err(db_error)?
        .query_row([value], peer_row)
        .optional()
        .map_err(db_error)?;
    row.map(|row| finish_peer(conn, row)).transpose()
}

/// The id of the peer that has `username` (lower case).
pub(crate) fn peer_id_by_username(
    conn: &Connection,
    username: &str,
) -> Result<Option<i64>, StorageError> {
    conn.prepare_cached("SELECT peer FROM usernames WHERE username = ?1")
        .map_err(db_error)?
        .query_row([username], |r| r.get(0))
        .optional()
        .map_err(db_error)
}

/// Every stored peer, by id.
pub(crate) fn all_peers(conn: &Connection) -> Result<Vec<PeerRecord>, StorageError> {
    let sql = format!("SELECT {PEER_COLUMNS} FROM peers ORDER BY id");
    let mut stmt = conn.prepare(&sql).map_err(db_error)?;
    let rows = stmt
        .query_map([], peer_row)
        .map_err(db_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(db_error)?;
    rows.into_iter().map(|row| finish_peer(conn, row)).collect()
}

/// Writes one change (inside the caller's transaction).
pub(crate) fn write_change(conn: &Connection, change: &Change) -> rusqlite::Result<()> {
    match change {
        Change::Home { dc, test_mode } => {
            conn.execute(
                "UPDATE session SET home_dc = ?1, test_mode = ?2",
                params![dc, test_mode],
            )?;
        }
        Change::ApiId(id) => {
            conn.execute("UPDATE session SET api_id = ?1", [id])?;
        }
        Change::Dc(id, dc) => {
            conn.execute(
                "INSERT OR REPLACE INTO dcs (id, address, auth_key, authorized)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    id,
                    dc.address.map(|a| a.to_string()),
                    dc.auth_key.as_ref().map(|k| &k.bytes()[..]),
                    dc.authorized
                ],
            )?;
        }
        Change::User(Some((id, bot))) => {
            conn.execute(
                "UPDATE session SET user_id = ?1, is_bot = ?2",
                params![id, bot],
            )?;
        }
        Change::User(None) => {
            conn.execute("UPDATE session SET user_id = NULL, is_bot = NULL", [])?;
            conn.execute("UPDATE dcs SET authorized = 0", [])?;
        }
        Change::DcOptions(options) => {
            conn.execute("DELETE FROM dc_options", [])?;
            let mut stmt = conn.prepare_cached(
                "INSERT INTO dc_options (position, dc, address, media_only, cdn)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (i, o) in options.iter().enumerate() {
                stmt.execute(params![
                    i as i64,
                    o.id,
                    o.address.to_string(),
                    o.media_only,
                    o.cdn
                ])?;
            }
        }
        Change::Updates(state) => {
            conn.execute(
                "UPDATE session SET pts = ?1, qts = ?2, date = ?3, seq = ?4",
                params![state.pts, state.qts, state.date, state.seq],
            )?;
        }
        Change::ChannelPts(id, pts) => {
            conn.execute(
                "INSERT OR REPLACE INTO channels (id, pts) VALUES (?1, ?2)",
                params![id, pts],
            )?;
        }
        Change::Peers(peers) => {
            for peer in peers {
                write_peer(conn, peer)?;
            }
        }
    }
    Ok(())
}

/// Stores a peer, merged with the stored record (a `min` record keeps the known hash);
/// its usernames move to it from whoever had them.
fn write_peer(conn: &Connection, new: &PeerRecord) -> rusqlite::Result<()> {
    let old = conn
        .prepare_cached("SELECT access_hash, phone FROM peers WHERE id = ?1")?
        .query_row([new.id], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)))
        .optional()?
        .map(|(access_hash, phone)| PeerRecord {
            access_hash,
            phone,
            ..new.clone()
        });
    let merged = merge_peer(old.as_ref(), new.clone());
    conn.prepare_cached(
        "INSERT OR REPLACE INTO peers (id, access_hash, kind, phone, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        merged.id,
        merged.access_hash,
        kind_to_int(merged.kind),
        merged.phone,
        merged.updated_at
    ])?;
    conn.prepare_cached("DELETE FROM usernames WHERE peer = ?1")?
        .execute([merged.id])?;
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO usernames (username, peer, position) VALUES (?1, ?2, ?3)",
    )?;
    for (i, name) in merged.usernames.iter().enumerate() {
        insert.execute(params![name.to_lowercase(), merged.id, i as i64])?;
    }
    Ok(())
}
