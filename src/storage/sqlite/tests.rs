use std::path::{Path, PathBuf};

use super::*;
use crate::proto::crypto::message::AuthKey;
use crate::storage::{DcAddress, DcSession, PeerKind, UpdateState};

/// A directory of its own for each test, removed at the end.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("oxigram-storage-{}-{name}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    pub(crate) fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            eprintln!("could not remove {}: {e}", self.0.display());
        }
    }
}

fn peer(id: i64, hash: i64, kind: PeerKind, names: &[&str], phone: Option<&str>) -> PeerRecord {
    PeerRecord {
        id,
        access_hash: hash,
        kind,
        usernames: names.iter().map(|n| n.to_string()).collect(),
        phone: phone.map(str::to_string),
        updated_at: 1_700_000_000,
    }
}

#[test]
fn every_change_survives_a_reopen() {
    let dir = TempDir::new("reopen");
    let key = AuthKey::new([5; 256]);
    let address = "149.154.167.51:443".parse().unwrap();
    let option = DcAddress {
        id: 4,
        address: "[2001:67c:4e8:f004::a]:443".parse().unwrap(),
        media_only: true,
        cdn: false,
    };
    {
        let storage = SqliteStorage::open_in(dir.path(), "me").unwrap();
        assert_eq!(storage.load().unwrap(), Session::default());
        let changes = [
            Change::Home {
                dc: 2,
                test_mode: true,
            },
            Change::ApiId(611335),
            Change::Dc(
                2,
                DcSession {
                    address: Some(address),
                    auth_key: Some(key.clone()),
                    authorized: true,
                },
            ),
            Change::Dc(4, DcSession::default()),
            Change::User(Some((777, true))),
            Change::DcOptions(vec![option.clone()]),
            Change::Updates(UpdateState {
                pts: 1,
                qts: 2,
                date: 3,
                seq: 4,
            }),
            Change::ChannelPts(1234, 99),
            Change::Peers(vec![peer(
                -1_000_000_001_234,
                55,
                PeerKind::Supergroup,
                &["Chat", "second"],
                None,
            )]),
        ];
        for change in changes {
            storage.save(change).unwrap();
        }
        // Dropped without a flush: drop writes what is queued.
    }
    let storage = SqliteStorage::open(dir.file("me.session")).unwrap();
    let session = storage.load().unwrap();
    assert_eq!((session.home_dc, session.test_mode), (2, true));
    assert_eq!(session.api_id, Some(611335));
    assert_eq!((session.user_id, session.is_bot), (Some(777), Some(true)));
    assert_eq!(session.dcs[&2].auth_key, Some(key));
    assert_eq!(session.dcs[&2].address, Some(address));
    assert!(session.dcs[&2].authorized);
    assert_eq!(session.dcs[&4], DcSession::default());
    assert_eq!(session.dc_options, [option]);
    assert_eq!(session.updates.seq, 4);
    assert_eq!(session.channels[&1234], 99);
    let chat = storage.peer_by_username("CHAT").unwrap().unwrap();
    assert_eq!(chat.access_hash, 55);
    assert_eq!(chat.kind, PeerKind::Supergroup);
    assert_eq!(chat.usernames, ["chat", "second"]);
    assert_eq!(storage.peers().unwrap(), [chat]);
}

#[test]
fn signing_out_clears_every_authorization_in_the_file() {
    let dir = TempDir::new("sign-out");
    let storage = SqliteStorage::open_in(dir.path(), "s").unwrap();
    let dc = DcSession {
        address: None,
        auth_key: Some(AuthKey::new([1; 256])),
        authorized: true,
    };
    storage.save(Change::Dc(1, dc.clone())).unwrap();
    storage.save(Change::User(Some((5, false)))).unwrap();
    storage.flush().unwrap();
    storage.save(Change::User(None)).unwrap();
    let session = storage.load().unwrap();
    assert_eq!(session.user_id, None);
    assert!(!session.dcs[&1].authorized);
    assert!(session.dcs[&1].auth_key.is_some());
}

#[test]
fn a_min_peer_keeps_the_stored_hash_queued_or_written() {
    let dir = TempDir::new("min");
    let storage = SqliteStorage::open_in(dir.path(), "s").unwrap();
    let full = peer(10, 777, PeerKind::User, &["alice"], Some("15551234"));
    let min = peer(10, 0, PeerKind::User, &["alice2"], None);
    storage.save(Change::Peers(vec![full])).unwrap();
    storage.flush().unwrap();
    storage.save(Change::Peers(vec![min.clone()])).unwrap();
    // Queued (or written already: either way the answer is the same).
    let got = storage.peer_by_id(10).unwrap().unwrap();
    assert_eq!(
        (got.access_hash, got.phone.as_deref()),
        (777, Some("15551234"))
    );
    storage.flush().unwrap();
    let got = storage.peer_by_id(10).unwrap().unwrap();
    assert_eq!(got.access_hash, 777);
    assert_eq!(got.usernames, ["alice2"]);
    assert_eq!(storage.peer_by_username("alice").unwrap(), None);
    assert_eq!(storage.peer_by_phone("15551234").unwrap().unwrap().id, 10);
    assert_eq!(storage.peer_by_phone("1").unwrap(), None);
}

#[test]
fn a_username_moves_to_its_new_owner() {
    let dir = TempDir::new("moves");
    let storage = SqliteStorage::open_in(dir.path(), "s").unwrap();
    storage
        .save(Change::Peers(vec![peer(
            1,
            1,
            PeerKind::User,
            &["name"],
            None,
        )]))
        .unwrap();
    storage.flush().unwrap();
    storage
        .save(Change::Peers(vec![peer(
            2,
            2,
            PeerKind::Bot,
            &["name"],
            None,
        )]))
        .unwrap();
    storage.flush().unwrap();
    assert_eq!(storage.peer_by_username("name").unwrap().unwrap().id, 2);
    assert!(storage.peer_by_id(1).unwrap().unwrap().usernames.is_empty());
}

#[test]
fn a_second_opener_gets_session_in_use_until_the_first_closes() {
    let dir = TempDir::new("in-use");
    let first = SqliteStorage::open_in(dir.path(), "s").unwrap();
    match SqliteStorage::open_in(dir.path(), "s") {
        Err(StorageError::SessionInUse(path)) => assert!(path.ends_with("s.session")),
        other => panic!("{other:?}"),
    }
    drop(first);
    SqliteStorage::open_in(dir.path(), "s").unwrap();
}

#[test]
fn a_version_one_file_opens_migrated() {
    let dir = TempDir::new("v1");
    let path = dir.file("old.session");
    {
        let mut conn = Connection::open(&path).unwrap();
        schema::migrate_to(&mut conn, 1).unwrap();
        conn.execute("INSERT INTO peers VALUES (3, 33, 1, NULL, 0)", [])
            .unwrap();
    }
    let storage = SqliteStorage::open(&path).unwrap();
    assert_eq!(storage.peer_by_id(3).unwrap().unwrap().kind, PeerKind::Bot);
    drop(storage);
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("SELECT number FROM version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
}

#[test]
fn a_newer_file_and_foreign_files_are_refused() {
    let dir = TempDir::new("refused");
    let newer = dir.file("newer.session");
    SqliteStorage::open(&newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .execute("UPDATE version SET number = 3", [])
        .unwrap();
    match SqliteStorage::open(&newer) {
        Err(StorageError::NewerSchema { found: 3, known: 2 }) => {}
        other => panic!("{other:?}"),
    }

    let foreign = dir.file("pyrogram.session");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch(
            "CREATE TABLE sessions (dc_id INTEGER); CREATE TABLE version (number INTEGER);",
        )
        .unwrap();
    assert!(matches!(
        SqliteStorage::open(&foreign),
        Err(StorageError::UnknownFormat(_))
    ));

    let text = dir.file("notes.session");
    std::fs::write(&text, vec![b'x'; 4096]).unwrap();
    assert!(matches!(
        SqliteStorage::open(&text),
        Err(StorageError::UnknownFormat(_))
    ));
}

#[test]
fn a_failed_commit_stops_the_writer_and_is_reported() {
    let dir = TempDir::new("fails");
    let storage = SqliteStorage::open_in(dir.path(), "s").unwrap();
    // Make every later write of the update state fail, as a full disk would.
    Connection::open(storage.path())
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER fail BEFORE UPDATE ON session BEGIN SELECT RAISE(ABORT, 'no space'); END;",
        )
        .unwrap();
    storage
        .save(Change::Updates(UpdateState::default()))
        .unwrap();
    for result in [
        storage.flush(),
        storage.save(Change::ApiId(1)),
        storage.load().map(drop),
    ] {
        match result {
            Err(StorageError::WriterStopped(reason)) => assert!(reason.contains("no space")),
            other => panic!("{other:?}"),
        }
    }
}

#[cfg(unix)]
#[test]
fn session_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = TempDir::new("private");
    let storage = SqliteStorage::open(dir.file("me.session")).unwrap();
    storage
        .save(Change::Dc(
            2,
            DcSession {
                address: None,
                auth_key: Some(AuthKey::new([9; 256])),
                authorized: false,
            },
        ))
        .unwrap();
    storage.flush().unwrap();
    for name in ["me.session", "me.session-wal"] {
        let mode = std::fs::metadata(dir.file(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{name} is {mode:o}");
    }
    let written = dir.file("theirs.session");
    let session = storage.load().unwrap();
    let mut session = session;
    session.home_dc = 2;
    session.user_id = Some(1);
    session.is_bot = Some(false);
    session.api_id = Some(1);
    crate::storage::files::write(
        &written,
        crate::storage::files::SessionFileFormat::TELETHON,
        &session,
        &[],
    )
    .unwrap();
    let mode = std::fs::metadata(&written).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
}

#[test]
fn closing_folds_the_write_ahead_log_into_the_file() {
    let dir = TempDir::new("wal");
    let path = dir.file("me.session");
    for round in 0..3 {
        let storage = SqliteStorage::open(&path).unwrap();
        storage
            .save(Change::Updates(UpdateState {
                pts: round,
                ..UpdateState::default()
            }))
            .unwrap();
        // A lookup opens the reader's side of the file, as a running client's would.
        assert_eq!(storage.peer_by_id(7).unwrap(), None);
        drop(storage);
        let wal = dir.file("me.session-wal");
        let left = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert_eq!(left, 0, "round {round}: {left} bytes left in the log");
    }
    assert_eq!(
        SqliteStorage::open(&path)
            .unwrap()
            .load()
            .unwrap()
            .updates
            .pts,
        2
    );
}
