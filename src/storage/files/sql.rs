//! What reading and writing the other libraries' files share: table and column lookups,
//! loosely typed values, DC addresses and id conversions.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};

use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};

use crate::storage::sqlite::db_error;
use crate::storage::{Session, StorageError, UpdateState};

/// Channel ids in the Bot-API form are `CHANNEL_BASE - id`.
pub(crate) const CHANNEL_BASE: i64 = -1_000_000_000_000;

/// Opens someone's session file without changing it.
pub(crate) fn open_read_only(path: &std::path::Path) -> Result<Connection, StorageError> {
    // SQLite would report a missing file only as "unable to open": say what it is.
    std::fs::metadata(path)?;
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(db_error)
}

/// Creates a new file; an existing one is never overwritten.
pub(crate) fn create_new(path: &std::path::Path) -> Result<Connection, StorageError> {
    crate::storage::sqlite::create_private(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            StorageError::Io(std::io::Error::new(
                e.kind(),
                format!("{} already exists", path.display()),
            ))
        } else {
            StorageError::Io(e)
        }
    })?;
    Connection::open(path).map_err(db_error)
}

/// The names of the file's tables.
pub(crate) fn tables(conn: &Connection) -> Result<BTreeSet<String>, StorageError> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .map_err(db_error)?;
    stmt.query_map([], |r| r.get(0))
        .map_err(db_error)?
        .collect::<Result<_, _>>()
        .map_err(db_error)
}

/// The names of a table's columns.
pub(crate) fn columns(conn: &Connection, table: &str) -> Result<BTreeSet<String>, StorageError> {
    let mut stmt = conn
        .prepare(&format!("PRAGMA table_info({table})"))
        .map_err(db_error)?;
    stmt.query_map([], |r| r.get(1))
        .map_err(db_error)?
        .collect::<Result<_, _>>()
        .map_err(db_error)
}

/// The one value of `sql`'s first row.
pub(crate) fn single(conn: &Connection, sql: &str) -> Result<Value, StorageError> {
    conn.query_row(sql, [], |r| r.get(0)).map_err(db_error)
}

/// An integer, however Python stored it (as an integer, a float or numeric text).
pub(crate) fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Integer(i) => Some(*i),
        Value::Real(f) if f.is_finite() => Some(*f as i64),
        Value::Text(t) => t.trim().parse().ok(),
        _ => None,
    }
}

/// A required integer, or an error naming the field.
pub(crate) fn need_int(value: &Value, field: &str) -> Result<i64, StorageError> {
    int(value).ok_or_else(|| StorageError::Unreadable(format!("{field} is {value:?}")))
}

/// An `i32` field (pts, dates), or an error naming it.
pub(crate) fn int32(value: &Value, field: &str) -> Result<i32, StorageError> {
    match value {
        Value::Null => Ok(0),
        _ => i32::try_from(need_int(value, field)?)
            .map_err(|_| StorageError::Unreadable(format!("{field} is out of range: {value:?}"))),
    }
}

/// Text, or digits stored as a number (Telethon's phone column is an integer column).
pub(crate) fn text(value: &Value) -> Option<String> {
    match value {
        Value::Text(t) if !t.is_empty() => Some(t.clone()),
        Value::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

/// Telegram's DC addresses, for files that must name one when the session does not: the
/// production DCs on port 443 and the test DCs on port 80, as both libraries list them.
fn known_address(dc: i16, test_mode: bool) -> Option<SocketAddr> {
    let ip: [u8; 4] = match (test_mode, dc) {
        (false, 1) => [149, 154, 175, 53],
        (false, 2) => [149, 154, 167, 51],
        (false, 3) => [149, 154, 175, 100],
        (false, 4) => [149, 154, 167, 91],
        (false, 5) => [91, 108, 56, 130],
        (true, 1) => [149, 154, 175, 10],
        (true, 2) => [149, 154, 167, 40],
        (true, 3) => [149, 154, 175, 117],
        _ => return None,
    };
    let port = if test_mode { 80 } else { 443 };
    Some(SocketAddr::new(IpAddr::from(ip), port))
}

/// The home DC's address: as stored, else the DC's well-known one.
pub(crate) fn home_address(session: &Session) -> Result<SocketAddr, StorageError> {
    session
        .dcs
        .get(&session.home_dc)
        .and_then(|dc| dc.address)
        .or_else(|| known_address(session.home_dc, session.test_mode))
        .ok_or_else(|| {
            StorageError::Unwritable(format!(
                "no address is known for the home DC {}",
                session.home_dc
            ))
        })
}

/// The address from a host and port as the libraries store them.
pub(crate) fn address(host: &Value, port: &Value) -> Result<Option<SocketAddr>, StorageError> {
    let (Value::Text(host), Some(port)) = (host, int(port)) else {
        return Ok(None);
    };
    let ip: IpAddr = host
        .trim_matches(['[', ']'])
        .parse()
        .map_err(|_| StorageError::Unreadable(format!("server address {host:?}")))?;
    let port = u16::try_from(port).map_err(|_| StorageError::Unreadable(format!("port {port}")))?;
    Ok(Some(SocketAddr::new(ip, port)))
}

/// The current unix time, for the files' "last written" columns.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Reads an `update_state` table as Pyrogram and Telethon both lay it out (`id, pts, qts,
/// date, seq`; id 0 the account's, others a channel's pts): `channel` turns a row's id
/// into the bare channel id.
pub(crate) fn read_update_state(
    conn: &Connection,
    session: &mut Session,
    channel: impl Fn(i64) -> i64,
) -> Result<(), StorageError> {
    let mut stmt = conn
        .prepare("SELECT id, pts, qts, date, seq FROM update_state")
        .map_err(db_error)?;
    let states = stmt
        .query_map([], |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])
        })
        .map_err(db_error)?;
    for state in states {
        let [id, pts, qts, date, seq]: [Value; 5] = state.map_err(db_error)?;
        match need_int(&id, "update_state.id")? {
            0 => {
                session.updates = UpdateState {
                    pts: int32(&pts, "pts")?,
                    qts: int32(&qts, "qts")?,
                    date: int32(&date, "date")?,
                    seq: int32(&seq, "seq")?,
                }
            }
            id => {
                session.channels.insert(channel(id), int32(&pts, "pts")?);
            }
        }
    }
    Ok(())
}
