//! Bot API file ids end to end: the ids of files a bot received are sent again and
//! downloaded by their strings alone, and read back as the right file type.

use oxigram::files::{FileError, FileId, FileIdError, FileIdLocation, FileType, FileUniqueId};
use oxigram::{Error, MediaKind};
use oxigram_conformance::Env;

use super::{Inbox, bot_and_user, next_message, run};

/// Deterministic content that differs from part to part.
fn content(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_246_822_519).to_le_bytes()[2] ^ seed)
        .collect()
}

fn is_file_id_error(e: &Error) -> bool {
    matches!(e, Error::File(FileError::FileId(_)))
}

#[test]
fn file_ids_of_a_photo_and_a_document_send_and_download_the_same_bytes() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        let to = "@conformance_bot";

        let photo_bytes = content(70_000, 1);
        user.send_photo(
            to,
            oxigram::files::FileSource::bytes("cat.jpg", photo_bytes.clone()),
        )
        .await
        .unwrap();
        let got = next_message(&mut bot_in).await;
        let photo = got.photo().expect("a photo");
        let photo_id = photo.file_id().expect("the photo has a size");
        let decoded = FileId::decode(&photo_id).unwrap();
        assert_eq!(
            (decoded.file_type, decoded.dc_id),
            (FileType::Photo, photo.dc_id())
        );
        assert!(matches!(decoded.location, FileIdLocation::Photo { id, .. } if id == photo.id()));
        assert_eq!(
            FileUniqueId::decode(&photo.file_unique_id().unwrap()).unwrap(),
            decoded.unique_id().unwrap()
        );

        // A document of more than two parts, whose size the id does not carry.
        let document_bytes = content(2 * 1024 * 1024 + 300, 2);
        user.send_document(
            to,
            oxigram::files::FileSource::bytes("data.bin", document_bytes.clone()),
        )
        .await
        .unwrap();
        let got = next_message(&mut bot_in).await;
        let document = got.document().expect("a document");
        let document_id = document.file_id();
        assert!(document_id.starts_with("BQAC"), "{document_id}");
        assert_eq!(
            FileUniqueId::decode(&document.file_unique_id()),
            Ok(FileUniqueId::Document { id: document.id() })
        );

        // Downloads by the id string alone, whole, in parallel parts, and by range.
        assert_eq!(
            bot.download_media(photo_id.as_str()).await.unwrap(),
            photo_bytes
        );
        assert_eq!(
            bot.download_media(document_id.as_str())
                .parallel(3)
                .await
                .unwrap(),
            document_bytes
        );
        let parsed: FileId = document_id.parse().unwrap();
        let range = bot
            .download_media(&parsed)
            .range(1_048_000..1_049_000)
            .await
            .unwrap();
        assert_eq!(range, document_bytes[1_048_000..1_049_000]);

        // Sent again by id: the user receives the same files.
        let again = bot
            .send_cached_media(env.user, photo_id.as_str())
            .caption("your cat")
            .await
            .unwrap();
        assert_eq!(again.photo().map(|p| p.id()), Some(photo.id()));
        let seen = next_message(&mut user_in).await;
        let seen_photo = seen.photo().expect("the user gets the photo");
        assert_eq!(seen_photo.id(), photo.id());
        // The unique id is the same for whoever reads the file.
        assert_eq!(seen_photo.file_unique_id(), photo.file_unique_id());
        assert_eq!(user.download_media(&seen).await.unwrap(), photo_bytes);

        bot.send_cached_media(env.user, parsed).await.unwrap();
        let seen = next_message(&mut user_in).await;
        assert_eq!(seen.media(), Some(MediaKind::Document));
        assert_eq!(
            seen.document().map(|d| d.file_name().map(str::to_owned)),
            Some(Some("data.bin".into()))
        );
        assert_eq!(user.download_media(&seen).await.unwrap(), document_bytes);
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn each_kind_has_its_file_type_and_bad_ids_fail_typed() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        let to = "@conformance_bot";
        let file = |name: &str| oxigram::files::FileSource::bytes(name, content(3_000, 4));

        user.send_video(to, file("clip.mp4")).await.unwrap();
        let video = next_message(&mut bot_in).await.video().expect("a video");
        user.send_voice(to, file("note.ogg")).await.unwrap();
        let voice = next_message(&mut bot_in)
            .await
            .voice()
            .expect("a voice note");
        user.send_sticker(to, file("s.webp"))
            .emoji("👍")
            .await
            .unwrap();
        let sticker = next_message(&mut bot_in)
            .await
            .sticker()
            .expect("a sticker");
        let cases = [
            (video.file_id(), FileType::Video, video.id()),
            (voice.file_id(), FileType::Voice, voice.id()),
            (sticker.file_id(), FileType::Sticker, sticker.id()),
        ];
        for (text, file_type, id) in cases {
            let decoded = FileId::decode(&text).unwrap();
            assert_eq!(decoded.file_type, file_type, "{text}");
            assert!(matches!(decoded.location, FileIdLocation::Common { id: i, .. } if i == id));
            assert_eq!(
                bot.download_media(text.as_str()).await.unwrap(),
                content(3_000, 4)
            );
        }
        let resent = bot
            .send_cached_media(env.user, sticker.file_id())
            .await
            .unwrap();
        assert_eq!(resent.sticker().map(|s| s.id()), Some(sticker.id()));
        assert_eq!(
            next_message(&mut user_in).await.media(),
            Some(MediaKind::Sticker)
        );

        // Malformed ids are the file id's own errors, before anything is sent.
        let bad = bot
            .send_cached_media(env.user, "not a file id")
            .await
            .unwrap_err();
        assert!(is_file_id_error(&bad), "{bad}");
        let truncated = &video.file_id()[..20];
        let bad = bot.download_media(truncated).await.unwrap_err();
        assert!(is_file_id_error(&bad), "{bad}");
        assert!(matches!(
            FileId::decode("CAADAgADOwADPPEcAXkko5EB3YGYBQ"),
            Err(FileIdError::Version(5))
        ));
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
