//! Photos end to end: a profile photo set from a file and listed by another account, a
//! group's photo set and removed with the service messages members see.

use futures_util::TryStreamExt;
use oxigram::files::FileSource;
use oxigram::tl::{enums, functions, types};
use oxigram::{Error, Update};
use oxigram_conformance::Env;

use super::{Inbox, bot_and_user, next_message, next_update, run};

fn photo_id(photo: &enums::Photo) -> i64 {
    match photo {
        enums::Photo::Photo(p) => p.id,
        enums::Photo::Empty(p) => p.id,
    }
}

#[test]
fn profile_photos_are_set_and_listed_newest_first() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        // The bot meets the user (and their access hash) through a message.
        let mut bot_in = Inbox::new(&bot);
        user.send_message("@conformance_bot", "hi").await.unwrap();
        next_message(&mut bot_in).await;
        assert_eq!(
            bot.get_chat_photos(env.user)
                .try_collect::<Vec<_>>()
                .await
                .unwrap(),
            vec![]
        );
        for n in 0..3u8 {
            user.set_profile_photo(FileSource::bytes("me.jpg", vec![n; 4_000 + n as usize]))
                .await
                .unwrap();
        }
        // Three uploads, three photos; the newest is the user's current one.
        let photos: Vec<_> = bot.get_chat_photos(env.user).try_collect().await.unwrap();
        assert_eq!(photos.len(), 3);
        let sizes: Vec<i32> = photos
            .iter()
            .map(|p| match p {
                enums::Photo::Photo(p) => match &p.sizes[0] {
                    enums::PhotoSize::PhotoSize(s) => s.size,
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(sizes, [4_002, 4_001, 4_000]);
        let limited: Vec<_> = bot
            .get_chat_photos(env.user)
            .limit(2)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(limited, photos[..2]);
        let own: Vec<_> = user.get_chat_photos("me").try_collect().await.unwrap();
        assert_eq!(own.len(), 3);
        let enums::users::UserFull::UserFull(full) = bot
            .invoke(functions::users::GetFullUser {
                id: enums::InputUser::InputUser(types::InputUser {
                    user_id: env.user,
                    access_hash: match bot.resolve_peer(env.user).await.unwrap() {
                        enums::InputPeer::User(u) => u.access_hash,
                        other => panic!("{other:?}"),
                    },
                }),
            })
            .await
            .unwrap();
        let current = full.users.iter().find_map(|u| match u {
            enums::User::User(u) if u.id == env.user => u.photo.clone(),
            _ => None,
        });
        assert!(matches!(
            current,
            Some(enums::UserProfilePhoto::UserProfilePhoto(p)) if p.photo_id == photo_id(&photos[0])
        ));
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_group_photo_is_set_and_removed_and_members_see_it() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        let created = user
            .invoke(functions::messages::CreateChat {
                users: vec![enums::InputUser::InputUser(types::InputUser {
                    user_id: env.bot,
                    access_hash: match user.resolve_peer("@conformance_bot").await.unwrap() {
                        enums::InputPeer::User(u) => u.access_hash,
                        other => panic!("{other:?}"),
                    },
                })],
                title: "Photo club".into(),
                ttl_period: None,
            })
            .await
            .unwrap();
        let enums::messages::InvitedUsers::InvitedUsers(created) = created;
        let chat_id = match &created.updates {
            enums::Updates::Updates(u) => u
                .chats
                .iter()
                .find_map(|c| match c {
                    enums::Chat::Chat(c) => Some(c.id),
                    _ => None,
                })
                .unwrap(),
            other => panic!("{other:?}"),
        };
        let group = -chat_id;
        user.set_chat_photo(group, Some(FileSource::bytes("club.jpg", vec![9; 3_000])))
            .await
            .unwrap();
        // The bot hears of the group, then of the photo.
        let action = loop {
            match next_update(&mut bot_in).await {
                Update::Message(m) if m.is_service() => {
                    if let enums::Message::Service(s) = m.raw()
                        && matches!(
                            s.action,
                            enums::MessageAction::ChatEditPhoto(_)
                                | enums::MessageAction::ChatDeletePhoto
                        )
                    {
                        break s.action.clone();
                    }
                }
                _ => {}
            }
        };
        assert!(matches!(action, enums::MessageAction::ChatEditPhoto(_)));
        user.set_chat_photo(group, None).await.unwrap();
        // Removing it again changes nothing: the server says so.
        let again = user.set_chat_photo(group, None).await;
        assert!(
            again.as_ref().is_err_and(|e| e.is("CHAT_NOT_MODIFIED")),
            "{again:?}"
        );
        // A user has a profile photo, not a chat photo.
        let wrong = user.set_chat_photo(env.bot, None).await;
        assert!(matches!(wrong, Err(Error::Config(_))), "{wrong:?}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
