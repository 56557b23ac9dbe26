//! Link previews chosen by the sender: which page, how large, above or under the text.

use oxigram::Message;
use oxigram::tl::enums;
use oxigram::types::LinkPreviewOptions;
use oxigram_conformance::Env;

use super::{Inbox, bot_and_user, next_message, run};

/// The preview a received message shows: its URL, large, small, above the text.
fn preview(message: &Message) -> Option<(String, bool, bool, bool)> {
    let enums::Message::Message(m) = message.raw() else {
        return None;
    };
    let Some(enums::MessageMedia::WebPage(w)) = &m.media else {
        return None;
    };
    let url = match &w.webpage {
        enums::WebPage::Empty(p) => p.url.clone()?,
        enums::WebPage::WebPage(p) => p.url.clone(),
        _ => return None,
    };
    Some((
        url,
        w.force_large_media,
        w.force_small_media,
        m.invert_media,
    ))
}

#[test]
fn the_sender_picks_the_page_its_size_and_place() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);

        // The first link of the text, large, above the text.
        user.send_message("@conformance_bot", "read https://example.com/a now")
            .link_preview_options(
                LinkPreviewOptions::new()
                    .prefer_large_media()
                    .show_above_text(),
            )
            .await
            .unwrap();
        let got = next_message(&mut bot_in).await;
        assert_eq!(got.text(), "read https://example.com/a now");
        assert_eq!(
            preview(&got),
            Some(("https://example.com/a".into(), true, false, true))
        );

        // The URL given, small, under a text still read as Markdown.
        user.send_message(
            "@conformance_bot",
            "**see** https://example.com/one and https://example.com/two",
        )
        .link_preview_options(
            LinkPreviewOptions::new()
                .url("https://example.com/two")
                .prefer_small_media(),
        )
        .await
        .unwrap();
        let got = next_message(&mut bot_in).await;
        assert_eq!(
            got.text(),
            "see https://example.com/one and https://example.com/two"
        );
        assert!(matches!(got.entities(), [enums::MessageEntity::Bold(b)] if b.length == 3));
        assert_eq!(
            preview(&got),
            Some(("https://example.com/two".into(), false, true, false))
        );

        // Disabled, or the server's choice: sent as plain text (the test DC makes no
        // previews of its own).
        for options in [LinkPreviewOptions::disabled(), LinkPreviewOptions::new()] {
            user.send_message("@conformance_bot", "https://example.com/c")
                .link_preview_options(options)
                .await
                .unwrap();
            let got = next_message(&mut bot_in).await;
            assert_eq!(preview(&got), None);
        }
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
