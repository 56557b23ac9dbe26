//! Chats end to end: reading them whole, creating, joining and leaving, moderating
//! (rights enforced by the test DC), invite links, the chat list and the archive.

use futures_util::TryStreamExt;
use oxigram::client::SignIn;
use oxigram::methods::ChatMembersFilter;
use oxigram::tl::{enums, functions, types};
use oxigram::types::{ChatMember, ChatPermissions, ChatPrivileges, InviteLinkTarget, MemberStatus};
use oxigram::{ChatKind, Client, Error, Update};
use oxigram_conformance::Env;

use super::{Inbox, bot_and_user, builder, run, until};

/// A second user, signed in on a client of its own: the member the suite's user
/// (the owner) moderates.
async fn member(env: &Env) -> (Client, i64) {
    const PHONE: &str = "9996621313";
    let id = env.dc.create_user(PHONE, "Member");
    let client = builder(env, "member").build().await.unwrap();
    let sent = client.send_code(PHONE).await.unwrap();
    let SignIn::Done(_) = client.sign_in(&sent, "22222").await.unwrap() else {
        panic!("the member has no password");
    };
    (client, id)
}

/// The bare id of a channel or supergroup from its Bot-API id.
fn bare_channel(id: i64) -> i64 {
    -id - 1_000_000_000_000
}

async fn members(client: &Client, chat: i64, filter: ChatMembersFilter) -> Vec<ChatMember> {
    client
        .get_chat_members(chat)
        .filter(filter)
        .try_collect()
        .await
        .unwrap()
}

fn ids(members: &[ChatMember]) -> Vec<i64> {
    members.iter().map(|m| m.user().id()).collect()
}

#[test]
fn a_basic_group_is_created_read_whole_renamed_promoted_in_and_left() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        let group = user
            .create_group("Team", ["@conformance_bot"])
            .await
            .unwrap();
        assert_eq!(
            (group.kind(), group.title()),
            (ChatKind::Group, Some("Team"))
        );

        let info = user.get_chat(&group).await.unwrap();
        assert_eq!((info.id(), info.title()), (group.id(), Some("Team")));
        assert_eq!(info.members_count(), Some(2));
        assert_eq!(info.description(), "");
        assert_eq!(info.permissions(), Some(&ChatPermissions::all()));
        let statuses: Vec<(i64, MemberStatus)> = info
            .members()
            .iter()
            .map(|m| (m.user().id(), m.status()))
            .collect();
        assert_eq!(
            statuses,
            [
                (env.user, MemberStatus::Owner),
                (env.bot, MemberStatus::Member)
            ]
        );

        user.set_chat_description(&group, "the team's own")
            .await
            .unwrap();
        user.set_chat_title(&group, "Team two").await.unwrap();
        let renamed = until(&mut bot_in, |u| match u {
            Update::Message(m) if m.is_service() => Some(m),
            _ => None,
        })
        .await;
        assert!(matches!(
            renamed.action(),
            Some(enums::MessageAction::ChatEditTitle(t)) if t.title == "Team two"
        ));
        assert_eq!(renamed.chat().id(), group.id());
        let info = user.get_chat(&group).await.unwrap();
        assert_eq!(
            (info.title(), info.description()),
            (Some("Team two"), "the team's own")
        );
        // Members of a basic group may rename it, unless the permissions say no.
        let locked = ChatPermissions {
            can_change_info: false,
            ..ChatPermissions::all()
        };
        user.set_chat_permissions(&group, locked).await.unwrap();
        let refused = bot.set_chat_title(group.id(), "mine").await.unwrap_err();
        assert!(refused.is("CHAT_ADMIN_REQUIRED"), "{refused}");
        assert_eq!(
            user.get_chat(&group).await.unwrap().permissions(),
            Some(&locked)
        );

        let owner = user.get_chat_member(&group, "me").await.unwrap();
        assert_eq!(owner.status(), MemberStatus::Owner);
        let the_bot = user
            .get_chat_member(&group, "@conformance_bot")
            .await
            .unwrap();
        assert_eq!(the_bot.status(), MemberStatus::Member);
        assert_eq!(the_bot.invited_by(), Some(env.user));
        let everyone = members(&user, group.id(), ChatMembersFilter::All).await;
        assert_eq!(ids(&everyone), [env.user, env.bot]);
        let bots = members(&user, group.id(), ChatMembersFilter::Bots).await;
        assert_eq!(ids(&bots), [env.bot]);
        let found = members(&user, group.id(), ChatMembersFilter::Search("sen".into())).await;
        assert_eq!(ids(&found), [env.user]);

        user.promote_chat_member(&group, "@conformance_bot", ChatPrivileges::all())
            .await
            .unwrap();
        let admins = members(&user, group.id(), ChatMembersFilter::Administrators).await;
        assert_eq!(ids(&admins), [env.user, env.bot]);
        assert_eq!(
            user.get_chat_member(&group, "@conformance_bot")
                .await
                .unwrap()
                .status(),
            MemberStatus::Administrator
        );

        bot.leave_chat(group.id()).await.unwrap();
        let info = user.get_chat(&group).await.unwrap();
        assert_eq!(info.members_count(), Some(1));
        // Gone: the group no longer answers the bot.
        let gone = bot.get_chat(group.id()).await.unwrap_err();
        assert!(gone.is("CHAT_ID_INVALID"), "{gone}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_supergroup_enforces_default_permissions_restrictions_and_bans() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (member, member_id) = member(&env).await;
        let group = user
            .create_supergroup("Lounge")
            .description("a quiet place")
            .await
            .unwrap();
        assert_eq!(group.kind(), ChatKind::Supergroup);
        env.dc
            .set_channel_username(bare_channel(group.id()), "lounge_chat")
            .unwrap();
        let info = user.get_chat(&group).await.unwrap();
        assert_eq!(
            (info.description(), info.members_count()),
            ("a quiet place", Some(1))
        );

        let joined = member.join_chat("@lounge_chat").await.unwrap();
        assert_eq!(joined.id(), group.id());
        let everyone = members(&user, group.id(), ChatMembersFilter::All).await;
        assert_eq!(ids(&everyone), [env.user, member_id]);
        assert_eq!(everyone[1].status(), MemberStatus::Member);
        member.send_message(&joined, "hello").await.unwrap();
        let twice = member.join_chat("@lounge_chat").await.unwrap_err();
        assert!(twice.is("USER_ALREADY_PARTICIPANT"), "{twice}");

        // Members may not write; the owner still may.
        let read_only = ChatPermissions {
            can_send_messages: false,
            ..ChatPermissions::all()
        };
        user.set_chat_permissions(&group, read_only).await.unwrap();
        assert_eq!(
            member.get_chat(&joined).await.unwrap().permissions(),
            Some(&read_only)
        );
        let muted = member.send_message(&joined, "hello?").await.unwrap_err();
        assert!(muted.is("CHAT_WRITE_FORBIDDEN"), "{muted}");
        user.send_message(&group, "quiet please").await.unwrap();
        // Only an admin with the right to ban sets permissions.
        let refused = member
            .set_chat_permissions(&joined, ChatPermissions::all())
            .await
            .unwrap_err();
        assert!(refused.is("CHAT_ADMIN_REQUIRED"), "{refused}");
        user.set_chat_permissions(&group, ChatPermissions::all())
            .await
            .unwrap();
        member.send_message(&joined, "back").await.unwrap();

        // One member restricted.
        let now = user.send_message(&group, "rules").await.unwrap().date();
        user.restrict_chat_member(&group, member_id, ChatPermissions::none())
            .until(now + 3_600)
            .await
            .unwrap();
        let muted = member.send_message(&joined, "hello?").await.unwrap_err();
        assert!(muted.is("CHAT_WRITE_FORBIDDEN"), "{muted}");
        let restricted = user.get_chat_member(&group, member_id).await.unwrap();
        assert_eq!(restricted.status(), MemberStatus::Restricted);
        assert_eq!(restricted.permissions(), Some(&ChatPermissions::none()));
        assert_eq!(restricted.restricted_by(), Some(env.user));
        assert_eq!(restricted.until_date(), Some(now + 3_600));
        let listed = members(&user, group.id(), ChatMembersFilter::Restricted).await;
        assert_eq!(ids(&listed), [member_id]);
        user.restrict_chat_member(&group, member_id, ChatPermissions::all())
            .await
            .unwrap();
        member.send_message(&joined, "free again").await.unwrap();
        assert!(
            members(&user, group.id(), ChatMembersFilter::Restricted)
                .await
                .is_empty()
        );

        // Banned: removed, kept out, then let back. (An end ten seconds away is no
        // end, as on Telegram.)
        user.ban_chat_member(&group, member_id)
            .until(now + 10)
            .await
            .unwrap();
        let banned = user.get_chat_member(&group, member_id).await.unwrap();
        assert_eq!(banned.status(), MemberStatus::Banned);
        assert_eq!(banned.until_date(), None);
        let listed = members(&user, group.id(), ChatMembersFilter::Banned).await;
        assert_eq!(ids(&listed), [member_id]);
        assert_eq!(
            ids(&members(&user, group.id(), ChatMembersFilter::All).await),
            [env.user]
        );
        let out = member.send_message(&joined, "let me in").await.unwrap_err();
        assert!(out.is("CHAT_WRITE_FORBIDDEN"), "{out}");
        let kept_out = member.join_chat("@lounge_chat").await.unwrap_err();
        assert!(kept_out.is("USER_BANNED_IN_CHANNEL"), "{kept_out}");
        // Only admins with the right ban.
        let refused = member
            .ban_chat_member(&joined, "@conformance_bot")
            .await
            .unwrap_err();
        assert!(refused.is("CHAT_ADMIN_REQUIRED"), "{refused}");
        user.unban_chat_member(&group, member_id).await.unwrap();
        assert!(
            members(&user, group.id(), ChatMembersFilter::Banned)
                .await
                .is_empty()
        );
        member.join_chat("@lounge_chat").await.unwrap();
        member.send_message(&joined, "thanks").await.unwrap();

        member.leave_chat(&joined).await.unwrap();
        let left = user.get_chat_member(&group, member_id).await.unwrap_err();
        assert!(left.is("USER_NOT_PARTICIPANT"), "{left}");
        assert_eq!(
            user.get_chat(&group).await.unwrap().members_count(),
            Some(1)
        );
        member.stop().await.unwrap();
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn admins_act_within_the_rights_they_were_given() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (member, member_id) = member(&env).await;
        let channel = user.create_channel("News").await.unwrap();
        assert_eq!(channel.kind(), ChatKind::Channel);
        env.dc
            .set_channel_username(bare_channel(channel.id()), "news_daily")
            .unwrap();
        member.join_chat("@news_daily").await.unwrap();
        bot.join_chat("@news_daily").await.unwrap();
        let not_admin = member
            .send_message("@news_daily", "me too")
            .await
            .unwrap_err();
        assert!(not_admin.is("CHAT_ADMIN_REQUIRED"), "{not_admin}");
        // A member may not promote anyone.
        let refused = member
            .promote_chat_member("@news_daily", "@conformance_bot", ChatPrivileges::all())
            .await
            .unwrap_err();
        assert!(refused.is("CHAT_ADMIN_REQUIRED"), "{refused}");

        let everyone = members(&user, channel.id(), ChatMembersFilter::Recent).await;
        assert_eq!(ids(&everyone), [env.user, member_id, env.bot]);
        let poster = ChatPrivileges {
            can_post_messages: true,
            can_restrict_members: true,
            ..ChatPrivileges::none()
        };
        user.promote_chat_member(&channel, member_id, poster)
            .title("editor")
            .await
            .unwrap();
        let admin = user.get_chat_member(&channel, member_id).await.unwrap();
        assert_eq!(admin.status(), MemberStatus::Administrator);
        assert_eq!(admin.custom_title(), Some("editor"));
        assert_eq!(admin.promoted_by(), Some(env.user));
        assert!(admin.can_be_edited());
        let privileges = admin.privileges().copied().unwrap();
        assert!(privileges.can_post_messages && privileges.can_restrict_members);
        assert!(!privileges.can_promote_members);
        member
            .send_message("@news_daily", "an editor's post")
            .await
            .unwrap();
        // An admin of a channel sees its members; a member does not.
        let admins = members(&member, channel.id(), ChatMembersFilter::Administrators).await;
        assert_eq!(ids(&admins), [env.user, member_id]);

        // Without the right to add admins, no promoting; with the right to ban, bans.
        let refused = member
            .promote_chat_member("@news_daily", "@conformance_bot", ChatPrivileges::all())
            .await
            .unwrap_err();
        assert!(refused.is("CHAT_ADMIN_REQUIRED"), "{refused}");
        member
            .ban_chat_member("@news_daily", "@conformance_bot")
            .await
            .unwrap();
        let bots = members(&member, channel.id(), ChatMembersFilter::Bots).await;
        assert!(bots.is_empty(), "the bot was removed");
        let owner_banned = member
            .ban_chat_member("@news_daily", env.user)
            .await
            .unwrap_err();
        assert!(owner_banned.is("USER_ADMIN_INVALID"), "{owner_banned}");

        // Demoted: posting is refused again.
        user.promote_chat_member(&channel, member_id, ChatPrivileges::none())
            .await
            .unwrap();
        let demoted = member
            .send_message("@news_daily", "again")
            .await
            .unwrap_err();
        assert!(demoted.is("CHAT_ADMIN_REQUIRED"), "{demoted}");
        member.stop().await.unwrap();
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn invite_links_preview_the_chat_let_members_in_and_are_revoked() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (member, _) = member(&env).await;
        let group = user
            .create_supergroup("Club")
            .description("members only")
            .await
            .unwrap();
        let first = user.export_chat_invite_link(&group).await.unwrap();
        assert!(first.starts_with("https://t.me/+"), "{first}");

        let InviteLinkTarget::Preview(preview) =
            member.check_chat_invite_link(&first).await.unwrap()
        else {
            panic!("the member is not in the club yet");
        };
        assert_eq!(preview.title(), "Club");
        assert_eq!(preview.kind(), ChatKind::Supergroup);
        assert_eq!(preview.members_count(), 1);
        assert_eq!(preview.description(), Some("members only"));
        assert!(!preview.request_needed() && !preview.is_public());
        let InviteLinkTarget::Member(chat) = user.check_chat_invite_link(&first).await.unwrap()
        else {
            panic!("the owner is in the club");
        };
        assert_eq!(chat.id(), group.id());

        // A new primary link revokes the old one.
        let second = user.export_chat_invite_link(&group).await.unwrap();
        assert_ne!(first, second);
        let revoked = member.join_chat(first.as_str()).await.unwrap_err();
        assert!(revoked.is("INVITE_HASH_EXPIRED"), "{revoked}");
        let primary = user.get_chat(&group).await.unwrap();
        let shown = primary
            .invite_link()
            .expect("the owner sees the primary link");
        assert_eq!(shown.link(), second);
        assert!(shown.is_primary() && !shown.is_revoked());

        // A named link for one member.
        let one = user
            .create_chat_invite_link(&group)
            .name("for one")
            .member_limit(1)
            .await
            .unwrap();
        assert_eq!((one.name(), one.member_limit()), (Some("for one"), Some(1)));
        assert_eq!(one.creator_id(), env.user);
        assert!(!one.is_primary());
        let joined = member.join_chat(one.link()).await.unwrap();
        assert_eq!(joined.id(), group.id());
        assert_eq!(
            user.get_chat(&group).await.unwrap().members_count(),
            Some(2)
        );
        // Used up.
        let full = bot.join_chat(one.link()).await.unwrap_err();
        assert!(full.is("INVITE_HASH_EXPIRED"), "{full}");

        // A link that asks the admins first.
        let asking = user
            .create_chat_invite_link(&group)
            .creates_join_request()
            .await
            .unwrap();
        assert!(asking.creates_join_request());
        let asked = bot.join_chat(asking.link()).await.unwrap_err();
        assert!(asked.is("INVITE_REQUEST_SENT"), "{asked}");
        let both = user
            .create_chat_invite_link(&group)
            .creates_join_request()
            .member_limit(3)
            .await;
        assert!(matches!(both, Err(Error::Unsupported(_))), "{both:?}");
        // Members may not make links.
        let refused = member.export_chat_invite_link(&joined).await.unwrap_err();
        assert!(refused.is("CHAT_ADMIN_REQUIRED"), "{refused}");
        let not_a_link = member.check_chat_invite_link("@club").await;
        assert!(matches!(not_a_link, Err(Error::Unsupported(_))));
        member.stop().await.unwrap();
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn dialogs_come_newest_first_a_page_at_a_time_and_archived_apart() {
    const CHATS: usize = 250;
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let senders: Vec<i64> = (0..CHATS)
            .map(|i| {
                env.dc
                    .create_user(&format!("55501{i:05}"), &format!("Friend {i}"))
            })
            .collect();
        for (i, &from) in senders.iter().enumerate() {
            env.dc.send_message(from, env.user, &format!("hello {i}"));
        }
        let dialogs: Vec<_> = user.get_dialogs().try_collect().await.unwrap();
        assert_eq!(dialogs.len(), CHATS);
        // Newest first: the last sender's chat leads; every chat once.
        let chats: Vec<i64> = dialogs.iter().map(|d| d.chat().id()).collect();
        let newest_first: Vec<i64> = senders.iter().rev().copied().collect();
        assert_eq!(chats, newest_first);
        let first = &dialogs[0];
        assert_eq!(
            first.top_message().map(|m| m.text().to_string()),
            Some(format!("hello {}", CHATS - 1))
        );
        assert_eq!(first.chat().first_name(), Some("Friend 249"));
        assert!(!first.is_archived() && !first.is_pinned());

        let some: Vec<_> = user.get_dialogs().limit(120).try_collect().await.unwrap();
        assert_eq!(some.len(), 120);
        assert_eq!(some[119].chat().id(), newest_first[119]);

        // Pinned chats lead, the latest pinned first, and are listed once.
        for &pin in &[senders[5], senders[7]] {
            let peer = user.resolve_peer(pin).await.unwrap();
            user.invoke(functions::messages::ToggleDialogPin {
                pinned: true,
                peer: enums::InputDialogPeer::InputDialogPeer(types::InputDialogPeer { peer }),
            })
            .await
            .unwrap();
        }
        let top: Vec<_> = user.get_dialogs().limit(3).try_collect().await.unwrap();
        let top: Vec<(i64, bool)> = top.iter().map(|d| (d.chat().id(), d.is_pinned())).collect();
        assert_eq!(
            top,
            [
                (senders[7], true),
                (senders[5], true),
                (senders[CHATS - 1], false)
            ]
        );
        let all: Vec<_> = user.get_dialogs().try_collect().await.unwrap();
        let mut seen: Vec<i64> = all.iter().map(|d| d.chat().id()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!((all.len(), seen.len()), (CHATS, CHATS));

        // Archived chats leave the main list for folder 1, and come back.
        user.archive_chats([senders[0], senders[1]]).await.unwrap();
        let main: Vec<_> = user.get_dialogs().try_collect().await.unwrap();
        assert_eq!(main.len(), CHATS - 2);
        assert!(main.iter().all(|d| !d.is_archived()));
        let archived: Vec<_> = user.get_dialogs().archived().try_collect().await.unwrap();
        let archived_ids: Vec<i64> = archived.iter().map(|d| d.chat().id()).collect();
        assert_eq!(archived_ids, [senders[1], senders[0]]);
        assert!(
            archived
                .iter()
                .all(|d| d.is_archived() && d.folder_id() == 1)
        );
        // A private chat reads whole too.
        let info = user.get_chat(main[0].chat()).await.unwrap();
        assert_eq!(info.id(), main[0].chat().id());
        assert_eq!(info.chat().first_name(), main[0].chat().first_name());
        assert!(info.members_count().is_none());
        user.unarchive_chats([senders[0]]).await.unwrap();
        let main: Vec<_> = user.get_dialogs().try_collect().await.unwrap();
        assert_eq!(main.len(), CHATS - 1);

        // Groups and supergroups take their place by their last message.
        let group = user
            .create_group("Team", ["@conformance_bot"])
            .await
            .unwrap();
        let lounge = user.create_supergroup("Lounge").await.unwrap();
        user.send_message(&group, "in the group").await.unwrap();
        user.send_message(&lounge, "in the lounge").await.unwrap();
        let top: Vec<_> = user.get_dialogs().limit(4).try_collect().await.unwrap();
        let top: Vec<(i64, ChatKind, Option<String>)> = top
            .iter()
            .map(|d| {
                (
                    d.chat().id(),
                    d.chat().kind(),
                    d.top_message().map(|m| m.text().to_string()),
                )
            })
            .collect();
        assert_eq!(
            (top[0].0, top[1].0),
            (senders[7], senders[5]),
            "pinned first"
        );
        // The lounge's post came last (within the same second, maybe: order is kept
        // across chats all the same).
        assert_eq!(
            top[2..],
            [
                (
                    lounge.id(),
                    ChatKind::Supergroup,
                    Some("in the lounge".into())
                ),
                (group.id(), ChatKind::Group, Some("in the group".into())),
            ]
        );
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_bot_moderates_through_the_chat_of_a_message_it_received() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (member, member_id) = member(&env).await;
        let mut bot_in = Inbox::new(&bot);
        let group = user.create_supergroup("Mod room").await.unwrap();
        env.dc
            .set_channel_username(bare_channel(group.id()), "mod_room")
            .unwrap();
        bot.join_chat("@mod_room").await.unwrap();
        user.promote_chat_member(&group, "@conformance_bot", ChatPrivileges::all())
            .await
            .unwrap();
        member.join_chat("@mod_room").await.unwrap();
        member
            .send_message("@mod_room", "buy my stuff")
            .await
            .unwrap();
        let spam = until(&mut bot_in, |u| match u {
            Update::Message(m) if !m.is_service() => Some(m),
            _ => None,
        })
        .await;
        assert_eq!(spam.from_user().map(|u| u.id()), Some(member_id));
        let chat = spam.chat();
        assert_eq!(chat.id(), group.id());
        let spammer = spam.from_user().unwrap();

        chat.restrict_member(spammer, ChatPermissions::none())
            .await
            .unwrap();
        let muted = member.send_message("@mod_room", "more").await.unwrap_err();
        assert!(muted.is("CHAT_WRITE_FORBIDDEN"), "{muted}");
        let seen = chat.get_member(spammer).await.unwrap();
        assert_eq!(seen.status(), MemberStatus::Restricted);
        chat.unban_member(spammer).await.unwrap();
        member.send_message("@mod_room", "sorry").await.unwrap();
        chat.ban_member(spammer).await.unwrap();
        assert_eq!(
            chat.get_member(spammer).await.unwrap().status(),
            MemberStatus::Banned
        );

        chat.set_title("Moderated room").await.unwrap();
        chat.set_description("no spam").await.unwrap();
        let quiet = ChatPermissions {
            can_send_polls: false,
            ..ChatPermissions::all()
        };
        chat.set_permissions(quiet).await.unwrap();
        let info = user.get_chat(&group).await.unwrap();
        assert_eq!(
            (info.title(), info.description(), info.permissions()),
            (Some("Moderated room"), "no spam", Some(&quiet))
        );
        let link = chat.export_invite_link().await.unwrap();
        assert_eq!(
            user.get_chat(&group)
                .await
                .unwrap()
                .invite_link()
                .map(|l| l.link().to_string()),
            Some(link)
        );
        // Every right but the owner's own standing.
        let admins = members(&bot, group.id(), ChatMembersFilter::Administrators).await;
        assert_eq!(ids(&admins), [env.user, env.bot]);
        let refused = chat
            .promote_member(env.user, ChatPrivileges::none())
            .await
            .unwrap_err();
        assert!(refused.is("USER_CREATOR"), "{refused}");

        chat.leave().await.unwrap();
        let admins = members(&user, group.id(), ChatMembersFilter::Administrators).await;
        assert_eq!(ids(&admins), [env.user]);
        member.stop().await.unwrap();
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn members_of_a_large_supergroup_come_a_page_at_a_time() {
    const FANS: usize = 450;
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let fans: Vec<i64> = (0..FANS)
            .map(|i| {
                env.dc
                    .create_user(&format!("55502{i:05}"), &format!("Fan {i}"))
            })
            .collect();
        let mut everyone = fans.clone();
        everyone.push(env.bot);
        let (crowd, _) = env.dc.create_channel(env.user, "Crowd", &everyone, false);
        env.dc.set_channel_username(crowd, "the_crowd").unwrap();
        let chat = user.resolve_peer("@the_crowd").await.unwrap();
        assert!(matches!(chat, enums::InputPeer::Channel(_)));

        let all = members(&user, -1_000_000_000_000 - crowd, ChatMembersFilter::All).await;
        let mut expected = vec![env.user];
        expected.extend(&everyone);
        assert_eq!(
            ids(&all),
            expected,
            "every member once, in order, over 3 pages"
        );
        let some: Vec<ChatMember> = user
            .get_chat_members("@the_crowd")
            .limit(250)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&some), expected[..250]);
        let found = members(
            &user,
            -1_000_000_000_000 - crowd,
            ChatMembersFilter::Search("fan 44".into()),
        )
        .await;
        // "Fan 44" and "Fan 440" to "Fan 449".
        assert_eq!(found.len(), 11);
        let bots = members(&user, -1_000_000_000_000 - crowd, ChatMembersFilter::Bots).await;
        assert_eq!(ids(&bots), [env.bot]);
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
