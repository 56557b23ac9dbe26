//! A session file survives its process being killed at any point, and two processes
//! cannot have one session open at once.
//!
//! The child processes are this test binary run again with `CHILD_VAR` set: then the
//! `child_process` test does the child's work (and without it, nothing).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use oxigram::proto::crypto::message::AuthKey;
use oxigram::storage::{
    Change, DcSession, PeerKind, PeerRecord, SqliteStorage, Storage, StorageError, UpdateState,
};

const CHILD_VAR: &str = "OXIGRAM_SESSION_CHILD";
/// Rounds of writes the writing child makes: four changes each.
const ROUNDS: i64 = 1_000;
const READY: &str = "session-open";

fn key(round: i64) -> AuthKey {
    let mut bytes = [0x5a; 256];
    bytes[..8].copy_from_slice(&round.to_be_bytes());
    AuthKey::new(bytes)
}

fn peer(round: i64) -> PeerRecord {
    PeerRecord {
        id: round,
        access_hash: round * 7 + 1,
        kind: PeerKind::User,
        usernames: vec![format!("user{round}")],
        phone: None,
        updated_at: round,
    }
}

fn state(round: i64) -> UpdateState {
    let n = round as i32;
    UpdateState {
        pts: n,
        qts: n,
        date: n,
        seq: n,
    }
}

/// The child's side; does nothing unless run as a child.
#[test]
fn child_process() {
    let Ok(task) = std::env::var(CHILD_VAR) else {
        return;
    };
    let (mode, path) = task.split_once(':').expect("mode:path");
    let storage = SqliteStorage::open(path).expect("the child opens the session");
    println!("{READY}");
    std::io::stdout().flush().unwrap();
    match mode {
        "write" => {
            for round in 1..=ROUNDS {
                let dc = DcSession {
                    address: Some("149.154.167.51:443".parse().unwrap()),
                    auth_key: Some(key(round)),
                    authorized: true,
                };
                storage.save(Change::Dc(2, dc)).unwrap();
                storage.save(Change::User(Some((round, false)))).unwrap();
                storage.save(Change::Peers(vec![peer(round)])).unwrap();
                storage.save(Change::Updates(state(round))).unwrap();
                // Some waits for the disk, so kills land both inside and between commits.
                if round % 50 == 0 {
                    storage.flush().unwrap();
                }
            }
            storage.flush().unwrap();
            println!("done");
        }
        "hold" => {
            // Keep the session until the parent closes our stdin.
            let mut sink = Vec::new();
            std::io::stdin().read_to_end(&mut sink).unwrap();
        }
        other => panic!("unknown child mode {other}"),
    }
}

fn spawn_child(mode: &str, path: &Path) -> (Child, BufReader<ChildStdout>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "child_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_VAR, format!("{mode}:{}", path.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    match wait_ready(&mut child) {
        Ok(out) => (child, out),
        Err(e) => {
            let status = child.wait();
            panic!("{e} (the child: {status:?})");
        }
    }
}

/// Reads the child's output up to its word that the session is open.
fn wait_ready(child: &mut Child) -> Result<BufReader<ChildStdout>, String> {
    let mut out = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let mut line = String::new();
    loop {
        line.clear();
        let read = out.read_line(&mut line).map_err(|e| e.to_string())?;
        if read == 0 {
            return Err("the child ended before opening the session".into());
        }
        // The harness may print the test's name on the same line first.
        if line.trim_end().ends_with(READY) {
            return Ok(out);
        }
    }
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("oxigram-crash-{}-{name}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            eprintln!("could not remove {}: {e}", self.0.display());
        }
    }
}

/// A small deterministic generator (xorshift64*), so a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// Checks the file holds exactly the changes of some prefix of the child's sequence;
/// returns the last whole round.
fn check_prefix(path: &Path) -> i64 {
    let storage = SqliteStorage::open(path).expect("the session opens after the kill");
    let session = storage.load().expect("and loads");
    let done = i64::from(session.updates.pts);
    assert!((0..=ROUNDS).contains(&done), "pts {done} was never written");
    assert_eq!(session.updates, state(done), "a torn update state");

    // Each round saves, in order: the key, the user, the peer, the update state. Past the
    // last whole round, a prefix of the next round's changes may be in.
    let next = done + 1;
    let stored_key = session.dcs.get(&2).and_then(|dc| dc.auth_key.clone());
    let key_in = stored_key == Some(key(next));
    if !key_in {
        let expected = (done > 0).then(|| key(done));
        assert_eq!(stored_key, expected, "the key of no round near pts {done}");
    }
    let user_in = session.user_id == Some(next);
    if !user_in {
        assert_eq!(
            session.user_id,
            (done > 0).then_some(done),
            "user at pts {done}"
        );
    }
    let peers = storage.peers().unwrap();
    let peer_in = peers.len() as i64 == next;
    if !peer_in {
        assert_eq!(peers.len() as i64, done, "peer count at pts {done}");
    }
    assert!(
        key_in >= user_in && user_in >= peer_in,
        "not a prefix after round {done}: key {key_in}, user {user_in}, peer {peer_in}"
    );
    for (i, stored) in peers.iter().enumerate() {
        assert_eq!(stored, &peer(i as i64 + 1));
    }
    if let Some(last) = peers.last() {
        let found = storage.peer_by_username(&last.usernames[0]).unwrap();
        assert_eq!(found.as_ref(), Some(last));
    }
    done
}

#[test]
fn a_killed_writer_leaves_a_consistent_prefix() {
    let dir = TempDir::new("kill");
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let mut seen = Vec::new();
    for run in 0..20 {
        let path = dir.0.join(format!("run{run}.session"));
        let (mut child, _out) = spawn_child("write", &path);
        std::thread::sleep(Duration::from_micros(rng.below(70_000)));
        // `Child::kill` is SIGKILL on Unix: no destructor, no flush runs.
        child.kill().unwrap();
        child.wait().unwrap();
        seen.push(check_prefix(&path));
    }
    eprintln!("rounds durable at each kill: {seen:?}");

    // Left alone, the child writes everything.
    let path = dir.0.join("whole.session");
    let (mut child, mut out) = spawn_child("write", &path);
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(rest.contains("done"));
    assert_eq!(check_prefix(&path), ROUNDS);
}

#[test]
fn a_second_process_gets_session_in_use() {
    let dir = TempDir::new("lock");
    let path = dir.0.join("shared.session");
    let (mut child, _out) = spawn_child("hold", &path);

    let started = Instant::now();
    match SqliteStorage::open(&path) {
        Err(StorageError::SessionInUse(named)) => assert_eq!(named, path.display().to_string()),
        other => panic!("expected SessionInUse, got {other:?}"),
    }
    // It fails at once rather than waiting for the holder; the bound is generous.
    assert!(started.elapsed() < Duration::from_secs(10));

    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    SqliteStorage::open(&path).expect("free once the holder has closed it");
}
