//! Users, contacts, blocks, bot commands, inline bots and the advanced methods, end to
//! end: each change is checked from the other account's side.

use oxigram::client::SignIn;
use oxigram::errors;
use oxigram::storage::SessionFormat;
use oxigram::tl::{enums, functions, types};
use oxigram::types::{BotCommand, BotCommandScope};
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
