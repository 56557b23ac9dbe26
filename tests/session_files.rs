//! Session files made here, for the other libraries to open.
//!
//! `write_files_for_the_other_libraries` (ignored: it needs the Python libraries to mean
//! anything) reads the files kurigram and Telethon wrote
//! (`tests/fixtures/sessions/*.session`), writes each back in its library's format into
//! the directory `OXIGRAM_SESSION_OUT` names, and the fixtures' generator then opens them
//! with those libraries and checks every field:
//!
//! ```text
//! OXIGRAM_SESSION_OUT=target/session-out cargo test -p oxigram --test session_files -- --ignored
//! python tests/fixtures/sessions/gen_session_files.py --check target/session-out
//! python tests/fixtures/sessions/gen_pyrogram2_file.py --check target/session-out   # Pyrogram 2.0
//! ```

use std::path::{Path, PathBuf};

use oxigram::storage::files::{self, SessionFileFormat};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sessions")
        .join(name)
}

#[test]
#[ignore = "the output is checked by the Python libraries (see the module docs)"]
fn write_files_for_the_other_libraries() {
    let out = PathBuf::from(
        std::env::var_os("OXIGRAM_SESSION_OUT").expect("OXIGRAM_SESSION_OUT names a directory"),
    );
    std::fs::create_dir_all(&out).unwrap();
    let conversions = [
        (
            "pyrogram-v7.session",
            SessionFileFormat::PYROGRAM,
            "pyrogram-v7.session",
        ),
        (
            "pyrogram-v3.session",
            SessionFileFormat::PYROGRAM_2_0,
            "pyrogram-v3.session",
        ),
        (
            "telethon-v8.session",
            SessionFileFormat::TELETHON,
            "telethon-v7.session",
        ),
    ];
    for (from, format, to) in conversions {
        let (session, peers, _) = files::read(fixture(from)).unwrap();
        let target = out.join(to);
        if target.exists() {
            std::fs::remove_file(&target).unwrap();
        }
        files::write(&target, format, &session, &peers).unwrap();
        // Through our own format on the way, so what the libraries check passed it too.
        let ours = out.join(format!("{to}.oxigram"));
        if ours.exists() {
            std::fs::remove_file(&ours).unwrap();
        }
        files::write(&ours, SessionFileFormat::Oxigram, &session, &peers).unwrap();
        let (again, again_peers, _) = files::read(&ours).unwrap();
        assert_eq!(again, session);
        assert_eq!(again_peers.len(), peers.len());
    }
}
