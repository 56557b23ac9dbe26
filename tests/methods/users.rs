//! Users, contacts, blocks, bot commands, inline bots and the advanced methods, end to
//! end: each change is checked from the other account's side.

use oxigram::client::SignIn;
use oxigram::errors;
use oxigram::tl::{enums, functions};
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
            enums::InputPeer::User(u) => {
                enums::InputUser::InputUser(oxigram::tl::types::InputUser {
                    user_id: u.user_id,
                    access_hash: u.access_hash,
                })
            }
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
