//! Inline results by URL and the formatting of inline texts: a bot answers with a photo
//! and a file on the web and with articles in Markdown, HTML or explicit entities; the
//! user sees the URLs, sends the articles formatted, and sending a file on the web is
//! refused by the test DC, which cannot fetch it.

use oxigram::errors;
use oxigram::text::ParseMode;
use oxigram::tl::{enums, types};
use oxigram::types::{BotResults, InlineQueryResult};
use oxigram::{Client, Update};
use oxigram_conformance::Env;

use super::{Inbox, bot_and_user, next_message, run, until};

fn bold(offset: i32, length: i32) -> enums::MessageEntity {
    enums::MessageEntity::Bold(types::MessageEntityBold { offset, length })
}

fn italic(offset: i32, length: i32) -> enums::MessageEntity {
    enums::MessageEntity::Italic(types::MessageEntityItalic { offset, length })
}

/// The user asks the bot (`query`); the bot answers with `results`. Returns the bot's
/// answer to the query, and what the user got.
async fn ask(
    user: &Client,
    bot_in: &mut Inbox<'_>,
    query: &str,
    results: Vec<InlineQueryResult>,
) -> (oxigram::Result<()>, Option<BotResults>) {
    let asker = user.clone();
    let query = query.to_owned();
    let asking = tokio::spawn(async move {
        asker
            .get_inline_bot_results("@conformance_bot", query)
            .await
    });
    let inline = until(bot_in, |u| match u {
        Update::InlineQuery(q) => Some(q),
        _ => None,
    })
    .await;
    let answered = inline.answer(results).cache_time(0).await;
    if answered.is_err() {
        asking.abort();
        return (answered, None);
    }
    (answered, Some(asking.await.unwrap().unwrap()))
}

#[test]
fn a_bot_answers_with_files_by_url_and_formatted_articles_and_the_user_sends_them() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        assert!(env.dc.set_bot_inline(env.bot, Some("Search…")));
        // The bot meets the user, so that it may mention them.
        user.send_message("@conformance_bot", "hi").await.unwrap();
        next_message(&mut bot_in).await;

        let results = vec![
            InlineQueryResult::photo(
                "p",
                "https://example.com/cat.jpg",
                "https://example.com/cat-small.jpg",
            )
            .dimensions(640, 480)
            .caption("a **cat**"),
            InlineQueryResult::document(
                "d",
                "The manual",
                "https://example.com/manual.pdf",
                "application/pdf",
            )
            .description("42 pages")
            .file_size(4096),
            InlineQueryResult::article("md", "Markdown", "**so** bold"),
            InlineQueryResult::article("html", "HTML", "<i>it</i> **as typed**")
                .parse_mode(ParseMode::Html),
            InlineQueryResult::article("raw", "Entities", "**kept**").entities(vec![bold(2, 4)]),
            InlineQueryResult::article(
                "mention",
                "Mention",
                format!("hi [you](tg://user?id={})", env.user),
            ),
        ];
        let (answered, got) = ask(&user, &mut bot_in, "cats", results).await;
        answered.unwrap();
        let got = got.expect("the results");

        // The user sees the files' URLs, their thumbnail and what the bot said of them.
        let photo = got.result("p").expect("the photo");
        assert_eq!(photo.kind(), "photo");
        let content = photo.content().expect("a photo on the web");
        assert_eq!(
            (content.url(), content.mime_type(), content.dimensions()),
            (
                "https://example.com/cat.jpg",
                "image/jpeg",
                Some((640, 480))
            )
        );
        assert_eq!(
            photo.thumb().map(|t| t.url().to_owned()).as_deref(),
            Some("https://example.com/cat-small.jpg")
        );
        assert_eq!(photo.text(), Some("a cat"), "the caption, parsed");
        let file = got.result("d").expect("the file");
        assert_eq!(
            (file.kind(), file.title(), file.description()),
            ("file", Some("The manual"), Some("42 pages"))
        );
        let content = file.content().expect("a file on the web");
        assert_eq!(
            (content.url(), content.mime_type(), content.size()),
            (
                "https://example.com/manual.pdf",
                "application/pdf",
                Some(4096)
            )
        );
        assert!(file.photo().is_none() && file.document().is_none());
        assert!(got.result("md").and_then(|r| r.content()).is_none());

        // The articles go out formatted as the bot's parse modes read them.
        let sent = got.send("me", "md").await.unwrap();
        assert_eq!(sent.text(), "so bold");
        assert_eq!(sent.entities(), [bold(0, 2)]);
        assert_eq!(sent.via_bot_id(), Some(env.bot));
        let sent = got.send("me", "html").await.unwrap();
        assert_eq!(sent.text(), "it **as typed**");
        assert_eq!(sent.entities(), [italic(0, 2)]);
        let sent = got.send("me", "raw").await.unwrap();
        assert_eq!(sent.text(), "**kept**");
        assert_eq!(sent.entities(), [bold(2, 4)]);
        let sent = got.send("me", "mention").await.unwrap();
        assert_eq!(sent.text(), "hi you");
        assert_eq!(
            sent.entities(),
            [enums::MessageEntity::MentionName(
                types::MessageEntityMentionName {
                    offset: 3,
                    length: 3,
                    user_id: env.user,
                }
            )]
        );

        // Telegram fetches a file on the web when it is sent; the test DC cannot, and
        // answers as Telegram does when the fetch fails.
        for id in ["p", "d"] {
            let refused = got.send("me", id).await.unwrap_err();
            assert!(refused.is(errors::WEBPAGE_CURL_FAILED), "{refused}");
        }

        // An address Telegram would not fetch is refused when the bot answers.
        let (answered, _) = ask(
            &user,
            &mut bot_in,
            "more",
            vec![InlineQueryResult::photo(
                "x",
                "file:///etc/passwd",
                "https://example.com/t.jpg",
            )],
        )
        .await;
        let refused = answered.unwrap_err();
        assert!(refused.is(errors::WEBDOCUMENT_URL_INVALID), "{refused}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
