//! Formatting end to end: texts read in the parse mode (the client's or the request's)
//! reach the other side as entities, and a received message's text writes them back.

use oxigram::Error;
use oxigram::text::ParseMode;
use oxigram::tl::{enums, types};
use oxigram::types::{InlineButton, InlineKeyboard};
use oxigram::{Client, Update};
use oxigram_conformance::{BOT_TOKEN, Env};

use super::{Inbox, bot_and_user, builder, next_message, next_update, run, until};

fn bold(offset: i32, length: i32) -> enums::MessageEntity {
    enums::MessageEntity::Bold(types::MessageEntityBold { offset, length })
}

fn italic(offset: i32, length: i32) -> enums::MessageEntity {
    enums::MessageEntity::Italic(types::MessageEntityItalic { offset, length })
}

fn underline(offset: i32, length: i32) -> enums::MessageEntity {
    enums::MessageEntity::Underline(types::MessageEntityUnderline { offset, length })
}

#[test]
fn markdown_is_read_by_default_and_the_bot_gets_the_entities() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        let sent = user
            .send_message("@conformance_bot", "**bold** <-- Markdown")
            .await
            .unwrap();
        assert_eq!(sent.text(), "bold <-- Markdown");
        assert_eq!(sent.entities(), [bold(0, 4)]);

        let got = next_message(&mut bot_in).await;
        assert_eq!(got.text(), "bold <-- Markdown");
        assert_eq!(got.entities(), [bold(0, 4)]);
        assert_eq!(got.text().entities(), [bold(0, 4)]);
        assert_eq!(got.text().html(), "<b>bold</b> &lt;-- Markdown");
        assert_eq!(got.text().markdown(), "**bold** <\\-\\- Markdown");
        let owned: String = got.text().into();
        assert_eq!(owned, "bold <-- Markdown");

        // UTF-16 offsets: the emoji before counts two.
        user.send_message("@conformance_bot", "👍🏽 __ok__ ||x||")
            .await
            .unwrap();
        let got = next_message(&mut bot_in).await;
        assert_eq!(got.text(), "👍🏽 ok x");
        assert_eq!(
            got.entities(),
            [
                italic(5, 2),
                enums::MessageEntity::Spoiler(types::MessageEntitySpoiler {
                    offset: 8,
                    length: 1
                })
            ]
        );
        assert_eq!(got.text().html(), "👍🏽 <i>ok</i> <tg-spoiler>x</tg-spoiler>");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_request_picks_html_or_no_parsing_and_explicit_entities_win() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        let html = format!(
            "<i>it</i> &amp; <a href=\"tg://user?id={}\">me</a>",
            env.user
        );
        user.send_message("@conformance_bot", html.as_str())
            .parse_mode(ParseMode::Html)
            .await
            .unwrap();
        let got = next_message(&mut bot_in).await;
        assert_eq!(got.text(), "it & me");
        assert_eq!(
            got.entities(),
            [
                italic(0, 2),
                enums::MessageEntity::MentionName(types::MessageEntityMentionName {
                    offset: 5,
                    length: 2,
                    user_id: env.user,
                })
            ]
        );
        assert_eq!(got.text().html(), html);
        assert_eq!(
            got.text().markdown(),
            format!("__it__ & [me](tg://user?id={})", env.user)
        );

        user.send_message("@conformance_bot", "**as typed**")
            .parse_mode(ParseMode::Disabled)
            .await
            .unwrap();
        let got = next_message(&mut bot_in).await;
        assert_eq!(got.text(), "**as typed**");
        assert!(got.entities().is_empty());

        // HTML that does not close is refused before anything is sent.
        let refused = user
            .send_message("@conformance_bot", "<b>open")
            .parse_mode(ParseMode::Html)
            .await;
        match refused {
            Err(Error::Format(e)) => assert_eq!(e.position, 0),
            other => panic!("expected a format error, got {other:?}"),
        }

        // Entities given are sent as they are, the text unread.
        user.send_message("@conformance_bot", "**x**")
            .entities(vec![underline(0, 2)])
            .await
            .unwrap();
        let got = next_message(&mut bot_in).await;
        assert_eq!(
            (got.text().as_str(), got.entities()),
            ("**x**", &[underline(0, 2)][..])
        );
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn the_client_default_applies_to_replies_edits_copies_and_query_edits() {
    let env = Env::new();
    run(async {
        let (plain_bot, user) = bot_and_user(&env).await;
        plain_bot.stop().await.unwrap();
        let bot: Client = builder(&env, "html_bot")
            .bot_token(BOT_TOKEN)
            .parse_mode(ParseMode::Html)
            .build()
            .await
            .unwrap();
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        user.send_message("@conformance_bot", "2**3**4")
            .parse_mode(ParseMode::Disabled)
            .await
            .unwrap();
        let asked = next_message(&mut bot_in).await;
        assert_eq!(asked.text(), "2**3**4");

        // The bot reads HTML by default...
        let reply = asked.reply("<b>hi</b> **there**").await.unwrap();
        assert_eq!(reply.text(), "hi **there**");
        let seen = next_message(&mut user_in).await;
        assert_eq!(
            (seen.text().as_str(), seen.entities()),
            ("hi **there**", &[bold(0, 2)][..])
        );

        // ... and so edits, unless the request says otherwise.
        let edited = bot
            .edit_message_text(env.user, reply.id(), "<u>edited</u>")
            .await
            .unwrap();
        assert_eq!(edited.text(), "edited");
        let Update::EditedMessage(seen) = next_update(&mut user_in).await else {
            panic!("the user sees the edit");
        };
        assert_eq!(seen.entities(), [underline(0, 6)]);
        let edited = reply
            .edit_text("__again__")
            .parse_mode(ParseMode::Markdown)
            .await
            .unwrap();
        assert_eq!(
            (edited.text().as_str(), edited.entities()),
            ("again", &[italic(0, 5)][..])
        );
        let Update::EditedMessage(seen) = next_update(&mut user_in).await else {
            panic!("the user sees the second edit");
        };
        assert_eq!(seen.text().html(), "<i>again</i>");

        // A copy keeps the original's text unread; a new caption is read.
        let copy = asked.copy_to(env.user).await.unwrap();
        assert_eq!(
            (copy.text().as_str(), copy.entities()),
            ("2**3**4", &[][..])
        );
        assert_eq!(next_message(&mut user_in).await.text(), "2**3**4");
        let copy = bot
            .copy_message(env.user, env.user, asked.id())
            .caption("**c**")
            .parse_mode(ParseMode::Markdown)
            .await
            .unwrap();
        assert_eq!(
            (copy.text().as_str(), copy.entities()),
            ("c", &[bold(0, 1)][..])
        );
        assert_eq!(next_message(&mut user_in).await.entities(), [bold(0, 1)]);

        // A button's message edited from its query, in the request's mode.
        let keyboard = InlineKeyboard::new().row([InlineButton::callback("Go", "go")]);
        asked
            .reply("<i>press</i>")
            .reply_markup(keyboard)
            .await
            .unwrap();
        let shown = next_message(&mut user_in).await;
        assert_eq!(shown.text().html(), "<i>press</i>");
        let pressing = shown.clone();
        let press = tokio::spawn(async move { pressing.click(0, 0).await });
        let query = until(&mut bot_in, |u| match u {
            Update::CallbackQuery(q) => Some(q),
            _ => None,
        })
        .await;
        query.answer().await.unwrap();
        press.await.unwrap().unwrap();
        let edited = query
            .edit_message_text("**done**")
            .parse_mode(ParseMode::Markdown)
            .await
            .unwrap()
            .expect("a message in a chat comes back");
        assert_eq!(
            (edited.text().as_str(), edited.entities()),
            ("done", &[bold(0, 4)][..])
        );
        let Update::EditedMessage(seen) = next_update(&mut user_in).await else {
            panic!("the user sees the query's edit");
        };
        assert_eq!(seen.text().markdown(), "**done**");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
