//! Media sends end to end: files uploaded in parts (small with MD5, big without), sent
//! as each kind with its attributes, as albums, and in place of a message's media; what
//! the other side receives is read back byte for byte.

use futures_util::io::Cursor;
use oxigram::files::FileSource;
use oxigram::tl::{enums, functions, types};
use oxigram::types::{InlineQueryResult, InputMedia};
use oxigram::{Client, Error, MediaKind, Message};
use oxigram_conformance::Env;

use super::{Inbox, bot_and_user, next_message, run};

/// Deterministic content that differs from part to part.
fn content(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3] ^ seed)
        .collect()
}

/// The document (or photo, as `(id, access_hash, reference, photo)`) a message holds.
fn file_of(message: &Message) -> (i64, i64, oxigram::Bytes, bool) {
    match message.raw_media() {
        Some(enums::MessageMedia::Document(d)) => match &d.document {
            Some(enums::Document::Document(doc)) => {
                (doc.id, doc.access_hash, doc.file_reference.clone(), false)
            }
            other => panic!("no document: {other:?}"),
        },
        Some(enums::MessageMedia::Photo(p)) => match &p.photo {
            Some(enums::Photo::Photo(photo)) => (
                photo.id,
                photo.access_hash,
                photo.file_reference.clone(),
                true,
            ),
            other => panic!("no photo: {other:?}"),
        },
        other => panic!("no file in the message: {other:?}"),
    }
}

fn attributes(message: &Message) -> Vec<enums::DocumentAttribute> {
    match message.raw_media() {
        Some(enums::MessageMedia::Document(d)) => match &d.document {
            Some(enums::Document::Document(doc)) => doc.attributes.clone(),
            _ => vec![],
        },
        _ => vec![],
    }
}

/// Downloads a message's file with raw `upload.getFile` calls (1 MiB at a time).
async fn download(client: &Client, message: &Message) -> Vec<u8> {
    let (id, access_hash, file_reference, photo) = file_of(message);
    let location = if photo {
        enums::InputFileLocation::InputPhotoFileLocation(types::InputPhotoFileLocation {
            id,
            access_hash,
            file_reference,
            thumb_size: "x".into(),
        })
    } else {
        enums::InputFileLocation::InputDocumentFileLocation(types::InputDocumentFileLocation {
            id,
            access_hash,
            file_reference,
            thumb_size: String::new(),
        })
    };
    let mut bytes = Vec::new();
    loop {
        let enums::upload::File::File(part) = client
            .invoke(functions::upload::GetFile {
                precise: false,
                cdn_supported: false,
                location: location.clone(),
                offset: bytes.len() as i64,
                limit: 1 << 20,
            })
            .await
            .unwrap()
        else {
            panic!("a CDN redirect from the test DC");
        };
        let len = part.bytes.len();
        bytes.extend_from_slice(&part.bytes);
        if len < 1 << 20 {
            return bytes;
        }
    }
}

#[test]
fn a_photo_and_a_big_document_arrive_byte_for_byte() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);

        let photo = content(300_000, 1);
        let sent = user
            .send_photo(
                "@conformance_bot",
                FileSource::bytes("cat.jpg", photo.clone()),
            )
            .caption("a cat")
            .await
            .unwrap();
        assert_eq!(sent.media(), Some(MediaKind::Photo));
        let got = next_message(&mut bot_in).await;
        assert_eq!(
            (got.media(), got.caption().as_deref()),
            (Some(MediaKind::Photo), Some("a cat"))
        );
        assert_eq!(download(&bot, &got).await, photo);

        // Above 10 MiB a file goes up as a big file, without MD5, from disk.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.bin");
        let big = content(10 * 1024 * 1024 + 1, 2);
        std::fs::write(&path, &big).unwrap();
        let reports = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = std::sync::Arc::clone(&reports);
        let sent = user
            .send_document("@conformance_bot", path.as_path())
            .parallel(3)
            .await
            .unwrap();
        assert_eq!(sent.media(), Some(MediaKind::Document));
        let got = next_message(&mut bot_in).await;
        assert!(attributes(&got).iter().any(|a| matches!(
            a,
            enums::DocumentAttribute::Filename(f) if f.file_name == "archive.bin"
        )));
        assert_eq!(download(&bot, &got).await, big);

        // The same through save_file, with progress reported part by part.
        let uploaded = user
            .save_file(FileSource::reader(
                "stream.bin",
                big.len() as u64,
                Cursor::new(big.clone()),
            ))
            .progress(move |done, total| seen.lock().unwrap().push((done, total)))
            .await
            .unwrap();
        assert_eq!(uploaded.size, big.len() as u64);
        assert!(matches!(uploaded.input_file, enums::InputFile::Big(ref f) if f.parts == 21));
        let reports = reports.lock().unwrap().clone();
        assert_eq!(reports.len(), 21);
        assert!(reports.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(reports.last(), Some(&(big.len() as u64, big.len() as u64)));
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn each_kind_arrives_with_its_attributes() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        let to = "@conformance_bot";
        let file = |name: &str| FileSource::bytes(name, content(2_000, 3));

        user.send_video(to, file("clip.mp4"))
            .duration(12.5)
            .size(1280, 720)
            .supports_streaming()
            .await
            .unwrap();
        let got = next_message(&mut bot_in).await;
        assert_eq!(got.media(), Some(MediaKind::Video));
        assert!(attributes(&got).iter().any(|a| matches!(
            a,
            enums::DocumentAttribute::Video(v)
                if v.duration == 12.5 && (v.w, v.h) == (1280, 720) && v.supports_streaming
        )));

        user.send_audio(to, file("song.mp3"))
            .title("Song")
            .performer("Band")
            .duration(200.0)
            .await
            .unwrap();
        let got = next_message(&mut bot_in).await;
        assert_eq!(got.media(), Some(MediaKind::Audio));
        assert!(attributes(&got).iter().any(|a| matches!(
            a,
            enums::DocumentAttribute::Audio(x) if !x.voice && x.duration == 200
                && x.title.as_deref() == Some("Song") && x.performer.as_deref() == Some("Band")
        )));

        let cases: [(&str, MediaKind); 4] = [
            ("voice", MediaKind::Voice),
            ("animation", MediaKind::Animation),
            ("sticker", MediaKind::Sticker),
            ("video_note", MediaKind::VideoNote),
        ];
        for (kind, expected) in cases {
            let sending = match kind {
                "voice" => user.send_voice(to, file("note.ogg")).duration(3.0),
                "animation" => user.send_animation(to, file("loop.mp4")).size(320, 240),
                "sticker" => user.send_sticker(to, file("s.webp")).emoji("👍"),
                _ => user.send_video_note(to, file("round.mp4")).size(240, 240),
            };
            let sent = sending.await.unwrap();
            assert_eq!(sent.media(), Some(expected), "{kind}: the sender's copy");
            let got = next_message(&mut bot_in).await;
            assert_eq!(got.media(), Some(expected), "{kind}");
        }
        // The sticker's emoji and the MIME types a name suggests.
        user.send_document(to, file("report.pdf")).await.unwrap();
        let got = next_message(&mut bot_in).await;
        let Some(enums::MessageMedia::Document(d)) = got.raw_media() else {
            panic!("a document");
        };
        let Some(enums::Document::Document(doc)) = &d.document else {
            panic!("a document");
        };
        assert_eq!(doc.mime_type, "application/pdf");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn an_album_arrives_grouped_and_media_is_replaced_by_an_edit() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        let album = user
            .send_media_group(
                "@conformance_bot",
                [
                    InputMedia::photo(FileSource::bytes("a.jpg", content(1_000, 4))).caption("one"),
                    InputMedia::photo(FileSource::bytes("b.jpg", content(1_000, 5))),
                    InputMedia::video(FileSource::bytes("c.mp4", content(1_000, 6))).duration(1.0),
                ],
            )
            .await
            .unwrap();
        assert_eq!(album.len(), 3);
        let kinds: Vec<_> = album.iter().map(Message::media).collect();
        assert_eq!(
            kinds,
            [
                Some(MediaKind::Photo),
                Some(MediaKind::Photo),
                Some(MediaKind::Video)
            ]
        );
        assert_eq!(album[0].caption().as_deref(), Some("one"));
        let group = |m: &Message| match m.raw() {
            enums::Message::Message(m) => m.grouped_id,
            _ => None,
        };
        assert!(group(&album[0]).is_some());
        assert!(album.iter().all(|m| group(m) == group(&album[0])));
        let mut received = Vec::new();
        for _ in 0..3 {
            received.push(next_message(&mut bot_in).await);
        }
        assert!(
            received
                .iter()
                .all(|m| group(m).is_some() && group(m) == group(&received[0]))
        );
        assert_eq!(download(&bot, &received[1]).await, content(1_000, 5));
        // The whole album from any of its messages, on either side.
        let group_of_middle = user
            .get_media_group("@conformance_bot", album[1].id())
            .await
            .unwrap();
        let ids: Vec<i32> = group_of_middle.iter().map(Message::id).collect();
        assert_eq!(ids, album.iter().map(Message::id).collect::<Vec<_>>());
        let seen = bot
            .get_media_group(env.user, received[2].id())
            .await
            .unwrap();
        assert_eq!(seen.len(), 3);

        // One photo alone is no album; a photo with a document neither.
        let one = user
            .send_media_group("@conformance_bot", [InputMedia::photo("a.jpg")])
            .await;
        assert!(matches!(one, Err(Error::Config(_))), "{one:?}");

        // The document of a message replaced by a photo, seen by the other side.
        let sent = user
            .send_document(
                "@conformance_bot",
                FileSource::bytes("old.txt", b"old".to_vec()),
            )
            .await
            .unwrap();
        next_message(&mut bot_in).await;
        let edited = user
            .edit_message_media(
                "@conformance_bot",
                sent.id(),
                InputMedia::photo(FileSource::bytes("new.jpg", content(5_000, 7))).caption("new"),
            )
            .await
            .unwrap();
        assert_eq!(
            (edited.media(), edited.caption().as_deref()),
            (Some(MediaKind::Photo), Some("new"))
        );
        assert_eq!(download(&user, &edited).await, content(5_000, 7));
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_bot_replies_with_a_photo_and_wrong_requests_fail_typed() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        user.send_message("@conformance_bot", "a picture, please")
            .await
            .unwrap();
        let asked = next_message(&mut bot_in).await;
        let reply = asked
            .reply_photo(FileSource::bytes("p.jpg", content(70_000, 8)))
            .caption("here")
            .await
            .unwrap();
        assert_eq!(reply.media(), Some(MediaKind::Photo));
        let got = next_message(&mut user_in).await;
        assert_eq!(
            (got.media(), got.caption().as_deref()),
            (Some(MediaKind::Photo), Some("here"))
        );
        let enums::Message::Message(raw) = got.raw() else {
            panic!("a message");
        };
        assert!(raw.reply_to.is_some(), "sent as a reply");
        assert_eq!(download(&user, &got).await, content(70_000, 8));

        // Captions are read with the client's parse mode (Markdown), or the request's.
        bot.send_photo(env.user, FileSource::bytes("f.jpg", vec![1; 100]))
            .caption("**bold** cat")
            .await
            .unwrap();
        let got = next_message(&mut user_in).await;
        let caption = got.caption().expect("a caption");
        assert_eq!(
            (caption.as_str(), caption.html()),
            ("bold cat", "<b>bold</b> cat".to_string())
        );
        bot.send_document(env.user, FileSource::bytes("f.txt", vec![1; 100]))
            .caption("<i>as</i> typed")
            .parse_mode(oxigram::ParseMode::Disabled)
            .await
            .unwrap();
        let got = next_message(&mut user_in).await;
        assert_eq!(got.caption().as_deref(), Some("<i>as</i> typed"));
        assert!(got.entities().is_empty());

        // A setter that does not fit the kind, an empty file, a URL the server cannot
        // reach (the test DC reaches none): each a typed error.
        let wrong = user
            .send_photo("@conformance_bot", FileSource::bytes("a.jpg", vec![1]))
            .duration(2.0)
            .await;
        assert!(matches!(wrong, Err(Error::Config(_))), "{wrong:?}");
        let empty = user
            .send_document("@conformance_bot", FileSource::bytes("a.txt", Vec::new()))
            .await;
        assert!(
            matches!(empty, Err(Error::File(oxigram::files::FileError::Empty))),
            "{empty:?}"
        );
        let url = user
            .send_photo("@conformance_bot", "https://example.com/cat.jpg")
            .await;
        match url {
            Err(Error::Rpc(e)) => assert!(e.is("WEBPAGE_CURL_FAILED"), "{e}"),
            other => panic!("expected the server's fetch error, got {other:?}"),
        }
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn files_come_back_whole_by_range_and_to_disk() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        let data = content(3 * 1024 * 1024 + 5, 9);
        user.send_document(
            "@conformance_bot",
            FileSource::bytes("data.bin", data.clone()),
        )
        .await
        .unwrap();
        let got = next_message(&mut bot_in).await;

        let reports = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = std::sync::Arc::clone(&reports);
        let whole = bot
            .download_media(&got)
            .parallel(3)
            .progress(move |done, total| seen.lock().unwrap().push((done, total)))
            .await
            .unwrap();
        assert_eq!(whole, data);
        let reports = reports.lock().unwrap().clone();
        assert_eq!(reports.len(), 4, "four 1 MiB parts");
        assert_eq!(
            reports.last(),
            Some(&(data.len() as u64, data.len() as u64))
        );

        // A range across a part boundary, and one inside the last part.
        let range = got.download().range(1_000_000..2_100_000).await.unwrap();
        assert_eq!(range, data[1_000_000..2_100_000]);
        let tail = got.download().range(3 * 1024 * 1024..).await.unwrap();
        assert_eq!(tail, data[3 * 1024 * 1024..]);
        let mut chunks = got.download().parallel(1).stream().unwrap();
        let mut lengths = Vec::new();
        while let Some(chunk) = futures_util::TryStreamExt::try_next(&mut chunks)
            .await
            .unwrap()
        {
            lengths.push(chunk.len());
        }
        assert_eq!(lengths, [1 << 20, 1 << 20, 1 << 20, 5]);

        // To a directory: the sender's name, and no temporary file left.
        let dir = tempfile::tempdir().unwrap();
        let path = got.download().to_path(dir.path()).await.unwrap();
        assert_eq!(path, dir.path().join("data.bin"));
        assert_eq!(std::fs::read(&path).unwrap(), data);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["data.bin"]);

        // A download that fails leaves no file, not even a partial one.
        let mut wrong = oxigram::files::FileLocation::of_media(got.raw_media().unwrap()).unwrap();
        if let enums::InputFileLocation::InputDocumentFileLocation(l) = &mut wrong.location {
            l.access_hash ^= 1;
        }
        let failed = bot
            .download_media(wrong)
            .to_path(dir.path().join("x.bin"))
            .await;
        assert!(
            failed.as_ref().is_err_and(|e| e.is("FILE_ID_INVALID")),
            "{failed:?}"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["data.bin"]);

        // A message without a file, and a range past the end: typed errors.
        user.send_message("@conformance_bot", "no file")
            .await
            .unwrap();
        let text = next_message(&mut bot_in).await;
        let none = bot.download_media(&text).await;
        assert!(matches!(none, Err(Error::Config(_))), "{none:?}");
        let past = got.download().range(data.len() as u64 + 1..).await;
        assert!(matches!(past, Err(Error::Config(_))), "{past:?}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_bot_answers_inline_with_files_it_sent_before_and_one_is_sent() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        assert!(env.dc.set_bot_inline(env.bot, Some("Search…")));
        // The bot meets the user, then sends them a photo and a document: its files on
        // the server.
        user.send_message("@conformance_bot", "hi").await.unwrap();
        next_message(&mut bot_in).await;
        let photo = bot
            .send_photo(env.user, FileSource::bytes("p.jpg", content(2_000, 10)))
            .await
            .unwrap();
        let document = bot
            .send_document(env.user, FileSource::bytes("d.pdf", content(3_000, 11)))
            .await
            .unwrap();
        next_message(&mut user_in).await;
        next_message(&mut user_in).await;

        let asker = user.clone();
        let asking = tokio::spawn(async move {
            asker
                .get_inline_bot_results("@conformance_bot", "files")
                .await
        });
        let query = super::until(&mut bot_in, |u| match u {
            oxigram::Update::InlineQuery(q) => Some(q),
            _ => None,
        })
        .await;
        query
            .answer([
                InlineQueryResult::cached_photo("p", &photo.photo().unwrap()).caption("a photo"),
                InlineQueryResult::cached_document("d", "The PDF", &document.document().unwrap()),
            ])
            .cache_time(0)
            .await
            .unwrap();
        let results = asking.await.unwrap().unwrap();
        let kinds: Vec<(&str, &str)> = results
            .results()
            .iter()
            .map(|r| (r.id(), r.kind()))
            .collect();
        assert_eq!(kinds, [("p", "photo"), ("d", "file")]);
        assert!(results.result("p").and_then(|r| r.photo()).is_some());
        assert_eq!(results.result("d").and_then(|r| r.title()), Some("The PDF"));
        assert!(results.result("d").and_then(|r| r.document()).is_some());

        let sent = user
            .send_inline_bot_result("@conformance_bot", results.query_id(), "p")
            .await
            .unwrap();
        assert_eq!(
            (sent.media(), sent.caption().as_deref()),
            (Some(MediaKind::Photo), Some("a photo"))
        );
        assert_eq!(download(&user, &sent).await, content(2_000, 10));
        let got = next_message(&mut bot_in).await;
        assert_eq!(got.media(), Some(MediaKind::Photo));

        // A forged file is refused when the bot answers.
        let asker = user.clone();
        let asking = tokio::spawn(async move {
            asker
                .get_inline_bot_results("@conformance_bot", "more")
                .await
        });
        let query = super::until(&mut bot_in, |u| match u {
            oxigram::Update::InlineQuery(q) => Some(q),
            _ => None,
        })
        .await;
        let mut forged = document.raw_media().unwrap().clone();
        if let enums::MessageMedia::Document(d) = &mut forged
            && let Some(enums::Document::Document(doc)) = &mut d.document
        {
            doc.access_hash ^= 1;
        }
        let forged = oxigram::types::Document::from_media(&forged).unwrap();
        let refused = query
            .answer([InlineQueryResult::cached_document("x", "x", &forged)])
            .await
            .unwrap_err();
        assert!(refused.is("MEDIA_INVALID"), "{refused}");
        asking.abort();
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
