//! Sessions and peers as rows, every one under its account's name.

use std::net::SocketAddr;

use postgres::GenericClient;
use postgres::Row;

use super::db_error;
use crate::storage::sqlite::rows::{auth_key, kind_from_int, kind_to_int};
use crate::storage::{
    Change, DcAddress, DcSession, PeerKind, PeerRecord, Session, StorageError, UpdateState,
};

fn parse_address(text: &str) -> Result<SocketAddr, StorageError> {
    text.parse()
        .map_err(|_| StorageError::Unreadable(format!("bad address {text:?}")))
}

/// The account's session but the peers (a default one for an account not stored yet).
pub(crate) fn load_session(
    conn: &mut impl GenericClient,
    account: &str,
) -> Result<Session, StorageError> {
    let Some(row) = conn
        .query_opt(
            "SELECT home_dc, test_mode, api_id, user_id, is_bot, pts, qts, date, seq
             FROM oxigram_accounts WHERE account = $1",
            &[&account],
        )
        .map_err(db_error)?
    else {
        return Ok(Session::default());
    };
    let mut session = Session {
        home_dc: row.get(0),
        test_mode: row.get(1),
        api_id: row.get(2),
        user_id: row.get(3),
        is_bot: row.get(4),
        updates: UpdateState {
            pts: row.get(5),
            qts: row.get(6),
            date: row.get(7),
            seq: row.get(8),
        },
        ..Session::default()
    };
    for row in conn
        .query(
            "SELECT dc, address, auth_key, authorized FROM oxigram_dcs WHERE account = $1",
            &[&account],
        )
        .map_err(db_error)?
    {
        let address: Option<String> = row.get(1);
        let dc = DcSession {
            address: address.as_deref().map(parse_address).transpose()?,
            auth_key: auth_key(row.get(2))?,
            authorized: row.get(3),
        };
        session.dcs.insert(row.get(0), dc);
    }
    for row in conn
        .query(
            "SELECT dc, address, media_only, cdn FROM oxigram_dc_options
             WHERE account = $1 ORDER BY position",
            &[&account],
        )
        .map_err(db_error)?
    {
        session.dc_options.push(DcAddress {
            id: row.get(0),
            address: parse_address(row.get(1))?,
            media_only: row.get(2),
            cdn: row.get(3),
        });
    }
    for row in conn
        .query(
            "SELECT channel, pts FROM oxigram_channels WHERE account = $1",
            &[&account],
        )
        .map_err(db_error)?
    {
        session.channels.insert(row.get(0), row.get(1));
    }
    Ok(session)
}

const PEER_COLUMNS: &str = "id, access_hash, kind, phone, updated_at";

fn finish_peer(
    conn: &mut impl GenericClient,
    account: &str,
    row: &Row,
) -> Result<PeerRecord, StorageError> {
    let id: i64 = row.get(0);
    let kind: i16 = row.get(2);
    let kind = kind_from_int(kind.into())
        .ok_or_else(|| StorageError::Unreadable(format!("peer {id} has unknown kind {kind}")))?;
    let usernames = conn
        .query(
            "SELECT username FROM oxigram_usernames WHERE account = $1 AND peer = $2
             ORDER BY position",
            &[&account, &id],
        )
        .map_err(db_error)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(PeerRecord {
        id,
        access_hash: row.get(1),
        kind,
        usernames,
        phone: row.get(3),
        updated_at: row.get(4),
    })
}

/// What a peer lookup matches on.
#[derive(Debug, Clone)]
pub(crate) enum PeerKey {
    Id(i64),
    Phone(String),
    /// Lower case.
    Username(String),
}

/// The account's peer that `key` names, if stored.
pub(crate) fn peer(
    conn: &mut impl GenericClient,
    account: &str,
    key: &PeerKey,
) -> Result<Option<PeerRecord>, StorageError> {
    let row = match key {
        PeerKey::Id(id) => conn.query_opt(
            &format!("SELECT {PEER_COLUMNS} FROM oxigram_peers WHERE account = $1 AND id = $2"),
            &[&account, id],
        ),
        // The phone index is not unique: the newest record wins.
        PeerKey::Phone(phone) => conn.query_opt(
            &format!(
                "SELECT {PEER_COLUMNS} FROM oxigram_peers WHERE account = $1 AND phone = $2
                 ORDER BY updated_at DESC LIMIT 1"
            ),
            &[&account, phone],
        ),
        PeerKey::Username(name) => conn.query_opt(
            &format!(
                "SELECT {PEER_COLUMNS} FROM oxigram_peers WHERE account = $1 AND id =
                 (SELECT peer FROM oxigram_usernames WHERE account = $1 AND username = $2)"
            ),
            &[&account, name],
        ),
    }
    .map_err(db_error)?;
    row.map(|row| finish_peer(conn, account, &row)).transpose()
}

/// Every peer of the account, by id.
pub(crate) fn all_peers(
    conn: &mut impl GenericClient,
    account: &str,
) -> Result<Vec<PeerRecord>, StorageError> {
    let rows = conn
        .query(
            &format!("SELECT {PEER_COLUMNS} FROM oxigram_peers WHERE account = $1 ORDER BY id"),
            &[&account],
        )
        .map_err(db_error)?;
    rows.iter()
        .map(|row| finish_peer(conn, account, row))
        .collect()
}

/// Makes the account's row if it has none (inside the caller's transaction).
pub(crate) fn ensure_account(
    conn: &mut impl GenericClient,
    account: &str,
) -> Result<(), postgres::Error> {
    conn.execute(
        "INSERT INTO oxigram_accounts (account) VALUES ($1) ON CONFLICT DO NOTHING",
        &[&account],
    )
    .map(drop)
}

/// Writes one change (inside the caller's transaction).
pub(crate) fn write_change(
    conn: &mut impl GenericClient,
    account: &str,
    change: &Change,
) -> Result<(), postgres::Error> {
    match change {
        Change::Home { dc, test_mode } => {
            conn.execute(
                "UPDATE oxigram_accounts SET home_dc = $2, test_mode = $3 WHERE account = $1",
                &[&account, dc, test_mode],
            )?;
        }
        Change::ApiId(id) => {
            conn.execute(
                "UPDATE oxigram_accounts SET api_id = $2 WHERE account = $1",
                &[&account, id],
            )?;
        }
        Change::Dc(id, dc) => {
            conn.execute(
                "INSERT INTO oxigram_dcs (account, dc, address, auth_key, authorized)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (account, dc) DO UPDATE SET address = excluded.address,
                     auth_key = excluded.auth_key, authorized = excluded.authorized",
                &[
                    &account,
                    id,
                    &dc.address.map(|a| a.to_string()),
                    &dc.auth_key.as_ref().map(|k| &k.bytes()[..]),
                    &dc.authorized,
                ],
            )?;
        }
        Change::User(Some((id, bot))) => {
            conn.execute(
                "UPDATE oxigram_accounts SET user_id = $2, is_bot = $3 WHERE account = $1",
                &[&account, id, bot],
            )?;
        }
        Change::User(None) => {
            conn.execute(
                "UPDATE oxigram_accounts SET user_id = NULL, is_bot = NULL WHERE account = $1",
                &[&account],
            )?;
            conn.execute(
                "UPDATE oxigram_dcs SET authorized = false WHERE account = $1",
                &[&account],
            )?;
        }
        Change::DcOptions(options) => {
            conn.execute(
                "DELETE FROM oxigram_dc_options WHERE account = $1",
                &[&account],
            )?;
            for (i, o) in options.iter().enumerate() {
                conn.execute(
                    "INSERT INTO oxigram_dc_options (account, position, dc, address, media_only, cdn)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        &account,
                        &(i as i32),
                        &o.id,
                        &o.address.to_string(),
                        &o.media_only,
                        &o.cdn,
                    ],
                )?;
            }
        }
        Change::Updates(state) => {
            conn.execute(
                "UPDATE oxigram_accounts SET pts = $2, qts = $3, date = $4, seq = $5
                 WHERE account = $1",
                &[&account, &state.pts, &state.qts, &state.date, &state.seq],
            )?;
        }
        Change::ChannelPts(id, pts) => {
            conn.execute(
                "INSERT INTO oxigram_channels (account, channel, pts) VALUES ($1, $2, $3)
                 ON CONFLICT (account, channel) DO UPDATE SET pts = excluded.pts",
                &[&account, id, pts],
            )?;
        }
        Change::Peers(peers) => {
            for peer in peers {
                write_peer(conn, account, peer)?;
            }
        }
    }
    Ok(())
}

/// Stores a peer merged with the stored record as [`merge_peer`] merges (a `min` record
/// keeps the known hash, a missing phone keeps the known one); its usernames move to it
/// from whoever had them.
///
/// [`merge_peer`]: crate::storage::memory::merge_peer
fn write_peer(
    conn: &mut impl GenericClient,
    account: &str,
    new: &PeerRecord,
) -> Result<(), postgres::Error> {
    let group = kind_to_int(PeerKind::Group) as i16;
    conn.execute(
        "INSERT INTO oxigram_peers (account, id, access_hash, kind, phone, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (account, id) DO UPDATE SET
             access_hash = CASE WHEN excluded.access_hash = 0 AND excluded.kind <> $7
                 THEN oxigram_peers.access_hash ELSE excluded.access_hash END,
             kind = excluded.kind,
             phone = COALESCE(excluded.phone, oxigram_peers.phone),
             updated_at = excluded.updated_at",
        &[
            &account,
            &new.id,
            &new.access_hash,
            &(kind_to_int(new.kind) as i16),
            &new.phone,
            &new.updated_at,
            &group,
        ],
    )?;
    conn.execute(
        "DELETE FROM oxigram_usernames WHERE account = $1 AND peer = $2",
        &[&account, &new.id],
    )?;
    for (i, name) in new.usernames.iter().enumerate() {
        conn.execute(
            "INSERT INTO oxigram_usernames (account, username, peer, position)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (account, username) DO UPDATE SET peer = excluded.peer,
                 position = excluded.position",
            &[&account, &name.to_lowercase(), &new.id, &(i as i32)],
        )?;
    }
    Ok(())
}
