//! Every built-in filter, on messages and other updates made from raw TL values.

use futures_executor::block_on;

use super::*;
use crate::dispatch::filter::Filter;
use crate::dispatch::testing::{self as t, ALICE, BOT, In, ME};
use crate::tl::{enums, types};
use crate::types::{CallbackQuery, InlineQuery, Message, Update};

fn passes<T: 'static + Sync>(filter: &impl Filter<T>, update: &T) -> bool {
    block_on(filter.check(update).resolve())
}

fn with_media(client: &crate::Client, attached: enums::MessageMedia, words: &str) -> Message {
    t::message(client, 1, In::Private(ALICE), words, |m| {
        m.media = Some(attached)
    })
}

fn document(attributes: Vec<enums::DocumentAttribute>) -> enums::MessageMedia {
    crate::types::media::tests::document(attributes)
}

fn video_attribute(round: bool) -> enums::DocumentAttribute {
    enums::DocumentAttribute::Video(types::DocumentAttributeVideo {
        round_message: round,
        supports_streaming: false,
        nosound: false,
        duration: 1.0,
        w: 1,
        h: 1,
        preload_prefix_size: None,
        video_start_ts: None,
        video_codec: None,
    })
}

fn audio_attribute(is_voice: bool) -> enums::DocumentAttribute {
    enums::DocumentAttribute::Audio(types::DocumentAttributeAudio {
        voice: is_voice,
        duration: 1,
        title: None,
        performer: None,
        waveform: None,
    })
}

fn geo() -> enums::GeoPoint {
    enums::GeoPoint::GeoPoint(types::GeoPoint {
        long: 1.0,
        lat: 2.0,
        access_hash: 3,
        accuracy_radius: None,
    })
}

/// Every media filter against a message of every kind: exactly its own kind passes.
#[test]
fn each_media_filter_passes_its_own_kind_only() {
    let c = t::client();
    let photo_media = enums::MessageMedia::Photo(Box::new(types::MessageMediaPhoto {
        spoiler: false,
        photo: Some(enums::Photo::Empty(types::PhotoEmpty { id: 1 })),
        ttl_seconds: None,
        video: None,
    }));
    let sticker_attribute = enums::DocumentAttribute::Sticker(types::DocumentAttributeSticker {
        mask: false,
        alt: "x".into(),
        stickerset: enums::InputStickerSet::Empty,
        mask_coords: None,
    });
    let contact_media = enums::MessageMedia::Contact(types::MessageMediaContact {
        phone_number: "1".into(),
        first_name: "A".into(),
        last_name: String::new(),
        vcard: String::new(),
        user_id: 0,
    });
    let venue_media = enums::MessageMedia::Venue(Box::new(types::MessageMediaVenue {
        geo: geo(),
        title: "t".into(),
        address: "a".into(),
        provider: String::new(),
        venue_id: String::new(),
        venue_type: String::new(),
    }));
    let dice_media = enums::MessageMedia::Dice(types::MessageMediaDice {
        value: 3,
        emoticon: "🎲".into(),
        game_outcome: None,
    });
    let game_media = enums::MessageMedia::Game(types::MessageMediaGame {
        game: enums::Game::Game(Box::new(types::Game {
            id: 1,
            access_hash: 2,
            short_name: "g".into(),
            title: "G".into(),
            description: String::new(),
            photo: enums::Photo::Empty(types::PhotoEmpty { id: 1 }),
            document: None,
        })),
    });
    let web_page_media = enums::MessageMedia::WebPage(types::MessageMediaWebPage {
        force_large_media: false,
        force_small_media: false,
        manual: false,
        safe: false,
        webpage: enums::WebPage::Empty(types::WebPageEmpty { id: 1, url: None }),
    });
    let cases: Vec<(&str, enums::MessageMedia)> = vec![
        ("photo", photo_media),
        ("video", document(vec![video_attribute(false)])),
        ("audio", document(vec![audio_attribute(false)])),
        ("voice", document(vec![audio_attribute(true)])),
        ("video_note", document(vec![video_attribute(true)])),
        (
            "animation",
            document(vec![
                enums::DocumentAttribute::Animated,
                video_attribute(false),
            ]),
        ),
        ("document", document(Vec::new())),
        ("sticker", document(vec![sticker_attribute])),
        ("contact", contact_media),
        (
            "location",
            enums::MessageMedia::Geo(types::MessageMediaGeo { geo: geo() }),
        ),
        ("venue", venue_media),
        ("poll", poll_media()),
        ("dice", dice_media),
        ("game", game_media),
        ("web_page", web_page_media),
    ];
    let filters: Vec<(&str, BoxedFilterOf)> = vec![
        ("photo", Box::new(photo)),
        ("video", Box::new(video)),
        ("audio", Box::new(audio)),
        ("voice", Box::new(voice)),
        ("video_note", Box::new(video_note)),
        ("animation", Box::new(animation)),
        ("document", Box::new(document_filter())),
        ("sticker", Box::new(sticker)),
        ("contact", Box::new(contact)),
        ("location", Box::new(location)),
        ("venue", Box::new(venue)),
        ("poll", Box::new(poll)),
        ("dice", Box::new(dice)),
        ("game", Box::new(game)),
        ("web_page", Box::new(web_page)),
    ];
    for (kind, raw_media) in cases {
        let m = with_media(&c, raw_media, "");
        assert!(passes(&media, &m), "{kind} is media");
        assert!(!passes(&text, &m), "{kind} is not text");
        for (name, filter) in &filters {
            assert_eq!(
                passes(filter, &m),
                *name == kind,
                "filter {name} on a {kind}"
            );
        }
    }
    let plain = t::text(&c, 2, "no media");
    assert!(!passes(&media, &plain));
    for (name, filter) in &filters {
        assert!(!passes(filter, &plain), "{name} on text");
    }
}

fn poll_media() -> enums::MessageMedia {
    let question = enums::TextWithEntities::TextWithEntities(types::TextWithEntities {
        text: "?".into(),
        entities: Vec::new(),
    });
    enums::MessageMedia::Poll(Box::new(types::MessageMediaPoll {
        poll: enums::Poll::Poll(Box::new(types::Poll {
            id: 1,
            closed: false,
            public_voters: false,
            multiple_choice: false,
            quiz: false,
            open_answers: false,
            revoting_disabled: false,
            shuffle_answers: false,
            hide_results_until_close: false,
            creator: false,
            subscribers_only: false,
            question,
            answers: Vec::new(),
            close_period: None,
            close_date: None,
            countries_iso2: None,
            hash: 0,
        })),
        results: enums::PollResults::PollResults(Box::new(types::PollResults {
            min: false,
            has_unread_votes: false,
            can_view_stats: false,
            results: None,
            total_voters: None,
            recent_voters: None,
            solution_and_solution_entities: None,
            solution_media: None,
        })),
        attached_media: None,
    }))
}

type BoxedFilterOf = Box<dyn Filter<Message>>;

/// A filter's name, the filter, and what makes a message pass it.
type Fact = (
    &'static str,
    BoxedFilterOf,
    Box<dyn Fn(&mut types::Message)>,
);

fn document_filter() -> Document {
    super::document
}

#[test]
fn text_and_caption() {
    let c = t::client();
    let plain = t::text(&c, 1, "hello");
    assert!(passes(&text, &plain));
    assert!(!passes(&caption, &plain));
    let captioned = with_media(&c, document(Vec::new()), "a file");
    assert!(passes(&caption, &captioned));
    assert!(!passes(&text, &captioned));
    let bare = with_media(&c, document(Vec::new()), "");
    assert!(!passes(&caption, &bare) && !passes(&text, &bare));
}

#[test]
fn chat_kinds() {
    let c = t::client();
    let private_message = t::text(&c, 1, "hi");
    let in_supergroup = t::message(&c, 2, In::Supergroup(ALICE), "hi", |_| {});
    let in_group = t::message(&c, 3, In::Group(ALICE), "hi", |_| {});
    let post = t::message(&c, 4, In::Channel, "news", |_| {});
    let table = [
        (&private_message, [true, false, false]),
        (&in_supergroup, [false, true, false]),
        (&in_group, [false, true, false]),
        (&post, [false, false, true]),
    ];
    for (m, [p, g, ch]) in table {
        assert_eq!(
            [passes(&private, m), passes(&group, m), passes(&channel, m)],
            [p, g, ch],
            "{:?}",
            m.chat().kind()
        );
    }
}

#[test]
fn commands_with_arguments_prefixes_and_our_name() {
    let c = t::client();
    let start = command("start");
    let m = t::text(&c, 1, "/start now \"in quotes\"");
    assert!(passes(&start, &m));
    let found = m.command().expect("the command is left on the message");
    assert_eq!((found.name.as_str(), found.prefix.as_str()), ("start", "/"));
    assert_eq!(found.args, ["now", "in quotes"]);

    assert!(
        passes(&start, &t::text(&c, 2, "/START")),
        "names ignore case"
    );
    assert!(!passes(
        &start.clone().case_sensitive(true),
        &t::text(&c, 2, "/START")
    ));
    assert!(
        passes(&start, &t::text(&c, 3, "/start@Our_Bot x")),
        "addressed to us"
    );
    assert!(
        !passes(&start, &t::text(&c, 4, "/start@other_bot")),
        "addressed to another bot"
    );
    assert!(!passes(&start, &t::text(&c, 5, "/starting")));
    assert!(!passes(&start, &t::text(&c, 6, "start")));
    assert!(!passes(&start, &t::text(&c, 7, "say /start")));

    let bang = commands(["ban", "kick"]).prefixes(["!", "."]);
    let kick = t::text(&c, 8, ".kick 42");
    assert!(passes(&bang, &kick));
    assert_eq!(kick.command().map(|c| c.name.as_str()), Some("kick"));
    assert!(!passes(&bang, &t::text(&c, 9, "/ban 42")));

    let any = command_any();
    assert!(passes(&any, &t::text(&c, 10, "/whatever_1 x")));
    assert!(!passes(&any, &t::text(&c, 11, "/what-ever")));
    assert!(!passes(&any, &t::text(&c, 12, "just text")));
    assert!(passes(
        &(text & !command_any()),
        &t::text(&c, 13, "just text")
    ));
    assert!(!passes(&(text & !command_any()), &t::text(&c, 14, "/cmd")));
    // A captioned file can carry a command too.
    assert!(passes(
        &start,
        &with_media(&c, document(Vec::new()), "/start")
    ));
}

#[test]
fn regex_on_messages_callbacks_and_inline_queries() {
    let c = t::client();
    let order = regex(r"^order (\d+)(?: x(\d+))?$");
    let m = t::text(&c, 1, "order 15");
    assert!(passes(&order, &m));
    let matches = m.matches().expect("captures are left on the message");
    assert_eq!(
        (matches.get(0), matches.get(1), matches.get(2)),
        (Some("order 15"), Some("15"), None)
    );
    assert!(!passes(&order, &t::text(&c, 2, "no order")));

    let Update::CallbackQuery(q) = t::callback(&c, ALICE, "unban:77") else {
        panic!()
    };
    let unban = regex(r"^unban:(\d+)$");
    assert!(Filter::<CallbackQuery>::check(&unban, &q).into_ready());
    assert_eq!(q.matches().and_then(|m| m.get(1)), Some("77"));

    let Update::InlineQuery(iq) = t::inline_query(&c, "cats and dogs") else {
        panic!()
    };
    assert!(passes::<InlineQuery>(&regex("dogs$"), &iq));
    assert!(!passes::<InlineQuery>(&regex("^dogs"), &iq));

    assert!(try_regex("(unclosed").is_err());
    assert!(
        !passes(&regex("(unclosed"), &t::text(&c, 3, "(unclosed")),
        "a bad pattern passes nothing"
    );
}

#[test]
fn senders_and_message_facts() {
    let c = t::client();
    let from_alice = t::message(&c, 1, In::Supergroup(ALICE), "hi", |_| {});
    let from_bot = t::message(&c, 2, In::Supergroup(BOT), "beep", |_| {});
    let ours = t::message(&c, 3, In::Supergroup(ME), "mine", |m| m.out = true);
    assert!(passes(&incoming, &from_alice) && !passes(&outgoing, &from_alice));
    assert!(passes(&outgoing, &ours) && !passes(&incoming, &ours));
    assert!(passes(&me, &ours) && !passes(&me, &from_alice));
    assert!(passes(&bot, &from_bot) && !passes(&bot, &from_alice));

    let facts: Vec<Fact> = vec![
        (
            "reply",
            Box::new(reply),
            Box::new(|m| {
                m.reply_to = Some(enums::MessageReplyHeader::MessageReplyHeader(Box::new(
                    crate::types::testing::reply_header(1),
                )))
            }),
        ),
        (
            "forwarded",
            Box::new(forwarded),
            Box::new(|m| {
                m.fwd_from = Some(enums::MessageFwdHeader::MessageFwdHeader(Box::new(
                    crate::types::testing::forward_header(5),
                )))
            }),
        ),
        (
            "mentioned",
            Box::new(mentioned),
            Box::new(|m| m.mentioned = true),
        ),
        (
            "via_bot",
            Box::new(via_bot),
            Box::new(|m| m.via_bot_id = Some(BOT)),
        ),
        (
            "edited",
            Box::new(edited),
            Box::new(|m| m.edit_date = Some(1_700_000_100)),
        ),
        (
            "reply_keyboard",
            Box::new(reply_keyboard),
            Box::new(|m| {
                m.reply_markup = Some(enums::ReplyMarkup::ReplyKeyboardMarkup(
                    types::ReplyKeyboardMarkup {
                        resize: false,
                        single_use: false,
                        selective: false,
                        persistent: false,
                        force_reply: false,
                        rows: Vec::new(),
                        placeholder: None,
                    },
                ))
            }),
        ),
        (
            "inline_keyboard",
            Box::new(inline_keyboard),
            Box::new(|m| {
                m.reply_markup = Some(enums::ReplyMarkup::ReplyInlineMarkup(
                    types::ReplyInlineMarkup {
                        force_reply: false,
                        rows: Vec::new(),
                    },
                ))
            }),
        ),
    ];
    for (name, filter, _) in &facts {
        assert!(!passes(filter, &from_alice), "{name} on a plain message");
    }
    for (name, filter, edit) in facts {
        let m = t::message(&c, 4, In::Supergroup(ALICE), "x", |m| edit(m));
        assert!(passes(&filter, &m), "{name}");
    }
}

#[test]
fn service_messages() {
    let c = t::client();
    let (users, chats) = t::peers();
    let joined = enums::Message::Service(Box::new(types::MessageService {
        out: false,
        mentioned: false,
        media_unread: false,
        reactions_are_possible: false,
        silent: false,
        post: false,
        legacy: false,
        id: 9,
        from_id: Some(t::user_peer(ALICE)),
        peer_id: enums::Peer::Chat(types::PeerChat { chat_id: t::GROUP }),
        saved_peer_id: None,
        reply_to: None,
        date: 1,
        action: enums::MessageAction::ChatJoinedByLink(types::MessageActionChatJoinedByLink {
            inviter_id: 1,
        }),
        reactions: None,
        ttl_period: None,
    }));
    let update = enums::Update::NewMessage(types::UpdateNewMessage {
        message: joined,
        pts: 1,
        pts_count: 1,
    });
    let Some(Update::Message(m)) = Update::from_raw(&c, &update, &users, &chats) else {
        panic!()
    };
    assert!(passes(&service, &m));
    assert!(!passes(&service, &t::text(&c, 1, "hi")));
}

#[test]
fn user_and_chat_sets_change_while_in_use() {
    let c = t::client();
    let admins = user([ALICE]);
    let handle = admins.clone();
    let from_alice = t::message(&c, 1, In::Supergroup(ALICE), "hi", |_| {});
    let from_bot = t::message(&c, 2, In::Supergroup(BOT), "hi", |_| {});
    assert!(passes(&admins, &from_alice) && !passes(&admins, &from_bot));
    handle.set().add("@Helper_Bot");
    assert!(passes(&admins, &from_bot), "added by username");
    handle.set().remove(ALICE);
    assert!(!passes(&admins, &from_alice));
    let ours = t::message(&c, 3, In::Supergroup(ME), "mine", |m| m.out = true);
    assert!(!passes(&admins, &ours));
    handle.set().add("me");
    assert!(passes(&admins, &ours));
    let Update::CallbackQuery(q) = t::callback(&c, BOT, "x") else {
        panic!()
    };
    assert!(passes::<CallbackQuery>(&admins, &q));

    let rooms = chat([-1_000_000_000_000 - t::SUPERGROUP]);
    let in_supergroup = t::message(&c, 4, In::Supergroup(ALICE), "hi", |_| {});
    let post = t::message(&c, 5, In::Channel, "news", |_| {});
    assert!(passes(&rooms, &in_supergroup) && !passes(&rooms, &post));
    rooms.set().remove(-1_000_000_000_000 - t::SUPERGROUP);
    rooms.set().add("rustaceans");
    assert!(passes(&rooms, &in_supergroup), "by username");
    rooms.set().add(-1_000_000_000_000 - t::CHANNEL);
    assert!(passes(&rooms, &post));
    assert!(!passes(&rooms, &t::text(&c, 6, "private")));
}

#[test]
fn custom_filters_see_the_message() {
    let c = t::client();
    let long = create(|m: &Message| m.text().len() > 5);
    let slow = create_async(|m: Message| async move { m.text().contains('!') });
    let both = long & slow;
    assert!(passes(&both, &t::text(&c, 1, "hello there!")));
    assert!(!passes(&both, &t::text(&c, 2, "hi!")));
    assert!(!passes(&both, &t::text(&c, 3, "hello there")));
    assert!(passes(&all, &t::text(&c, 4, "")));
}

trait IntoReady {
    fn into_ready(self) -> bool;
}

impl IntoReady for crate::dispatch::Check<'_> {
    fn into_ready(self) -> bool {
        block_on(self.resolve())
    }
}
