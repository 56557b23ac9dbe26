//! Bot API file ids outside the library: `oxigram file-id` run as a user runs it, and
//! the ids checked against Pyrogram's implementation (tests/interop/file_ids_check.py)
//! both ways: Pyrogram reads what oxigram wrote, oxigram reads what Pyrogram wrote.
#![cfg(feature = "cli")]

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use oxigram::files::{
    FileId, FileIdLocation, FileType, FileUniqueId, PhotoSizeSource, SUB_VERSION, Volume,
};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_oxigram");

/// A sticker id a bot received, with its unique id.
const STICKER: &str = "CAACAgQAAxkBAAIFDF6YtEvR0cUHdlqq6W9IN3pDroKzAAKIAAOI_8AV6TJIsFy4Oc8YBA";
const STICKER_UNIQUE: &str = "AgADiAADiP_AFQ";

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn run(args: &[&str]) -> Output {
    run_with_stdin(args, b"")
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn fails(output: Output) -> String {
    assert!(
        !output.status.success(),
        "succeeded with: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8(output.stderr).unwrap()
}

/// The fields `file-id decode --json` prints for `id`.
fn fields(id: &str, unique: bool) -> Value {
    let mut args = vec!["file-id", "decode", id, "--json"];
    if unique {
        args.push("--unique");
    }
    serde_json::from_str(&ok(run(&args))).unwrap()
}

#[test]
fn decode_prints_the_fields_and_the_unique_id() {
    let out = ok(run(&["file-id", "decode", STICKER]));
    for line in [
        "file_type: sticker",
        "dc_id: 4",
        "major: 4",
        "minor: 24",
        "media_id: 1567533629905567880",
        &format!("file_unique_id: {STICKER_UNIQUE}"),
    ] {
        assert!(out.lines().any(|l| l == line), "{line} in:\n{out}");
    }
    let json = fields(STICKER, false);
    assert_eq!(json["file_type"], "sticker");
    assert_eq!(json["access_hash"], -3514575325951937815i64);
    // From standard input too, and a unique id by itself.
    let piped = ok(run_with_stdin(
        &["file-id", "decode", "-", "--json"],
        format!("{STICKER}\n").as_bytes(),
    ));
    assert_eq!(serde_json::from_str::<Value>(&piped).unwrap(), json);
    let unique = fields(STICKER_UNIQUE, true);
    assert_eq!(
        (&unique["unique_type"], &unique["media_id"]),
        (&json!("document"), &json["media_id"])
    );
}

#[test]
fn encode_writes_back_what_decode_printed_and_from_flags() {
    for id in [
        STICKER,
        "AgACAgIAAxkBAAIENGfeY4AfRquwTL2LpDrzqvFMVNt_AAIG9DEbXX3wSq3oI7t_PqQGAQADAgADbQADNgQ",
        "CAADAgADOwADPPEcAXkko5EB3YGYAg",
    ] {
        let json = fields(id, false).to_string();
        assert_eq!(
            ok(run_with_stdin(&["file-id", "encode"], json.as_bytes())),
            format!("{id}\n")
        );
        assert_eq!(ok(run(&["file-id", "encode", &json])), format!("{id}\n"));
    }
    let unique = fields(STICKER_UNIQUE, true).to_string();
    assert_eq!(
        ok(run(&["file-id", "encode", &unique])),
        format!("{STICKER_UNIQUE}\n")
    );

    let out = ok(run(&[
        "file-id",
        "encode",
        "--type",
        "video",
        "--dc",
        "2",
        "--id",
        "5000000001",
        "--access-hash",
        "-77",
        "--file-reference",
        "0a0b0c",
    ]));
    let expected = FileId::document(FileType::Video, 2, 5_000_000_001, -77, vec![10, 11, 12]);
    assert_eq!(FileId::decode(out.trim()), Ok(expected));
    let out = ok(run(&[
        "file-id",
        "encode",
        "--type",
        "photo",
        "--id",
        "9",
        "--thumbnail-size",
        "y",
    ]));
    assert_eq!(
        FileId::decode(out.trim()),
        Ok(FileId::photo(2, 9, 0, Vec::new(), 'y'))
    );
}

#[test]
fn malformed_ids_and_fields_fail_with_a_message() {
    let err = fails(run(&["file-id", "decode", "not*base64"]));
    assert!(err.contains("not URL-safe base64"), "{err}");
    let err = fails(run(&[
        "file-id",
        "decode",
        "CAADAgADOwADPPEcAXkko5EB3YGYBQ",
    ]));
    assert!(err.contains("unknown file id version 5"), "{err}");
    let err = fails(run(&["file-id", "decode", "--unique", "CQAD"]));
    assert!(err.contains("unknown unique file id type 9"), "{err}");
    let err = fails(run(&[
        "file-id",
        "encode",
        r#"{"file_type": "video", "dc_id": 2}"#,
    ]));
    assert!(err.contains("`access_hash` is missing"), "{err}");
    let err = fails(run(&["file-id", "encode", "[1]"]));
    assert!(err.contains("JSON object"), "{err}");
    let err = fails(run(&["file-id", "encode", "--type", "movie"]));
    assert!(err.contains("unknown file type"), "{err}");
}

// Against Pyrogram.

/// The interop venv's Python, if it is there with Pyrogram; in CI it must be.
fn pyrogram_python() -> Option<PathBuf> {
    let venv = std::env::var_os("OXIGRAM_INTEROP_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/interop-venv"));
    let python = venv.join("bin/python");
    let usable = Command::new(&python)
        .args(["-c", "import pyrogram.file_id"])
        .output()
        .is_ok_and(|o| o.status.success());
    if usable {
        return Some(python);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI must have the interop venv with Pyrogram at {} (tests/interop/sessions.sh makes it)",
        venv.display()
    );
    eprintln!(
        "skipped: no Python with Pyrogram at {} (tests/interop/sessions.sh makes it)",
        venv.display()
    );
    None
}

/// Every file type and every photo-size source Pyrogram knows, in the sub-versions it
/// writes (30) and reads (54: no volume).
fn cases() -> Vec<FileId> {
    let mut ids = Vec::new();
    let reference = vec![1, 0, 0, 0, 5, 0x5e, 0x98, 0xb4];
    // Types 0 to 17; 18 and later are not in Pyrogram.
    for file_type in &FileType::ALL[..18] {
        for reference in [reference.clone(), Vec::new()] {
            let mut id = FileId::document(*file_type, 4, -0x1234_5678_9abc, 77, reference);
            if file_type.is_photo() {
                id = FileId {
                    file_type: *file_type,
                    ..FileId::photo(4, 99, -1, id.file_reference, 'x')
                };
            }
            ids.push(id);
        }
    }
    let (volume_id, local_id) = (0x0102_0304_0506, 4321);
    let sources = [
        PhotoSizeSource::Legacy { secret: -8 },
        PhotoSizeSource::Thumbnail {
            file_type: FileType::Thumbnail,
            thumbnail_type: 'm',
        },
        PhotoSizeSource::ChatPhotoSmall {
            chat_id: -1_001_234_567_890,
            chat_access_hash: 55,
        },
        PhotoSizeSource::ChatPhotoBig {
            chat_id: 777_000,
            chat_access_hash: -56,
        },
        PhotoSizeSource::StickerSetThumbnail {
            sticker_set_id: 1 << 40,
            sticker_set_access_hash: 3,
        },
        PhotoSizeSource::FullLegacy {
            volume_id,
            secret: 11,
            local_id,
        },
        PhotoSizeSource::ChatPhotoSmallLegacy {
            chat_id: 5,
            chat_access_hash: 6,
            volume_id,
            local_id,
        },
        PhotoSizeSource::ChatPhotoBigLegacy {
            chat_id: -5,
            chat_access_hash: -6,
            volume_id,
            local_id,
        },
        PhotoSizeSource::StickerSetThumbnailLegacy {
            sticker_set_id: 8,
            sticker_set_access_hash: 9,
            volume_id,
            local_id,
        },
        PhotoSizeSource::StickerSetThumbnailVersion {
            sticker_set_id: 10,
            sticker_set_access_hash: 11,
            version: 3,
        },
    ];
    for source in sources {
        let file_type = match source {
            PhotoSizeSource::ChatPhotoSmall { .. }
            | PhotoSizeSource::ChatPhotoBig { .. }
            | PhotoSizeSource::ChatPhotoSmallLegacy { .. }
            | PhotoSizeSource::ChatPhotoBigLegacy { .. } => FileType::ChatPhoto,
            PhotoSizeSource::Legacy { .. } | PhotoSizeSource::FullLegacy { .. } => FileType::Photo,
            _ => FileType::Thumbnail,
        };
        for (sub_version, volume) in [
            (
                SUB_VERSION,
                Some(Volume {
                    volume_id,
                    local_id,
                }),
            ),
            (54, None),
        ] {
            ids.push(FileId {
                major: 4,
                sub_version,
                file_type,
                dc_id: 2,
                file_reference: reference.clone(),
                location: FileIdLocation::Photo {
                    id: 123_456_789,
                    access_hash: -987_654_321,
                    volume,
                    source,
                },
            });
        }
    }
    ids.push(FileId {
        location: FileIdLocation::Web {
            url: "https://example.com/a.jpg".into(),
            access_hash: 42,
        },
        ..FileId::document(FileType::Photo, 1, 0, 0, Vec::new())
    });
    // Ids bots received, and old ones.
    for text in [
        STICKER,
        "BAACAgQAAxkDAAMUaAUz0xMkTfAt6U5fpThEhdoNLWYAAqYHAAKpO_xTHX5XZpe5yrI2BA",
        "AgACAgIAAxkBAAIENGfeY4AfRquwTL2LpDrzqvFMVNt_AAIG9DEbXX3wSq3oI7t_PqQGAQADAgADbQADNgQ",
        "AAMCBAADGQEAAgUMXpi0S9HRxQd2Wqrpb0g3ekOugrMAAogAA4j_wBXpMkiwXLg5zwABbeAZAAQBAAdtAAM3NQACGAQ",
        "CAADAgADOwADPPEcAXkko5EB3YGYAg",
        "CAADBAADMQQAAjJQbQAB-nKAEeKNehgC",
    ] {
        ids.push(FileId::decode(text).unwrap());
    }
    ids
}

#[test]
fn pyrogram_reads_the_ids_oxigram_writes_and_the_other_way_round() {
    let Some(python) = pyrogram_python() else {
        return;
    };
    let ids = cases();
    let texts: Vec<String> = ids.iter().map(|id| id.encode().unwrap()).collect();
    let uniques: Vec<String> = [
        FileUniqueId::Document { id: -42 },
        FileUniqueId::Document { id: 1 << 50 },
        FileUniqueId::Photo {
            volume_id: 0x0102_0304_0506,
            local_id: 4321,
        },
        FileUniqueId::decode("AQAEbeAZAAQ3NQAC").unwrap(),
        FileUniqueId::decode(STICKER_UNIQUE).unwrap(),
    ]
    .iter()
    .map(FileUniqueId::encode)
    .collect();
    let request = json!({
        "file_ids": texts.iter().map(|t| json!({"id": t, "fields": fields(t, false)})).collect::<Vec<_>>(),
        "unique_ids": uniques.iter().map(|t| json!({"id": t, "fields": fields(t, true)})).collect::<Vec<_>>(),
    });
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/interop/file_ids_check.py"
    );
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let answer: Value = serde_json::from_str(&ok(child.wait_with_output().unwrap())).unwrap();

    let theirs = answer["file_ids"].as_array().unwrap();
    assert_eq!(theirs.len(), ids.len());
    let mut same_bytes = 0;
    for ((id, ours), theirs) in ids.iter().zip(&texts).zip(theirs) {
        let Some(theirs) = theirs.as_str() else {
            // Pyrogram writes neither web ids nor the old versions.
            assert!(
                matches!(id.location, FileIdLocation::Web { .. }) || id.major < 4,
                "{ours}"
            );
            continue;
        };
        // Oxigram reads every id Pyrogram wrote as the same id.
        assert_eq!(
            FileId::decode(theirs).as_ref(),
            Ok(id),
            "Pyrogram's {theirs}"
        );
        // And wrote the same bytes, but where Pyrogram adds its versions again after a
        // document without a file reference.
        let pyrogram_extra =
            matches!(id.location, FileIdLocation::Common { .. }) && id.file_reference.is_empty();
        if !pyrogram_extra {
            assert_eq!(theirs, ours, "{id:?}");
            same_bytes += 1;
        }
    }
    assert!(
        same_bytes > 40,
        "only {same_bytes} ids compared byte for byte"
    );
    let theirs = answer["unique_ids"].as_array().unwrap();
    for (ours, theirs) in uniques.iter().zip(theirs) {
        assert_eq!(theirs.as_str(), Some(ours.as_str()));
    }
}
