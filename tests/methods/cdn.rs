//! Downloads through the test DC's CDN DC: parts fetched from it with its own key,
//! decrypted and checked against their hashes, whole, to a path and as a range; a wrong
//! hash is a typed error and leaves no file; a reupload asked for is done.

use oxigram::files::{FileError, FileSource};
use oxigram::{Error, Message};
use oxigram_conformance::Env;
use oxigram_testdc::TestDcConfig;
use oxigram_testdc::api::{CdnRules, HASH_PART};

use super::{bot_and_user, run};

/// Three parts of 1 MiB and a few bytes: four parts to download.
const SIZE: usize = (3 << 20) + 77;

fn content() -> Vec<u8> {
    (0..SIZE as u32)
        .map(|i| i.wrapping_mul(2_246_822_519).to_le_bytes()[2] ^ 0x5a)
        .collect()
}

fn cdn_env() -> Env {
    Env::with(TestDcConfig {
        cdn: true,
        ..TestDcConfig::default()
    })
}

/// The user sends the file to the bot; the message it sent is returned.
async fn sent_file(user: &oxigram::Client, data: &[u8]) -> Message {
    user.send_document(
        "@conformance_bot",
        FileSource::bytes("cdn.bin", data.to_vec()),
    )
    .await
    .unwrap()
}

fn names(dir: &std::path::Path) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect()
}

#[test]
fn a_file_on_the_cdn_downloads_identical_to_memory_a_path_and_as_a_range() {
    let env = cdn_env();
    run(async {
        let (_bot, user) = bot_and_user(&env).await;
        let data = content();
        let sent = sent_file(&user, &data).await;
        env.dc.set_cdn_rules(CdnRules {
            min_size: Some(1 << 20),
            ..CdnRules::default()
        });

        let whole = user.download_media(&sent).await.unwrap();
        assert!(whole == data, "the download differs");
        assert_eq!(env.dc.cdn_parts_served(), 4, "every part from the CDN");

        let dir = tempfile::tempdir().unwrap();
        let path = sent.download().to_path(dir.path()).await.unwrap();
        assert_eq!(path, dir.path().join("cdn.bin"));
        assert!(std::fs::read(&path).unwrap() == data);
        assert_eq!(names(dir.path()), ["cdn.bin"]);

        let mut chunks = sent
            .download()
            .range(1_500_000..2_600_000)
            .parallel(2)
            .stream()
            .unwrap();
        let mut range = Vec::new();
        while let Some(chunk) = futures_util::TryStreamExt::try_next(&mut chunks)
            .await
            .unwrap()
        {
            range.extend_from_slice(&chunk);
        }
        assert!(range[..] == data[1_500_000..2_600_000], "the range differs");
        assert_eq!(env.dc.cdn_parts_served(), 4 + 4 + 2);
    });
}

#[test]
fn a_wrong_hash_is_a_typed_error_and_leaves_no_file() {
    let env = cdn_env();
    run(async {
        let (_bot, user) = bot_and_user(&env).await;
        let data = content();
        let sent = sent_file(&user, &data).await;
        // The second range of the third part.
        let bad = 2 * (1 << 20) / HASH_PART + 1;
        env.dc.set_cdn_rules(CdnRules {
            min_size: Some(1),
            bad_hash_part: Some(bad),
            ..CdnRules::default()
        });

        let failed = user.download_media(&sent).await;
        match failed {
            Err(Error::File(FileError::CdnHash { offset })) => assert_eq!(offset, bad * HASH_PART),
            other => panic!("not a hash error: {:?}", other.map(|b| b.len())),
        }

        let dir = tempfile::tempdir().unwrap();
        let failed = sent.download().to_path(dir.path().join("x.bin")).await;
        assert!(
            matches!(failed, Err(Error::File(FileError::CdnHash { .. }))),
            "{failed:?}"
        );
        assert!(names(dir.path()).is_empty(), "a file was left behind");

        // The parts before it are good: a range that stops short of it downloads.
        let head = sent.download().range(..2 << 20).await.unwrap();
        assert!(head[..] == data[..2 << 20]);
    });
}

#[test]
fn a_reupload_asked_for_by_the_cdn_is_done_and_the_download_goes_on() {
    let env = cdn_env();
    run(async {
        let (_bot, user) = bot_and_user(&env).await;
        let data = content();
        let sent = sent_file(&user, &data).await;
        env.dc.set_cdn_rules(CdnRules {
            min_size: Some(1),
            reupload_once: true,
            ..CdnRules::default()
        });
        let whole = user.download_media(&sent).parallel(1).await.unwrap();
        assert!(whole == data, "the download differs");
        assert_eq!(env.dc.cdn_parts_served(), 4);
    });
}
