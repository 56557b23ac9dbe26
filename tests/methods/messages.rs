//! Reading chats (by id, history and search streams, read marks), places, contacts,
//! dice and polls, and edits of captions and keyboards, end to end.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::TryStreamExt;
use oxigram::client::{Middleware, Next, Request, SignIn};
use oxigram::dispatch::HandlerResult;
use oxigram::methods::MessagesFilter;
use oxigram::tl::{enums, functions, types};
use oxigram::types::{InlineButton, InlineKeyboard, InlineQueryResult};
use oxigram::{BoxFuture, Bytes, Client, Error, Message, Update, filters};
use oxigram_conformance::Env;
use oxigram_testdc::world::StoredMedia;

use super::{
    Inbox, USER_PHONE, bot_and_user, bot_as_input_user, builder, next_message, next_update, run,
    until,
};

/// Counts the requests of one method.
struct Count {
    method: &'static str,
    seen: AtomicUsize,
}

impl Count {
    fn new(method: &'static str) -> Arc<Count> {
        Arc::new(Count {
            method,
            seen: AtomicUsize::new(0),
        })
    }

    fn get(&self) -> usize {
        self.seen.load(Ordering::SeqCst)
    }
}

impl Middleware for Count {
    fn handle<'a>(
        &'a self,
        request: Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, oxigram::Result<Bytes>> {
        if request.method == self.method {
            self.seen.fetch_add(1, Ordering::SeqCst);
        }
        next.run(request)
    }
}

/// The suite's user, signed in on a client with these layers.
async fn user_with(env: &Env, layers: &[Arc<Count>]) -> Client {
    let mut b = builder(env, "user");
    for layer in layers {
        b = b.layer(Arc::clone(layer));
    }
    let user = b.build().await.unwrap();
    let sent = user.send_code(USER_PHONE).await.unwrap();
    let SignIn::Done(_) = user.sign_in(&sent, "22222").await.unwrap() else {
        panic!("the suite's user has no password");
    };
    user
}

fn ids(messages: &[Message]) -> Vec<i32> {
    messages.iter().map(Message::id).collect()
}

#[test]
fn a_history_of_ten_thousand_messages_streams_each_once_newest_first() {
    let env = Env::new();
    env.dc.seed_history(env.user, env.bot, 10_000);
    run(async {
        let history = Count::new("messages.getHistory");
        let search = Count::new("messages.search");
        let user = user_with(&env, &[Arc::clone(&history), Arc::clone(&search)]).await;

        let all: Vec<Message> = user
            .get_chat_history("@conformance_bot")
            .try_collect()
            .await
            .unwrap();
        assert_eq!(all.len(), 10_000);
        assert!(ids(&all).windows(2).all(|w| w[0] > w[1]), "ids fall");
        assert_eq!(
            (all[0].text().as_str(), all[9_999].text().as_str()),
            ("10000", "1")
        );
        assert!(all.iter().all(|m| m.outgoing() && m.chat().id() == env.bot));
        // A page of a hundred at a time, and the count says when the last one came.
        assert_eq!(history.get(), 100);

        let first: Vec<Message> = user
            .get_chat_history("@conformance_bot")
            .limit(250)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&first), ids(&all[..250]));
        assert_eq!(history.get(), 103, "250 messages take three pages");

        let below: Vec<Message> = user
            .get_chat_history("@conformance_bot")
            .offset_id(all[5_000].id())
            .limit(3)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&below), ids(&all[5_001..5_004]));

        // A search pages too: the texts with "99" in them, newest first.
        let expected: Vec<String> = (1..=10_000)
            .rev()
            .map(|n: i32| n.to_string())
            .filter(|t| t.contains("99"))
            .collect();
        assert!(expected.len() > 200);
        let found: Vec<Message> = user
            .search_messages("@conformance_bot")
            .query("99")
            .try_collect()
            .await
            .unwrap();
        let texts: Vec<&str> = found.iter().map(|m| m.text().as_str()).collect();
        assert_eq!(texts, expected);
        assert_eq!(search.get(), expected.len().div_ceil(100));
        user.stop().await.unwrap();
    });
}

#[test]
fn messages_are_read_by_id_and_read_marks_reach_the_sender() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        let one = user.send_message("@conformance_bot", "one").await.unwrap();
        let two = user.send_message("@conformance_bot", "two").await.unwrap();
        let got_one = next_message(&mut bot_in).await;
        let got_two = next_message(&mut bot_in).await;

        let found = bot
            .get_messages(env.user, [got_two.id(), 9_999, got_one.id()])
            .await
            .unwrap();
        let texts: Vec<Option<&str>> = found
            .iter()
            .map(|m| m.as_ref().map(|m| m.text().as_str()))
            .collect();
        assert_eq!(texts, [Some("two"), None, Some("one")]);
        assert_eq!(
            found[0]
                .as_ref()
                .and_then(|m| m.from_user())
                .map(|u| u.id()),
            Some(env.user)
        );

        // Not part of an album.
        let lone = bot
            .get_media_group(env.user, got_one.id())
            .await
            .unwrap_err();
        assert!(matches!(lone, Error::Unsupported(_)), "{lone}");

        bot.read_chat_history(env.user).await.unwrap();
        let read = until(&mut user_in, |u| match u {
            Update::Raw(raw) => match raw.update {
                enums::Update::ReadHistoryOutbox(r) => Some(r),
                _ => None,
            },
            _ => None,
        })
        .await;
        assert_eq!(read.max_id, two.id());
        assert_eq!(
            read.peer,
            enums::Peer::User(types::PeerUser { user_id: env.bot })
        );
        // Up to the first message only.
        bot.read_chat_history(env.user)
            .max_id(got_one.id())
            .await
            .unwrap();
        let read = until(&mut user_in, |u| match u {
            Update::Raw(raw) => match raw.update {
                enums::Update::ReadHistoryOutbox(r) => Some(r),
                _ => None,
            },
            _ => None,
        })
        .await;
        assert_eq!(read.max_id, one.id());

        // A forward keeps the original's date; a private message has no view count
        // and no album.
        let forwarded = bot
            .forward_messages(env.user, env.user, [got_one.id()])
            .await
            .unwrap();
        assert_eq!(forwarded[0].forward_date(), Some(got_one.date()));
        assert_eq!(got_one.forward_date(), None);
        assert_eq!(
            (forwarded[0].views(), got_one.media_group_id()),
            (None, None)
        );
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_channel_is_read_by_id_history_and_search() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (channel, _) = env.dc.create_channel(env.bot, "news", &[env.user], true);
        env.dc.set_channel_username(channel, "daily_news").unwrap();
        let mut posts = Vec::new();
        for text in ["first post", "second post", "third post"] {
            posts.push(bot.send_message("@daily_news", text).await.unwrap());
        }
        let found = user
            .get_messages("@daily_news", [posts[1].id(), 77])
            .await
            .unwrap();
        assert_eq!(
            found[0].as_ref().map(|m| m.text().as_str()),
            Some("second post")
        );
        assert!(found[1].is_none());
        assert_eq!(
            found[0].as_ref().map(|m| m.chat().id()),
            Some(-1_000_000_000_000 - channel)
        );

        let history: Vec<Message> = user
            .get_chat_history("@daily_news")
            .try_collect()
            .await
            .unwrap();
        let texts: Vec<&str> = history.iter().map(|m| m.text().as_str()).collect();
        assert_eq!(texts, ["third post", "second post", "first post"]);
        let second: Vec<Message> = user
            .search_messages("@daily_news")
            .query("SECOND")
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&second), [posts[1].id()]);
        user.read_chat_history("@daily_news").await.unwrap();

        // Pinned by id, found by the pinned filter, then unpinned by id.
        bot.pin_chat_message("@daily_news", posts[0].id())
            .silent()
            .await
            .unwrap();
        let pinned: Vec<Message> = user
            .search_messages("@daily_news")
            .filter(MessagesFilter::Pinned)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&pinned), [posts[0].id()]);
        bot.unpin_chat_message("@daily_news", posts[0].id())
            .await
            .unwrap();
        let pinned: Vec<Message> = user
            .search_messages("@daily_news")
            .filter(MessagesFilter::Pinned)
            .try_collect()
            .await
            .unwrap();
        assert!(pinned.is_empty());

        // A poll in the channel: a member's vote reaches the channel's author.
        let mut bot_in = Inbox::new(&bot);
        let poll = bot
            .send_poll("@daily_news", "Next topic?", ["rust", "more rust"])
            .await
            .unwrap();
        let voted = user.vote_poll("@daily_news", poll.id(), [1]).await.unwrap();
        assert_eq!(voted.options[1].voter_count, 1);
        let heard = poll_update(&mut bot_in).await;
        assert_eq!(heard.peer_and_msg_id.map(|(_, id)| id), Some(poll.id()));
        let last = bot.stop_poll("@daily_news", poll.id()).await.unwrap();
        assert!(last.closed && last.options[1].voter_count == 1);

        // Someone else's channel stays closed.
        let (other, _) = env.dc.create_channel(env.bot, "private", &[], true);
        env.dc.set_channel_username(other, "closed_room").unwrap();
        let closed = user
            .get_chat_history("@closed_room")
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert!(closed.is("CHANNEL_PRIVATE"), "{closed}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn places_contacts_and_dice_reach_the_other_side_and_are_found_by_kind() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        let sent = user
            .send_location("@conformance_bot", 48.8584, 2.2945)
            .silent()
            .await
            .unwrap();
        let at = sent.location().unwrap();
        assert_eq!((at.latitude, at.longitude), (48.8584, 2.2945));
        let got = next_message(&mut bot_in).await;
        assert_eq!(got.location(), Some(at));
        assert!(got.venue().is_none());

        let venue = user
            .send_venue(
                "@conformance_bot",
                51.5007,
                -0.1246,
                "Big Ben",
                "Westminster",
            )
            .provider("foursquare", "4ac518cef964a520f6a520e3", "arts/monument")
            .await
            .unwrap();
        let got = next_message(&mut bot_in).await;
        let seen = got.venue().unwrap();
        assert_eq!(
            (seen.title.as_str(), seen.address.as_str()),
            ("Big Ben", "Westminster")
        );
        assert_eq!(seen.provider, "foursquare");
        assert_eq!(got.location().map(|l| l.latitude), Some(51.5007));
        assert_eq!(venue.venue(), Some(seen));

        let card = user
            .send_contact("@conformance_bot", USER_PHONE, "Sender")
            .last_name("Himself")
            .await
            .unwrap();
        let got = next_message(&mut bot_in).await;
        let contact = got.contact().unwrap();
        assert_eq!(contact.phone_number, USER_PHONE);
        assert_eq!(
            (contact.first_name.as_str(), contact.last_name.as_str()),
            ("Sender", "Himself")
        );
        assert_eq!(contact.user_id, Some(env.user), "the number is the user's");
        assert_eq!(card.contact(), Some(contact));
        let bad = user
            .send_contact("@conformance_bot", "not a phone", "X")
            .await
            .unwrap_err();
        assert!(bad.is("PHONE_NUMBER_INVALID"), "{bad}");

        let thrown = user.send_dice("@conformance_bot").await.unwrap();
        let dice = thrown.dice().unwrap();
        assert_eq!(dice.emoji, "🎲");
        assert!((1..=6).contains(&dice.value), "{dice:?}");
        let got = next_message(&mut bot_in).await;
        assert_eq!(got.dice(), Some(dice));
        let slot = user
            .send_dice("@conformance_bot")
            .emoji("🎰")
            .await
            .unwrap();
        assert!((1..=64).contains(&slot.dice().unwrap().value));
        next_message(&mut bot_in).await;
        let refused = user
            .send_dice("@conformance_bot")
            .emoji("🐙")
            .await
            .unwrap_err();
        assert!(refused.is("EMOTICON_INVALID"), "{refused}");

        // Bound to a received message: the answer replies to it.
        let answer = got.reply_dice().emoji("🎯").await.unwrap();
        assert_eq!(answer.reply_to_message_id(), Some(got.id()));
        let seen = next_message(&mut user_in).await;
        assert_eq!(seen.dice().map(|d| d.emoji), Some("🎯".to_string()));
        assert_eq!(seen.reply_to_message_id(), Some(thrown.id()));
        let there = got.reply_location(1.5, 2.5).await.unwrap();
        assert_eq!(there.location().map(|l| l.longitude), Some(2.5));
        assert_eq!(
            next_message(&mut user_in)
                .await
                .location()
                .map(|l| l.latitude),
            Some(1.5)
        );

        // Searches by kind.
        let places: Vec<Message> = user
            .search_messages("@conformance_bot")
            .filter(MessagesFilter::Location)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(places.len(), 3, "two places sent, one received");
        let contacts: Vec<Message> = user
            .search_messages("@conformance_bot")
            .filter(MessagesFilter::Contact)
            .from_user("me")
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&contacts), [card.id()]);
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

/// The next `updateMessagePoll` a client receives.
async fn poll_update(inbox: &mut Inbox<'_>) -> types::UpdateMessagePoll {
    until(inbox, |u| match u {
        Update::Raw(raw) => match raw.update {
            enums::Update::MessagePoll(p) => Some(p),
            _ => None,
        },
        _ => None,
    })
    .await
}

#[test]
fn polls_are_voted_on_once_per_kind_and_stopped_by_their_author() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        let command = user
            .send_message("@conformance_bot", "/poll")
            .await
            .unwrap();
        let asked = next_message(&mut bot_in).await;

        let sent = asked
            .reply_poll("Lunch?", ["pizza", "salad", "soup"])
            .anonymous(false)
            .await
            .unwrap();
        let poll = sent.poll().unwrap();
        assert_eq!(poll.question, "Lunch?");
        assert!(!poll.anonymous && !poll.quiz && !poll.closed);
        let shown = next_message(&mut user_in).await;
        assert_eq!(shown.reply_to_message_id(), Some(command.id()));
        let options: Vec<String> = shown
            .poll()
            .unwrap()
            .options
            .into_iter()
            .map(|o| o.text)
            .collect();
        assert_eq!(options, ["pizza", "salad", "soup"]);

        // Single choice: one option at a time, any of those the poll has.
        let two = user
            .vote_poll("@conformance_bot", shown.id(), [0, 1])
            .await
            .unwrap_err();
        assert!(two.is("OPTIONS_TOO_MUCH"), "{two}");
        let missing = user
            .vote_poll("@conformance_bot", shown.id(), [7])
            .await
            .unwrap_err();
        assert!(matches!(missing, Error::Unsupported(_)), "{missing}");
        let voted = user
            .vote_poll("@conformance_bot", shown.id(), [1])
            .await
            .unwrap();
        assert_eq!(voted.chosen_options(), [1]);
        assert_eq!((voted.options[1].voter_count, voted.total_voters), (1, 1));
        // The author hears of it, with the counts and without a choice of their own.
        let heard = poll_update(&mut bot_in).await;
        assert_eq!(
            heard.peer_and_msg_id.as_ref().map(|(_, id)| *id),
            Some(sent.id())
        );
        let heard = oxigram::types::Poll::from_raw(heard.poll.as_ref().unwrap(), &heard.results);
        assert_eq!(heard.options[1].voter_count, 1);
        assert!(heard.chosen_options().is_empty());
        // A vote taken back.
        let back = user
            .vote_poll("@conformance_bot", shown.id(), [])
            .await
            .unwrap();
        assert_eq!(back.total_voters, 0);
        poll_update(&mut bot_in).await;
        user.vote_poll("@conformance_bot", shown.id(), [2])
            .await
            .unwrap();
        poll_update(&mut bot_in).await;

        // Only the author stops it; then it is closed to votes.
        let not_mine = user
            .stop_poll("@conformance_bot", shown.id())
            .await
            .unwrap_err();
        assert!(not_mine.is("MESSAGE_AUTHOR_REQUIRED"), "{not_mine}");
        let last = bot.stop_poll(env.user, sent.id()).await.unwrap();
        assert!(last.closed);
        assert_eq!((last.options[2].voter_count, last.total_voters), (1, 1));
        let Update::EditedMessage(edited) = next_update(&mut user_in).await else {
            panic!("the user sees the poll closed");
        };
        assert_eq!(
            edited.poll().map(|p| (p.closed, p.chosen_options())),
            Some((true, vec![2]))
        );
        let late = user
            .vote_poll("@conformance_bot", shown.id(), [0])
            .await
            .unwrap_err();
        assert!(late.is("MESSAGE_POLL_CLOSED"), "{late}");

        // Several answers where allowed.
        bot.send_poll(env.user, "Toppings?", ["ham", "olives", "basil"])
            .multiple_answers()
            .await
            .unwrap();
        let many = next_message(&mut user_in).await;
        let picked = user
            .vote_poll("@conformance_bot", many.id(), [0, 2])
            .await
            .unwrap();
        assert!(picked.multiple_answers);
        assert_eq!(picked.chosen_options(), [0, 2]);
        poll_update(&mut bot_in).await;

        // A quiz: one answer each, then the right one and the explanation show.
        bot.send_poll(env.user, "2 + 2 = ?", ["3", "4"])
            .quiz(1)
            .explanation("basic sums")
            .await
            .unwrap();
        let quiz = next_message(&mut user_in).await;
        let before = quiz.poll().unwrap();
        assert!(before.quiz && before.correct_option().is_none() && before.explanation.is_none());
        let answered = user
            .vote_poll("@conformance_bot", quiz.id(), [0])
            .await
            .unwrap();
        assert_eq!(
            (answered.chosen_options(), answered.correct_option()),
            (vec![0], Some(1))
        );
        assert_eq!(answered.explanation.as_deref(), Some("basic sums"));
        let again = user
            .vote_poll("@conformance_bot", quiz.id(), [1])
            .await
            .unwrap_err();
        assert!(again.is("REVOTE_NOT_ALLOWED"), "{again}");
        let bad = bot
            .send_poll(env.user, "?", ["only one"])
            .await
            .unwrap_err();
        assert!(bad.is("POLL_ANSWERS_INVALID"), "{bad}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_caption_and_a_keyboard_are_edited_apart_from_the_rest() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        user.send_message("@conformance_bot", "/file")
            .await
            .unwrap();
        next_message(&mut bot_in).await;

        // A document, uploaded in one part, with a caption.
        bot.invoke(functions::upload::SaveFilePart {
            file_id: 42,
            file_part: 0,
            bytes: Bytes::from_static(b"hello file"),
        })
        .await
        .unwrap();
        let random_id = 4242;
        let updates = bot
            .invoke(functions::messages::SendMedia {
                silent: false,
                background: false,
                clear_draft: false,
                noforwards: false,
                update_stickersets_order: false,
                invert_media: false,
                allow_paid_floodskip: false,
                peer: bot.resolve_peer(env.user).await.unwrap(),
                reply_to: None,
                media: enums::InputMedia::UploadedDocument(Box::new(
                    types::InputMediaUploadedDocument {
                        nosound_video: false,
                        force_file: true,
                        spoiler: false,
                        file: enums::InputFile::InputFile(types::InputFile {
                            id: 42,
                            parts: 1,
                            name: "hello.txt".into(),
                            md5_checksum: String::new(),
                        }),
                        thumb: None,
                        mime_type: "text/plain".into(),
                        attributes: vec![],
                        stickers: None,
                        video_cover: None,
                        video_timestamp: None,
                        ttl_seconds: None,
                    },
                )),
                message: "a file".into(),
                random_id,
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
        let file_id = match &updates {
            enums::Updates::Updates(u) => u.updates.iter().find_map(|u| match u {
                enums::Update::MessageID(m) if m.random_id == random_id => Some(m.id),
                _ => None,
            }),
            _ => None,
        }
        .expect("the new message's id");
        let shown = next_message(&mut user_in).await;
        assert_eq!(shown.caption().as_deref(), Some("a file"));

        let edited = bot
            .edit_message_caption(env.user, file_id, "the same file")
            .await
            .unwrap();
        assert_eq!(edited.caption().as_deref(), Some("the same file"));
        let Update::EditedMessage(seen) = next_update(&mut user_in).await else {
            panic!("the user sees the new caption");
        };
        assert_eq!(
            (seen.id(), seen.caption().as_deref()),
            (shown.id(), Some("the same file"))
        );

        // The keyboard alone changes, then goes.
        let keyboard = InlineKeyboard::new().row([InlineButton::callback("Open", "open")]);
        let with = bot
            .edit_message_reply_markup(env.user, file_id, keyboard)
            .await
            .unwrap();
        assert_eq!(with.text(), "the same file");
        let Update::EditedMessage(seen) = next_update(&mut user_in).await else {
            panic!("the user sees the keyboard");
        };
        assert_eq!(
            seen.inline_keyboard().and_then(|k| k
                .button(0, 0)
                .and_then(InlineButton::data)
                .map(<[u8]>::to_vec)),
            Some(b"open".to_vec())
        );
        let without = bot
            .edit_message_reply_markup(env.user, file_id, None)
            .await
            .unwrap();
        assert!(without.inline_keyboard().is_none());
        let Update::EditedMessage(seen) = next_update(&mut user_in).await else {
            panic!("the user sees the keyboard go");
        };
        assert!(seen.inline_keyboard().is_none());
        assert_eq!(seen.caption().as_deref(), Some("the same file"));
        let again = bot
            .edit_message_reply_markup(env.user, file_id, None)
            .await
            .unwrap_err();
        assert!(again.is("MESSAGE_NOT_MODIFIED"), "{again}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn an_inline_message_is_edited_by_its_bot() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        assert!(env.dc.set_bot_inline(env.bot, Some("Search…")));
        let bot_user = bot_as_input_user(&user).await;
        let asker = user.clone();
        let asking = tokio::spawn(async move {
            asker
                .invoke(functions::messages::GetInlineBotResults {
                    bot: bot_user,
                    peer: enums::InputPeer::InputPeerSelf,
                    geo_point: None,
                    query: "cats".into(),
                    offset: String::new(),
                })
                .await
        });
        let query = until(&mut bot_in, |u| match u {
            Update::InlineQuery(q) => Some(q),
            _ => None,
        })
        .await;
        let keyboard = InlineKeyboard::new().row([InlineButton::callback("Pet", "pet")]);
        let results = [
            InlineQueryResult::article("plain", "A cat", "a cat"),
            InlineQueryResult::article("keyed", "A cat to pet", "a cat to pet")
                .reply_markup(keyboard),
        ];
        query.answer(results).cache_time(0).await.unwrap();
        let enums::messages::BotResults::BotResults(got) = asking.await.unwrap().unwrap();
        let send = |id: &str, random_id| functions::messages::SendInlineBotResult {
            silent: false,
            background: false,
            clear_draft: false,
            hide_via: false,
            peer: enums::InputPeer::InputPeerSelf,
            reply_to: None,
            random_id,
            query_id: got.query_id,
            id: id.into(),
            schedule_date: None,
            send_as: None,
            quick_reply_shortcut: None,
            allow_paid_stars: None,
        };

        // Without a keyboard there is nothing to edit by: no id.
        user.invoke(send("plain", 1)).await.unwrap();
        let chosen = until(&mut bot_in, |u| match u {
            Update::ChosenInlineResult(c) => Some(c),
            _ => None,
        })
        .await;
        assert!(chosen.inline_message_id().is_none());

        // Sent to the user's own chat: the message comes in the answer.
        let answer = user.invoke(send("keyed", 2)).await.unwrap();
        let sent_id = match &answer {
            enums::Updates::Updates(u) => u.updates.iter().find_map(|u| match u {
                enums::Update::MessageID(m) => Some(m.id),
                _ => None,
            }),
            _ => None,
        }
        .expect("the sent message's id");
        let chosen = until(&mut bot_in, |u| match u {
            Update::ChosenInlineResult(c) => Some(c),
            _ => None,
        })
        .await;
        let id = chosen
            .inline_message_id()
            .cloned()
            .expect("a keyed result has an id");

        let answer = bot
            .edit_inline_text(id.clone(), "a petted cat")
            .reply_markup(InlineKeyboard::new().row([InlineButton::callback("Again", "again")]))
            .await
            .unwrap();
        assert!(answer.is_none());
        let Update::EditedMessage(seen) = until(&mut user_in, |u| match u {
            u @ Update::EditedMessage(_) => Some(u),
            _ => None,
        })
        .await
        else {
            unreachable!()
        };
        assert_eq!((seen.id(), seen.text().as_str()), (sent_id, "a petted cat"));
        assert_eq!(seen.via_bot_id(), Some(env.bot));
        assert_eq!(
            seen.inline_keyboard().and_then(|k| k
                .button(0, 0)
                .and_then(InlineButton::data)
                .map(<[u8]>::to_vec)),
            Some(b"again".to_vec())
        );
        // Only the bot it came through edits it.
        let refused = user.edit_inline_text(id, "mine now").await.unwrap_err();
        assert!(refused.is("MESSAGE_AUTHOR_REQUIRED"), "{refused}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_handler_replies_with_a_dice_and_a_poll() {
    let env = Env::new();
    run(async {
        let bot = builder(&env, "bot")
            .bot_token(oxigram_conformance::BOT_TOKEN)
            .build()
            .await
            .unwrap();
        bot.on_message(filters::command("dice"), |msg: Message| async move {
            msg.reply_dice().emoji("🏀").await?;
            Ok(())
        })
        .on_message(filters::command("poll"), |msg: Message| async move {
            msg.reply_poll("Tea or coffee?", ["tea", "coffee"]).await?;
            Ok(())
        })
        .on_message(filters::command("quit"), |msg: Message| async move {
            msg.client().stop().await?;
            HandlerResult::Ok(())
        });
        // Sent before the bot reads: the connection keeps pushed updates until read.
        for text in ["/dice", "/poll", "/quit"] {
            env.dc.send_message(env.user, env.bot, text);
        }
        bot.run().await.expect("a clean run");
        // Handlers run concurrently, so the answers may arrive in either order.
        let mut received = env.dc.received(env.user);
        received.sort_by_key(|message| message.reply_to);
        let [dice, poll] = &received[..] else {
            panic!("two answers, not {received:?}");
        };
        assert!(
            matches!(&dice.media, Some(StoredMedia::Dice { emoji, value }) if emoji == "🏀" && (1..=5).contains(value)),
            "{dice:?}"
        );
        assert!(matches!(poll.media, Some(StoredMedia::Poll(_))), "{poll:?}");
        // Each answers its command.
        assert!(dice.reply_to.is_some() && poll.reply_to > dice.reply_to);
    });
}
