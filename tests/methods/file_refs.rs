//! Stale file references end to end: the test DC makes every reference handed out so far
//! stale, and downloads and sends refresh them from where the file came from (its message,
//! the user's profile photos, the group read whole, the sticker set) once, without the caller noticing; a file id string has no
//! origin, and its stale reference is the caller's typed error.

use futures_util::TryStreamExt;
use oxigram::errors::FILE_REFERENCE_EXPIRED;
use oxigram::files::{FileLocation, FileOrigin, FileSource};
use oxigram::proto::session::RpcError as WireError;
use oxigram::tl::{enums, functions, types};
use oxigram_conformance::Env;

use super::{Inbox, Message, bot_and_user, next_message, run};

const TO: &str = "@conformance_bot";

/// Deterministic content that differs from part to part.
fn content(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1] ^ seed)
        .collect()
}

/// The message a user sent, with its file.
async fn sent_document(user: &oxigram::Client, bytes: &[u8]) -> Message {
    user.send_document(TO, FileSource::bytes("data.bin", bytes.to_vec()))
        .await
        .unwrap()
}

#[test]
fn a_messages_document_downloads_after_its_reference_expires_with_one_refresh() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        // Four parts and a bit: several in flight fail at once and share the refresh.
        let bytes = content(4 * 1024 * 1024 + 1, 3);
        let sent = sent_document(&user, &bytes).await;
        env.dc.expire_file_references();
        let refreshes = env.dc.calls("messages.getMessages");
        let got = user.download_media(&sent).parallel(4).await.unwrap();
        assert!(got == bytes, "the download is byte-identical");
        assert_eq!(env.dc.calls("messages.getMessages") - refreshes, 1);

        // The same file without its origin: the stale reference is the caller's error,
        // and nothing is fetched again.
        let bare = FileLocation::of_media(sent.raw_media().unwrap()).unwrap();
        assert_eq!(bare.origin, None);
        let refreshes = env.dc.calls("messages.getMessages");
        let refused = user.download_media(&bare).await.unwrap_err();
        assert!(refused.is(FILE_REFERENCE_EXPIRED), "{refused}");
        assert_eq!(env.dc.calls("messages.getMessages"), refreshes);

        // Kept with its origin, it streams too, refreshed again after another expiry.
        let kept = FileLocation::of_message(&sent).unwrap();
        env.dc.expire_file_references();
        let refreshes = env.dc.calls("messages.getMessages");
        let chunks: Vec<_> = user
            .download_media(&kept)
            .parallel(2)
            .stream()
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert!(chunks.concat() == bytes, "the stream is byte-identical");
        assert_eq!(env.dc.calls("messages.getMessages") - refreshes, 1);
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_reference_still_stale_after_its_refresh_is_the_error_without_a_second_refresh() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let bytes = content(3 * 1024 * 1024, 4);
        let sent = sent_document(&user, &bytes).await;
        // Every part answered as stale, however fresh: one refresh, then the error.
        env.dc.inject_error(
            "upload.getFile",
            WireError::new(400, "FILE_REFERENCE_EXPIRED"),
            100,
        );
        let refreshes = env.dc.calls("messages.getMessages");
        let refused = user.download_media(&sent).parallel(3).await.unwrap_err();
        assert!(refused.is(FILE_REFERENCE_EXPIRED), "{refused}");
        assert_eq!(env.dc.calls("messages.getMessages") - refreshes, 1);
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_profile_photo_downloads_after_its_reference_expires_with_one_refresh() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let bytes = content(90_000, 5);
        user.set_profile_photo(FileSource::bytes("me.jpg", bytes.clone()))
            .await
            .unwrap();
        let photos: Vec<_> = user
            .get_chat_photos("me")
            .limit(1)
            .try_collect()
            .await
            .unwrap();
        let me = user.resolve_peer("me").await.unwrap();
        let file = FileLocation::of_photo(&photos[0])
            .unwrap()
            .with_origin(FileOrigin::ProfilePhoto { user: me });
        env.dc.expire_file_references();
        let refreshes = env.dc.calls("photos.getUserPhotos");
        let got = user.download_media(&file).await.unwrap();
        assert!(got == bytes, "the download is byte-identical");
        assert_eq!(env.dc.calls("photos.getUserPhotos") - refreshes, 1);
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_groups_photo_downloads_after_its_reference_expires_with_one_refresh() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let basic = user.create_group("Team", [TO]).await.unwrap();
        let lounge = user.create_supergroup("Lounge").await.unwrap();
        // A basic group is read again with messages.getFullChat, a supergroup with
        // channels.getFullChannel.
        for (chat, refresh, seed) in [
            (&basic, "messages.getFullChat", 8),
            (&lounge, "channels.getFullChannel", 9),
        ] {
            let bytes = content(70_000, seed);
            user.set_chat_photo(chat, Some(FileSource::bytes("logo.jpg", bytes.clone())))
                .await
                .unwrap();
            let info = user.get_chat(chat).await.unwrap();
            let photo = info.photo().expect("the group's photo").clone();
            assert!(
                matches!(&photo.origin, Some(FileOrigin::ChatPhoto { peer })
                    if Some(peer) == chat.input_peer().as_ref()),
                "{:?}",
                photo.origin
            );
            env.dc.expire_file_references();
            let refreshes = env.dc.calls(refresh);
            let got = user.download_media(&photo).await.unwrap();
            assert!(got == bytes, "the download is byte-identical");
            assert_eq!(env.dc.calls(refresh) - refreshes, 1, "{refresh}");

            // Without its origin, the stale reference is the caller's error.
            let mut bare = photo.clone();
            bare.origin = None;
            let refused = user.download_media(&bare).await.unwrap_err();
            assert!(refused.is(FILE_REFERENCE_EXPIRED), "{refused}");
        }
        // A group without a photo has none to download.
        let plain = user.create_supergroup("Plain").await.unwrap();
        assert!(user.get_chat(&plain).await.unwrap().photo().is_none());
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_sticker_downloads_after_its_reference_expires_with_one_refresh_from_its_set() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let stickers = [content(20_000, 10).into(), content(30_000, 11).into()];
        let (id, access_hash) = env
            .dc
            .create_sticker_set(env.user, "cats", "Cats", &stickers)
            .unwrap();
        let set = enums::InputStickerSet::ID(types::InputStickerSetID { id, access_hash });
        // Looked up by its name, as a client would; refreshed by the id it was told.
        let by_name = enums::InputStickerSet::ShortName(types::InputStickerSetShortName {
            short_name: "cats".into(),
        });
        let answer = user
            .invoke(functions::messages::GetStickerSet {
                stickerset: by_name,
                hash: 0,
            })
            .await
            .unwrap();
        let enums::messages::StickerSet::StickerSet(answer) = answer else {
            panic!("the set: {answer:?}");
        };
        assert_eq!(answer.documents.len(), 2);
        // The second sticker: the refresh must find it by id, not take the first.
        let file = FileLocation::of_document(&answer.documents[1])
            .unwrap()
            .with_origin(FileOrigin::StickerSet { set });
        env.dc.expire_file_references();
        let refreshes = env.dc.calls("messages.getStickerSet");
        let got = user.download_media(&file).await.unwrap();
        assert!(got == stickers[1], "the download is byte-identical");
        assert_eq!(env.dc.calls("messages.getStickerSet") - refreshes, 1);

        // An origin that cannot be read again: the refresh's own error is the caller's.
        let mut elsewhere = file.clone();
        elsewhere.origin = Some(FileOrigin::StickerSet {
            set: enums::InputStickerSet::ID(types::InputStickerSetID {
                id,
                access_hash: access_hash ^ 1,
            }),
        });
        let refused = user.download_media(&elsewhere).await.unwrap_err();
        assert!(refused.is("STICKERSET_INVALID"), "{refused}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn send_cached_media_of_a_stale_photo_refreshes_it_from_its_message() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        let bytes = content(60_000, 6);
        let sent = user
            .send_photo(TO, FileSource::bytes("cat.jpg", bytes.clone()))
            .await
            .unwrap();
        let photo = sent.photo().expect("a photo");
        assert_eq!(
            next_message(&mut bot_in).await.photo().map(|p| p.id()),
            Some(photo.id())
        );
        env.dc.expire_file_references();

        // The photo alone has no origin: its stale reference is refused.
        let refused = user.send_cached_media(TO, &photo).await.unwrap_err();
        assert!(refused.is(FILE_REFERENCE_EXPIRED), "{refused}");

        // Its message is fetched again once, and the photo sent with the fresh reference.
        let refreshes = env.dc.calls("messages.getMessages");
        let again = user
            .send_cached_media(TO, &sent)
            .caption("again")
            .await
            .unwrap();
        assert_eq!(env.dc.calls("messages.getMessages") - refreshes, 1);
        assert_eq!(again.photo().map(|p| p.id()), Some(photo.id()));
        let received = next_message(&mut bot_in).await;
        assert_eq!(received.photo().map(|p| p.id()), Some(photo.id()));
        assert!(bot.download_media(&received).await.unwrap() == bytes);
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_file_id_string_with_a_stale_reference_gives_file_reference_expired() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let sent = sent_document(&user, &content(10_000, 7)).await;
        let file_id = sent.document().expect("a document").file_id();
        assert!(user.download_media(file_id.as_str()).await.is_ok());
        env.dc.expire_file_references();
        let refreshes = env.dc.calls("messages.getMessages");
        let refused = user.download_media(file_id.as_str()).await.unwrap_err();
        assert!(
            matches!(&refused, oxigram::Error::Rpc(e) if e.is(FILE_REFERENCE_EXPIRED)),
            "{refused}"
        );
        let refused = user
            .send_cached_media(TO, file_id.as_str())
            .await
            .unwrap_err();
        assert!(refused.is(FILE_REFERENCE_EXPIRED), "{refused}");
        assert_eq!(env.dc.calls("messages.getMessages"), refreshes);
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
