use std::path::PathBuf;

use rusqlite::Connection;

use super::*;
use crate::proto::crypto::message::AuthKey;
use crate::storage::sqlite::tests::TempDir;
use crate::storage::{DcSession, PeerKind, SqliteStorage, Storage, UpdateState};

/// As `key` in the fixtures' generator.
fn key(seed: usize) -> AuthKey {
    let mut bytes = [0; 256];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = ((seed * 31 + i * 7 + (i >> 3)) & 0xff) as u8;
    }
    AuthKey::new(bytes)
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sessions")
        .join(name)
}

fn find(peers: &[PeerRecord], id: i64) -> &PeerRecord {
    peers.iter().find(|p| p.id == id).expect("peer imported")
}

const STATE: UpdateState = UpdateState {
    pts: 100,
    qts: 7,
    date: 1_700_000_000,
    seq: 9,
};

#[test]
fn reads_a_file_kurigram_wrote() {
    let (session, peers, format) = read(fixture("pyrogram-v7.session")).unwrap();
    assert_eq!(format, SessionFileFormat::Pyrogram { version: 7 });
    assert_eq!((session.home_dc, session.test_mode), (4, false));
    assert_eq!(session.api_id, Some(12345));
    assert_eq!(
        (session.user_id, session.is_bot),
        (Some(123456789), Some(false))
    );
    let home = &session.dcs[&4];
    assert_eq!(home.auth_key, Some(key(11)));
    assert_eq!(home.address, Some("149.154.167.91:443".parse().unwrap()));
    assert!(home.authorized);
    assert_eq!(session.updates, STATE);
    assert_eq!(session.channels.get(&1234567890), Some(&55));

    assert_eq!(peers.len(), 6);
    let telegram = find(&peers, 777000);
    assert_eq!(
        (telegram.access_hash, telegram.kind),
        (1111, PeerKind::User)
    );
    assert_eq!(telegram.phone.as_deref(), Some("42777"));
    assert_eq!(telegram.usernames, ["telegram"]);
    assert_eq!(find(&peers, 93372553).kind, PeerKind::Bot);
    assert_eq!(find(&peers, 93372553).access_hash, -222);
    assert_eq!(find(&peers, -4000001).kind, PeerKind::Group);
    let durov = find(&peers, -1001234567890);
    assert_eq!((durov.access_hash, durov.kind), (333, PeerKind::Channel));
    assert_eq!(durov.usernames, ["durov", "second"]);
    assert_eq!(find(&peers, -1009876543210).kind, PeerKind::Supergroup);
    assert_eq!(find(&peers, -1005555555555).kind, PeerKind::Supergroup);
}

#[test]
fn reads_a_file_pyrogram_2_0_wrote() {
    let (session, peers, format) = read(fixture("pyrogram-v3.session")).unwrap();
    assert_eq!(format, SessionFileFormat::PYROGRAM_2_0);
    assert_eq!((session.home_dc, session.test_mode), (1, true));
    assert_eq!(session.api_id, Some(54321));
    assert_eq!(
        (session.user_id, session.is_bot),
        (Some(123456789), Some(true))
    );
    let home = &session.dcs[&1];
    assert_eq!(home.auth_key, Some(key(13)));
    // Version 3 keeps no address: the client finds it from the DC id.
    assert_eq!(home.address, None);
    assert_eq!(session.updates, UpdateState::default());

    assert_eq!(peers.len(), 5);
    let telegram = find(&peers, 777000);
    assert_eq!(
        (telegram.access_hash, telegram.kind),
        (1111, PeerKind::User)
    );
    assert_eq!(telegram.phone.as_deref(), Some("42777"));
    assert_eq!(telegram.usernames, ["telegram"]);
    assert_eq!(find(&peers, 93372553).kind, PeerKind::Bot);
    assert_eq!(find(&peers, -4000001).usernames, Vec::<String>::new());
    let durov = find(&peers, -1001234567890);
    assert_eq!((durov.access_hash, durov.kind), (333, PeerKind::Channel));
    assert_eq!(durov.usernames, ["durov"]);
    assert_eq!(find(&peers, -1009876543210).kind, PeerKind::Supergroup);
}

#[test]
fn reads_a_file_telethon_wrote() {
    let (session, peers, format) = read(fixture("telethon-v8.session")).unwrap();
    assert_eq!(format, SessionFileFormat::Telethon { version: 8 });
    assert_eq!(session.home_dc, 2);
    assert_eq!((session.user_id, session.is_bot), (Some(123456789), None));
    let home = &session.dcs[&2];
    assert_eq!(home.auth_key, Some(key(12)));
    assert_eq!(home.address, Some("149.154.167.51:443".parse().unwrap()));
    assert_eq!(session.updates, STATE);
    assert_eq!(session.channels.get(&1234567890), Some(&55));

    // The self entry (id 0) is the user id, not a peer.
    assert_eq!(peers.len(), 4);
    let telegram = find(&peers, 777000);
    assert_eq!(
        (telegram.access_hash, telegram.kind),
        (1111, PeerKind::User)
    );
    assert_eq!(telegram.phone.as_deref(), Some("42777"));
    assert_eq!(telegram.usernames, ["telegram"]);
    // Telethon cannot tell bots from users.
    assert_eq!(find(&peers, 93372553).kind, PeerKind::User);
    assert_eq!(find(&peers, -4000001).kind, PeerKind::Group);
    let durov = find(&peers, -1001234567890);
    assert_eq!((durov.access_hash, durov.kind), (333, PeerKind::Channel));
    assert_eq!(durov.usernames, ["durov"]);
}

fn sample() -> (Session, Vec<PeerRecord>) {
    let mut session = Session {
        home_dc: 5,
        test_mode: false,
        api_id: Some(42),
        user_id: Some(999),
        is_bot: Some(true),
        updates: STATE,
        ..Session::default()
    };
    session.dcs.insert(
        5,
        DcSession {
            address: Some("[2001:b28:f23f:f005::a]:443".parse().unwrap()),
            auth_key: Some(key(3)),
            authorized: true,
        },
    );
    // Another DC's key: only our own format keeps it.
    session.dcs.insert(
        1,
        DcSession {
            address: None,
            auth_key: Some(key(4)),
            authorized: false,
        },
    );
    session.channels.insert(77, 12);
    let peer = |id, access_hash, kind, names: &[&str], phone: Option<&str>| PeerRecord {
        id,
        access_hash,
        kind,
        usernames: names.iter().map(|n| n.to_string()).collect(),
        phone: phone.map(str::to_string),
        updated_at: 1_600_000_000,
    };
    let peers = vec![
        peer(10, 100, PeerKind::User, &["ten", "zehn"], Some("4410")),
        peer(11, 0, PeerKind::Bot, &[], None),
        peer(-12, 0, PeerKind::Group, &[], None),
        peer(
            -1_000_000_000_013,
            130,
            PeerKind::Supergroup,
            &["chat"],
            None,
        ),
    ];
    (session, peers)
}

#[test]
fn every_format_reads_back_what_it_keeps() {
    let dir = TempDir::new("files-round-trip");
    let (session, peers) = sample();
    for format in [
        SessionFileFormat::Oxigram,
        SessionFileFormat::PYROGRAM,
        SessionFileFormat::PYROGRAM_2_0,
        SessionFileFormat::TELETHON,
    ] {
        let path = dir.file(&format!("{format}.session"));
        write(&path, format, &session, &peers).unwrap();
        let (read_session, read_peers, read_format) = read(&path).unwrap();
        assert_eq!(read_format, format);
        let home = &read_session.dcs[&5];
        assert_eq!(home.auth_key, Some(key(3)), "{format}");
        assert!(home.authorized, "{format}");
        assert_eq!(read_session.user_id, Some(999), "{format}");
        let ten = find(&read_peers, 10);
        assert_eq!((ten.access_hash, ten.phone.as_deref()), (100, Some("4410")));
        let chat = find(&read_peers, -1_000_000_000_013);
        assert_eq!(chat.usernames, ["chat"], "{format}");
        match format {
            SessionFileFormat::Oxigram => {
                assert_eq!(read_session, session);
                assert_eq!(read_peers.len(), peers.len());
                for p in &peers {
                    assert_eq!(find(&read_peers, p.id), p);
                }
            }
            SessionFileFormat::Pyrogram { version } => {
                assert_eq!(read_session.is_bot, Some(true));
                assert_eq!(read_session.api_id, Some(42));
                assert_eq!(read_session.dcs.len(), 1);
                assert_eq!(read_peers.len(), 4);
                assert_eq!(find(&read_peers, 11).kind, PeerKind::Bot);
                assert_eq!(chat.kind, PeerKind::Supergroup);
                if version == 7 {
                    assert_eq!(home.address, session.dcs[&5].address);
                    assert_eq!(ten.usernames, ["ten", "zehn"]);
                    assert_eq!(read_session.updates, STATE);
                    assert_eq!(read_session.channels, session.channels);
                } else {
                    assert_eq!(home.address, None);
                    assert_eq!(ten.usernames, ["ten"]);
                    assert_eq!(read_session.updates, UpdateState::default());
                }
            }
            SessionFileFormat::Telethon { .. } => {
                assert_eq!(home.address, session.dcs[&5].address);
                assert_eq!((read_session.is_bot, read_session.api_id), (None, None));
                assert_eq!(read_session.updates, STATE);
                assert_eq!(read_session.channels, session.channels);
                // The min bot is left out; the rest kept, one username each.
                assert_eq!(read_peers.len(), 3);
                assert_eq!(ten.usernames, ["ten"]);
                assert_eq!(chat.kind, PeerKind::Channel);
            }
        }
    }
}

#[test]
fn an_existing_file_is_never_replaced() {
    let dir = TempDir::new("files-exists");
    let (session, peers) = sample();
    let path = dir.file("taken.session");
    std::fs::write(&path, b"precious").unwrap();
    for format in [SessionFileFormat::Oxigram, SessionFileFormat::TELETHON] {
        match write(&path, format, &session, &peers) {
            Err(StorageError::Io(e)) => assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(std::fs::read(&path).unwrap(), b"precious");
}

#[test]
fn unwritable_requests_leave_no_file() {
    let dir = TempDir::new("files-unwritable");
    let (mut session, peers) = sample();
    let path = dir.file("x.session");
    let bad_version = SessionFileFormat::Telethon { version: 8 };
    assert!(matches!(
        write(&path, bad_version, &session, &peers),
        Err(StorageError::Unwritable(_))
    ));
    // No address stored and none known for DC 9.
    session.home_dc = 9;
    session.dcs.insert(9, DcSession::default());
    assert!(matches!(
        write(&path, SessionFileFormat::PYROGRAM, &session, &peers),
        Err(StorageError::Unwritable(_))
    ));
    assert!(!path.exists());
}

#[test]
fn other_files_are_typed_errors() {
    let dir = TempDir::new("files-unknown");
    let text = dir.file("text.session");
    std::fs::write(&text, vec![b'#'; 2048]).unwrap();
    assert!(matches!(detect(&text), Err(StorageError::UnknownFormat(_))));

    let other = dir.file("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE things (id INTEGER)")
        .unwrap();
    match read(&other) {
        Err(StorageError::UnknownFormat(what)) => assert!(what.contains("things"), "{what}"),
        other => panic!("{other:?}"),
    }

    // Pyrogram's tables, but no session row in them: damaged, not a panic.
    let empty = dir.file("empty-pyrogram.session");
    Connection::open(&empty)
        .unwrap()
        .execute_batch(
            "CREATE TABLE sessions (dc_id INTEGER, test_mode INTEGER, auth_key BLOB,
                                    user_id INTEGER, is_bot INTEGER);
             CREATE TABLE peers (id INTEGER);
             CREATE TABLE version (number INTEGER);
             INSERT INTO version VALUES (3);",
        )
        .unwrap();
    assert_eq!(detect(&empty).unwrap(), SessionFileFormat::PYROGRAM_2_0);
    assert!(matches!(read(&empty), Err(StorageError::Unreadable(_))));

    let newer = dir.file("newer-telethon.session");
    let (session, peers) = sample();
    write(&newer, SessionFileFormat::TELETHON, &session, &peers).unwrap();
    Connection::open(&newer)
        .unwrap()
        .execute("UPDATE version SET version = 9", [])
        .unwrap();
    assert!(matches!(
        read(&newer),
        Err(StorageError::NewerSchema { found: 9, known: 8 })
    ));

    assert!(matches!(
        read(dir.file("missing.session")),
        Err(StorageError::Io(_))
    ));
}

#[test]
fn our_file_is_read_through_the_storage() {
    let dir = TempDir::new("files-ours");
    let path = dir.file("ours.session");
    let storage = SqliteStorage::open(&path).unwrap();
    storage
        .save(crate::storage::Change::Updates(STATE))
        .unwrap();
    // In use: reading waits for no one.
    assert!(matches!(read(&path), Err(StorageError::SessionInUse(_))));
    drop(storage);
    let (session, peers, format) = read(&path).unwrap();
    assert_eq!(
        (format, session.updates, peers.len()),
        (SessionFileFormat::Oxigram, STATE, 0)
    );
}
