//! Users, contacts, blocks, bot commands, inline bots and the advanced methods, end to
//! end: each change is checked from the other account's side.

use oxigram::client::SignIn;
use oxigram::errors;
use oxigram::methods::contacts::PhoneContact;
use oxigram::storage::SessionFormat;
use oxigram::tl::{enums, functions, types};
use oxigram::types::{
    BotCommand, BotCommandScope, InlineButton, InlineKeyboard, InlineQueryResult,
};
use oxigram::{Client, Error};
use oxigram_conformance::Env;

use super::{Inbox, USER_PHONE, bot_and_user, builder, next_message, run};

const FRIEND_PHONE: &str = "9996621313";

/// A second user of the suite, signed in on a client of its own: its client and id.
async fn friend(env: &Env) -> (Client, i64) {
    let id = env.dc.create_user(FRIEND_PHONE, "Friend");
    let client = builder(env, "friend").build().await.unwrap();
    let sent = client.send_code(FRIEND_PHONE).await.unwrap();
    let SignIn::Done(_) = client.sign_in(&sent, "22222").await.unwrap() else {
        panic!("the friend has no password");
    };
    (client, id)
}

fn phone(number: &str) -> String {
    format!("+{number}")
}

#[test]
fn get_me_and_get_users_describe_the_accounts_named_any_way() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let me = user.get_me().await.unwrap();
        assert_eq!(me.id, env.user);
        let found = user
            .get_users(["me", "@conformance_bot", "t.me/conformance_bot"])
            .await
            .unwrap();
        let seen: Vec<(i64, bool, bool)> = found
            .iter()
            .map(|u| (u.id(), u.is_self(), u.is_bot()))
            .collect();
        assert_eq!(
            seen,
            [
                (env.user, true, false),
                (env.bot, false, true),
                (env.bot, false, true)
            ]
        );
        assert_eq!(found[0].first_name(), "Sender");
        assert_eq!(found[0].phone(), Some(USER_PHONE));
        assert_eq!(found[1].username(), Some("conformance_bot"));
        assert!(user.get_users(Vec::<&str>::new()).await.unwrap().is_empty());
        let unknown = user.get_users(["@nobody_here"]).await.unwrap_err();
        assert!(unknown.is("USERNAME_NOT_OCCUPIED"), "{unknown}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_profile_change_is_seen_by_another_account() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (friend, _) = friend(&env).await;
        let before = friend.get_users([phone(USER_PHONE)]).await.unwrap();
        assert_eq!(before[0].full_name(), "Sender");

        let me = user
            .update_profile()
            .first_name("Ada")
            .last_name("Lovelace")
            .bio("Counting engines")
            .await
            .unwrap();
        assert_eq!((me.id(), me.full_name()), (env.user, "Ada Lovelace".into()));

        let after = friend.get_users([env.user]).await.unwrap();
        assert_eq!(after[0].full_name(), "Ada Lovelace");
        let input = match friend.resolve_peer(env.user).await.unwrap() {
            enums::InputPeer::User(u) => enums::InputUser::InputUser(types::InputUser {
                user_id: u.user_id,
                access_hash: u.access_hash,
            }),
            other => panic!("{other:?}"),
        };
        let enums::users::UserFull::UserFull(full) = friend
            .invoke(functions::users::GetFullUser { id: input })
            .await
            .unwrap();
        let enums::UserFull::UserFull(full) = full.full_user;
        assert_eq!(full.about.as_deref(), Some("Counting engines"));

        // Only what is set changes; an empty last name removes it.
        let me = user.update_profile().last_name("").await.unwrap();
        assert_eq!(me.full_name(), "Ada");
        let refused = user.update_profile().first_name(" ").await.unwrap_err();
        assert!(refused.is(errors::FIRSTNAME_INVALID), "{refused}");
        let long = user.update_profile().bio("x".repeat(71)).await.unwrap_err();
        assert!(long.is(errors::ABOUT_TOO_LONG), "{long}");
        assert_eq!(
            friend.get_users([env.user]).await.unwrap()[0].full_name(),
            "Ada"
        );
        friend.stop().await.unwrap();
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_blocked_account_can_not_write_and_the_blocker_can_not_either_until_unblocked() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        user.send_message("@conformance_bot", "hi").await.unwrap();
        let hi = next_message(&mut bot_in).await;

        assert!(user.block_user("@conformance_bot").await.unwrap());
        assert!(!user.block_user("@conformance_bot").await.unwrap());
        let refused = hi.reply("still there?").await.unwrap_err();
        assert!(refused.is(errors::USER_IS_BLOCKED), "{refused}");
        let mine = user
            .send_message("@conformance_bot", "hello?")
            .await
            .unwrap_err();
        assert!(mine.is(errors::YOU_BLOCKED_USER), "{mine}");
        assert!(matches!(mine, Error::Rpc(_)));
        assert_eq!(env.dc.received(env.bot).len(), 1);

        let enums::contacts::Blocked::Slice(blocked) = user
            .invoke(functions::contacts::GetBlocked {
                my_stories_from: false,
                offset: 0,
                limit: 10,
            })
            .await
            .unwrap()
        else {
            panic!("the test DC answers with a slice");
        };
        assert_eq!(blocked.count, 1);
        assert!(matches!(
            &blocked.blocked[..],
            [enums::PeerBlocked::PeerBlocked(b)]
                if b.peer_id == enums::Peer::User(types::PeerUser { user_id: env.bot })
        ));

        assert!(user.unblock_user("@conformance_bot").await.unwrap());
        assert!(!user.unblock_user("@conformance_bot").await.unwrap());
        hi.reply("welcome back").await.unwrap();
        let seen = super::until(&mut user_in, |u| match u {
            oxigram::Update::Message(m) => Some(m),
            _ => None,
        })
        .await;
        assert_eq!(seen.text(), "welcome back");
        let refused = user.block_user("me").await.unwrap_err();
        assert!(refused.is("CONTACT_ID_INVALID"), "{refused}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn contacts_are_added_under_their_saved_names_shared_phones_show_and_are_deleted() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (friend, friend_id) = friend(&env).await;
        assert!(user.get_contacts().await.unwrap().is_empty());

        let added = user
            .add_contact(phone(FRIEND_PHONE), "Buddy")
            .last_name("Holly")
            .phone(FRIEND_PHONE)
            .share_phone()
            .await
            .unwrap();
        assert_eq!(
            (added.id(), added.full_name()),
            (friend_id, "Buddy Holly".into())
        );
        assert!(added.is_contact() && !added.is_mutual_contact());
        assert_eq!(added.phone(), Some(FRIEND_PHONE));

        // The friend now sees the user's phone, shared with them.
        let seen = friend.get_users([phone(USER_PHONE)]).await.unwrap();
        assert_eq!(seen[0].phone(), Some(USER_PHONE));
        assert!(!seen[0].is_contact());
        friend.add_contact(env.user, "Sender").await.unwrap();

        let contacts = user.get_contacts().await.unwrap();
        let listed: Vec<(i64, String, bool)> = contacts
            .iter()
            .map(|c| (c.id(), c.full_name(), c.is_mutual_contact()))
            .collect();
        assert_eq!(listed, [(friend_id, "Buddy Holly".into(), true)]);
        // A contact's phone resolves to them.
        let by_phone = user.resolve_peer(phone(FRIEND_PHONE)).await.unwrap();
        assert!(matches!(by_phone, enums::InputPeer::User(u) if u.user_id == friend_id));

        let removed = user.delete_contacts([friend_id]).await.unwrap();
        assert_eq!(removed.len(), 1);
        assert!(!removed[0].is_contact());
        assert_eq!(removed[0].full_name(), "Friend");
        assert!(user.get_contacts().await.unwrap().is_empty());
        let bot_contact = user
            .add_contact("@conformance_bot", "Bot")
            .await
            .unwrap_err();
        assert!(bot_contact.is("CONTACT_ID_INVALID"), "{bot_contact}");
        friend.stop().await.unwrap();
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

/// The commands `user` sees in the bot's profile (`userFull.bot_info`).
async fn profile_commands(user: &Client) -> Vec<String> {
    let bot = super::bot_as_input_user(user).await;
    let enums::users::UserFull::UserFull(full) = user
        .invoke(functions::users::GetFullUser { id: bot })
        .await
        .unwrap();
    let enums::UserFull::UserFull(full) = full.full_user;
    let Some(enums::BotInfo::BotInfo(info)) = full.bot_info else {
        panic!("a bot's profile has its bot info");
    };
    info.commands
        .unwrap_or_default()
        .iter()
        .map(|c| BotCommand::from(c).command().to_owned())
        .collect()
}

fn names(commands: &[BotCommand]) -> Vec<&str> {
    commands.iter().map(BotCommand::command).collect()
}

#[test]
fn bot_commands_are_kept_per_scope_and_language_and_users_see_the_narrowest() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        user.send_message("@conformance_bot", "/start")
            .await
            .unwrap();
        next_message(&mut bot_in).await;
        assert!(profile_commands(&user).await.is_empty());

        bot.set_bot_commands([
            BotCommand::new("start", "Say hello"),
            BotCommand::new("help", "Show help"),
        ])
        .await
        .unwrap();
        bot.set_bot_commands([BotCommand::new("private", "Only in private")])
            .scope(BotCommandScope::AllPrivateChats)
            .await
            .unwrap();
        bot.set_bot_commands([BotCommand::new("hilfe", "Hilfe zeigen")])
            .language_code("de")
            .await
            .unwrap();
        bot.set_bot_commands([BotCommand::new("vip", "For you alone")])
            .scope(BotCommandScope::Chat(env.user.into()))
            .await
            .unwrap();

        let default = bot.get_bot_commands().await.unwrap();
        assert_eq!(names(&default), ["start", "help"]);
        assert_eq!(default[1].description(), "Show help");
        let private = bot
            .get_bot_commands()
            .scope(BotCommandScope::AllPrivateChats)
            .await
            .unwrap();
        assert_eq!(names(&private), ["private"]);
        let german = bot.get_bot_commands().language_code("de").await.unwrap();
        assert_eq!(names(&german), ["hilfe"]);
        let groups = bot
            .get_bot_commands()
            .scope(BotCommandScope::AllGroupChats)
            .await
            .unwrap();
        assert!(groups.is_empty());

        // The user sees the list of their own chat, then all private chats', then the
        // default.
        assert_eq!(profile_commands(&user).await, ["vip"]);
        bot.delete_bot_commands()
            .scope(BotCommandScope::Chat(env.user.into()))
            .await
            .unwrap();
        assert_eq!(profile_commands(&user).await, ["private"]);
        bot.delete_bot_commands()
            .scope(BotCommandScope::AllPrivateChats)
            .await
            .unwrap();
        assert_eq!(profile_commands(&user).await, ["start", "help"]);
        bot.delete_bot_commands().language_code("de").await.unwrap();
        assert!(
            bot.get_bot_commands()
                .language_code("de")
                .await
                .unwrap()
                .is_empty()
        );

        // A member of one group.
        let group = env.dc.create_group(env.bot, "club", &[env.user]);
        let member = BotCommandScope::ChatMember((-group).into(), env.user.into());
        bot.set_bot_commands([BotCommand::new("club", "Club things")])
            .scope(member.clone())
            .await
            .unwrap();
        let club = bot.get_bot_commands().scope(member).await.unwrap();
        assert_eq!(names(&club), ["club"]);
        let admins = BotCommandScope::ChatAdministrators((-group).into());
        bot.set_bot_commands([BotCommand::new("ban", "Ban someone")])
            .scope(admins.clone())
            .await
            .unwrap();
        bot.set_bot_commands([BotCommand::new("settings", "Everywhere")])
            .scope(BotCommandScope::AllChatAdministrators)
            .await
            .unwrap();
        assert_eq!(
            names(&bot.get_bot_commands().scope(admins).await.unwrap()),
            ["ban"]
        );
        let everywhere = bot
            .get_bot_commands()
            .scope(BotCommandScope::AllChatAdministrators)
            .await
            .unwrap();
        assert_eq!(names(&everywhere), ["settings"]);
        // A group scope needs a group.
        let private = bot
            .set_bot_commands([BotCommand::new("x", "y")])
            .scope(BotCommandScope::ChatAdministrators(env.user.into()))
            .await
            .unwrap_err();
        assert!(private.is(errors::PEER_ID_INVALID), "{private}");

        let bad = bot
            .set_bot_commands([BotCommand::new("Bad Name", "spaces")])
            .await
            .unwrap_err();
        assert!(bad.is(errors::BOT_COMMAND_INVALID), "{bad}");
        let not_a_bot = user
            .set_bot_commands([BotCommand::new("start", "hi")])
            .await
            .unwrap_err();
        assert!(not_a_bot.is("USER_BOT_REQUIRED"), "{not_a_bot}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn invoke_goes_through_the_client_and_returns_the_test_dcs_config() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let enums::Config::Config(config) =
            user.invoke(functions::help::GetConfig {}).await.unwrap();
        assert!(config.test_mode);
        assert_eq!(config.this_dc, 2);
        let home = env.dc.address(2).unwrap();
        assert!(config.dc_options.iter().any(|o| matches!(
            o,
            enums::DcOption::DcOption(o)
                if o.id == 2 && o.port == i32::from(home.port()) && !o.media_only
        )));
        // A raw call's RPC error is typed like any other.
        let refused = user
            .invoke(functions::help::GetAppConfig { hash: 0 })
            .await
            .unwrap_err();
        assert!(refused.is("METHOD_NOT_IMPLEMENTED_IN_TEST_DC"), "{refused}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn resolve_peer_finds_usernames_links_me_and_contacts_phones() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (friend, friend_id) = friend(&env).await;
        let bot_peer = user.resolve_peer("@conformance_bot").await.unwrap();
        let enums::InputPeer::User(by_name) = &bot_peer else {
            panic!("{bot_peer:?}");
        };
        assert_eq!(by_name.user_id, env.bot);
        for link in [
            "https://t.me/conformance_bot",
            "t.me/Conformance_Bot/5",
            "tg://resolve?domain=conformance_bot",
        ] {
            assert_eq!(user.resolve_peer(link).await.unwrap(), bot_peer, "{link}");
        }
        assert_eq!(
            user.resolve_peer("me").await.unwrap(),
            enums::InputPeer::InputPeerSelf
        );
        // The id alone, once the cache knows it.
        assert_eq!(user.resolve_peer(env.bot).await.unwrap(), bot_peer);

        user.add_contact(phone(FRIEND_PHONE), "Buddy")
            .phone(FRIEND_PHONE)
            .await
            .unwrap();
        let by_phone = user.resolve_peer(phone(FRIEND_PHONE)).await.unwrap();
        assert!(matches!(by_phone, enums::InputPeer::User(u) if u.user_id == friend_id));

        let missing = user.resolve_peer("@nobody_here").await.unwrap_err();
        assert!(missing.is("USERNAME_NOT_OCCUPIED"), "{missing}");
        let nonsense = user.resolve_peer("t.me/joinchat/AAAA").await.unwrap_err();
        assert!(matches!(nonsense, Error::Peer(_)), "{nonsense}");
        let never_seen = user.resolve_peer(123_456_789).await.unwrap_err();
        assert!(matches!(never_seen, Error::Peer(_)), "{never_seen}");
        friend.stop().await.unwrap();
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn an_exported_session_string_signs_a_new_client_in_as_the_same_user() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        for (i, format) in [
            SessionFormat::Oxigram,
            SessionFormat::Pyrogram,
            SessionFormat::Telethon,
        ]
        .into_iter()
        .enumerate()
        {
            let string = user.export_session_string(format).unwrap();
            let restored = builder(&env, &format!("restored{i}"))
                .session_string(string)
                .build()
                .await
                .unwrap();
            assert_eq!(restored.get_me().await.unwrap().id, env.user, "{format}");
            let text = format!("from a {format} string");
            restored
                .send_message("@conformance_bot", text.as_str())
                .await
                .unwrap();
            let got = next_message(&mut bot_in).await;
            assert_eq!(got.text(), text);
            assert_eq!(got.from_user().map(|u| u.id()), Some(env.user));
            restored.stop().await.unwrap();
        }
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn an_inline_bots_results_are_fetched_and_one_is_sent_via_the_bot() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        let disabled = user
            .get_inline_bot_results("@conformance_bot", "cats")
            .await
            .unwrap_err();
        assert!(disabled.is("BOT_INLINE_DISABLED"), "{disabled}");
        assert!(env.dc.set_bot_inline(env.bot, Some("Search…")));

        let asker = user.clone();
        let asking = tokio::spawn(async move {
            asker
                .get_inline_bot_results("@conformance_bot", "cats")
                .chat("@conformance_bot")
                .offset("10")
                .await
        });
        let query = super::until(&mut bot_in, |u| match u {
            oxigram::Update::InlineQuery(q) => Some(q),
            _ => None,
        })
        .await;
        assert_eq!((query.query(), query.offset()), ("cats", "10"));
        query
            .answer([
                InlineQueryResult::article("a", "One cat", "a cat").description("just one"),
                InlineQueryResult::article("b", "Two cats", "two cats")
                    .url("https://example.com/cats"),
            ])
            .next_offset("20")
            .cache_time(0)
            .await
            .unwrap();
        let results = asking.await.unwrap().unwrap();
        assert_eq!(results.next_offset(), Some("20"));
        let listed: Vec<(&str, Option<&str>, Option<&str>)> = results
            .results()
            .iter()
            .map(|r| (r.id(), r.title(), r.text()))
            .collect();
        assert_eq!(
            listed,
            [
                ("a", Some("One cat"), Some("a cat")),
                ("b", Some("Two cats"), Some("two cats"))
            ]
        );
        assert_eq!(
            results.result("a").and_then(|r| r.description()),
            Some("just one")
        );
        assert_eq!(results.results()[1].url(), Some("https://example.com/cats"));
        assert_eq!(results.results()[0].kind(), "article");

        let sent = user
            .send_inline_bot_result("@conformance_bot", results.query_id(), "b")
            .await
            .unwrap();
        assert_eq!(sent.text(), "two cats");
        assert_eq!(sent.via_bot_id(), Some(env.bot));
        assert_eq!(sent.chat().id(), env.bot);
        let got = next_message(&mut bot_in).await;
        assert_eq!(
            (got.text().as_str(), got.via_bot_id()),
            ("two cats", Some(env.bot))
        );
        let chosen = super::until(&mut bot_in, |u| match u {
            oxigram::Update::ChosenInlineResult(c) => Some(c),
            _ => None,
        })
        .await;
        assert_eq!((chosen.result_id(), chosen.query()), ("b", "cats"));

        let unknown = user
            .send_inline_bot_result("@conformance_bot", results.query_id(), "zzz")
            .await
            .unwrap_err();
        assert!(unknown.is("RESULT_ID_INVALID"), "{unknown}");
        // Bound to the answer: the query id goes without saying.
        let saved = results.send("me", "a").silent().await.unwrap();
        assert_eq!(
            (saved.text().as_str(), saved.chat().id()),
            ("a cat", env.user)
        );
        let stale = user
            .send_inline_bot_result("me", results.query_id() ^ 1, "a")
            .reply_to(sent.id())
            .silent()
            .await
            .unwrap_err();
        assert!(stale.is(errors::QUERY_ID_INVALID), "{stale}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

/// Uploads `content` as one part and sends it to the bot as a document named `name`
/// (or a photo), the raw way: the files methods are another module's.
async fn upload_and_send(user: &Client, name: &str, content: &[u8], photo: bool) {
    let file_id = (i64::from(content.len() as u32) << 8) | i64::from(photo);
    assert!(
        user.invoke(functions::upload::SaveFilePart {
            file_id,
            file_part: 0,
            bytes: content.to_vec().into(),
        })
        .await
        .unwrap()
    );
    let file = enums::InputFile::InputFile(types::InputFile {
        id: file_id,
        parts: 1,
        name: name.into(),
        md5_checksum: String::new(),
    });
    let media = if photo {
        enums::InputMedia::UploadedPhoto(Box::new(types::InputMediaUploadedPhoto {
            spoiler: false,
            file,
            stickers: None,
            ttl_seconds: None,
            video: None,
        }))
    } else {
        enums::InputMedia::UploadedDocument(Box::new(types::InputMediaUploadedDocument {
            nosound_video: false,
            force_file: true,
            spoiler: false,
            file,
            thumb: None,
            mime_type: "application/pdf".into(),
            attributes: vec![enums::DocumentAttribute::Filename(
                types::DocumentAttributeFilename {
                    file_name: name.into(),
                },
            )],
            stickers: None,
            video_cover: None,
            video_timestamp: None,
            ttl_seconds: None,
        }))
    };
    let peer = user.resolve_peer("@conformance_bot").await.unwrap();
    user.invoke(functions::messages::SendMedia {
        silent: false,
        background: false,
        clear_draft: false,
        noforwards: false,
        update_stickersets_order: false,
        invert_media: false,
        allow_paid_floodskip: false,
        peer,
        reply_to: None,
        media,
        message: String::new(),
        random_id: file_id,
        reply_markup: None,
        entities: None,
        schedule_date: None,
        schedule_repeat_period: None,
        send_as: None,
        quick_reply_shortcut: None,
        effect: None,
        allow_paid_stars: None,
        suggested_post: None,
    })
    .await
    .unwrap();
}

#[test]
fn media_on_the_server_is_sent_again_by_id_from_a_message_or_its_typed_media() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        upload_and_send(&user, "report.pdf", b"%PDF-1.4 a report", false).await;
        let report = next_message(&mut bot_in).await;
        let file = report.document().expect("a plain document");
        assert_eq!(file.file_name(), Some("report.pdf"));
        assert_eq!((file.mime_type(), file.size()), ("application/pdf", 17));
        assert!(report.photo().is_none() && report.video().is_none() && report.audio().is_none());

        // The whole message's media, with a caption.
        let again = bot
            .send_cached_media(env.user, &report)
            .caption("your report")
            .await
            .unwrap();
        assert_eq!(again.document().map(|d| d.id()), Some(file.id()));
        assert_eq!(again.caption().as_deref(), Some("your report"));
        let seen = next_message(&mut user_in).await;
        let seen_file = seen.document().expect("the user gets the same file");
        assert_eq!(
            (seen_file.id(), seen_file.file_name()),
            (file.id(), Some("report.pdf"))
        );
        assert_eq!(seen.text(), "your report");

        // A photo read from a message.
        upload_and_send(&user, "cat.jpg", b"jpeg: a cat", true).await;
        let cat = next_message(&mut bot_in).await;
        let photo = cat.photo().expect("a photo");
        assert!(cat.document().is_none());
        let largest = photo.largest().expect("the photo has a size");
        assert_eq!(largest.size(), Some(11));
        let resent = bot
            .send_cached_media(env.user, photo.clone())
            .await
            .unwrap();
        assert_eq!(resent.photo().map(|p| p.id()), Some(photo.id()));
        let seen = next_message(&mut user_in).await;
        assert_eq!(seen.photo().map(|p| p.id()), Some(photo.id()));

        // Bound: a reply in the message's chat, the report again.
        let reply = cat.reply_cached_media(&file).await.unwrap();
        assert_eq!(reply.reply_to_message_id(), Some(cat.id()));
        assert_eq!(reply.document().map(|d| d.id()), Some(file.id()));
        let seen = next_message(&mut user_in).await;
        assert_eq!(
            seen.document()
                .and_then(|d| d.file_name().map(str::to_owned))
                .as_deref(),
            Some("report.pdf")
        );
        assert!(seen.reply_to_message_id().is_some());

        // A text message has no media to send; a forged id is refused by the server.
        let text = bot.send_message(env.user, "words").await.unwrap();
        let none = bot.send_cached_media(env.user, &text).await.unwrap_err();
        assert!(matches!(none, Error::Unsupported(_)), "{none}");
        next_message(&mut user_in).await;
        let mut media = report.raw_media().expect("a document").clone();
        if let enums::MessageMedia::Document(d) = &mut media
            && let Some(enums::Document::Document(doc)) = &mut d.document
        {
            doc.access_hash ^= 1;
        }
        let forged = oxigram::types::Document::from_media(&media).expect("still a document");
        let refused = bot.send_cached_media(env.user, forged).await.unwrap_err();
        assert!(refused.is(errors::MEDIA_INVALID), "{refused}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn contacts_are_imported_by_phone_and_unknown_numbers_left_out() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (friend, friend_id) = friend(&env).await;
        let mut friend_in = Inbox::new(&friend);
        let found = user
            .import_contacts([
                PhoneContact::new("+999 662 1313", "Imported").last_name("Friend"),
                PhoneContact::new("+1 555 0100", "Nobody"),
            ])
            .await
            .unwrap();
        let seen: Vec<(i64, String, Option<&str>)> = found
            .iter()
            .map(|u| (u.id(), u.full_name(), u.phone()))
            .collect();
        assert_eq!(
            seen,
            [(friend_id, "Imported Friend".into(), Some(FRIEND_PHONE))]
        );
        let contacts = user.get_contacts().await.unwrap();
        assert_eq!(contacts.len(), 1);
        assert!(contacts[0].is_contact());

        // The friend saves the user back, and hears of the user's new name.
        friend
            .import_contacts([PhoneContact::new(phone(USER_PHONE), "Pal")])
            .await
            .unwrap();
        assert!(user.get_contacts().await.unwrap()[0].is_mutual_contact());
        user.update_profile().first_name("Renamed").await.unwrap();
        let renamed = super::until(&mut friend_in, |u| match u {
            oxigram::Update::Raw(raw) => match raw.update {
                enums::Update::UserName(n) => Some(n),
                _ => None,
            },
            _ => None,
        })
        .await;
        assert_eq!(
            (renamed.user_id, renamed.first_name.as_str()),
            (env.user, "Renamed")
        );
        // The friend still sees the name it saved.
        assert_eq!(
            friend.get_users([env.user]).await.unwrap()[0].first_name(),
            "Pal"
        );
        friend.stop().await.unwrap();
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn request_callback_answer_presses_a_button_by_chat_and_id() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        user.send_message("@conformance_bot", "/menu")
            .await
            .unwrap();
        let asked = next_message(&mut bot_in).await;
        asked
            .reply("Ping?")
            .reply_markup(InlineKeyboard::new().row([InlineButton::callback("Ping", "ping")]))
            .await
            .unwrap();
        let shown = next_message(&mut user_in).await;

        let presser = user.clone();
        let id = shown.id();
        let pressing = tokio::spawn(async move {
            presser
                .request_callback_answer("@conformance_bot", id, "ping")
                .await
        });
        let query = super::until(&mut bot_in, |u| match u {
            oxigram::Update::CallbackQuery(q) => Some(q),
            _ => None,
        })
        .await;
        assert_eq!(query.data_str(), Some("ping"));
        query.answer().text("pong").await.unwrap();
        let answer = pressing.await.unwrap().unwrap();
        assert_eq!(answer.text.as_deref(), Some("pong"));
        assert!(!answer.alert);

        let wrong = user
            .request_callback_answer("@conformance_bot", id, "pong")
            .await
            .unwrap_err();
        assert!(wrong.is("DATA_INVALID"), "{wrong}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
