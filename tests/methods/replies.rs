//! Replies that quote part of the message they answer, with text and with media.

use oxigram::files::FileSource;
use oxigram::tl::enums;
use oxigram::types::ReplyParameters;
use oxigram::{Message, RpcError};
use oxigram_conformance::Env;

use super::{Inbox, bot_and_user, next_message, run};

/// The quote a received message's reply header carries: its text and offset.
fn quote_of(message: &Message) -> Option<(String, i32)> {
    let enums::Message::Message(m) = message.raw() else {
        return None;
    };
    let Some(enums::MessageReplyHeader::MessageReplyHeader(h)) = &m.reply_to else {
        return None;
    };
    Some((h.quote_text.clone()?, h.quote_offset?))
}

#[test]
fn a_reply_quotes_part_of_the_message_and_a_wrong_quote_is_refused() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        user.send_message("@conformance_bot", "the 🦊 quick brown fox, brown again")
            .await
            .unwrap();
        let asked = next_message(&mut bot_in).await;

        // Found at its first place; the fox is two UTF-16 units, so "brown" is at 13.
        bot.send_message(env.user, "which brown?")
            .reply_parameters(ReplyParameters::new(asked.id()).quote("brown"))
            .await
            .unwrap();
        let got = next_message(&mut user_in).await;
        assert_eq!(quote_of(&got), Some(("brown".into(), 13)));

        // At the position given: the second "brown", at 13 + 5 + " fox, " = 24.
        bot.send_photo(env.user, FileSource::bytes("b.jpg", vec![7; 500]))
            .reply_parameters(
                ReplyParameters::new(asked.id())
                    .quote("brown")
                    .quote_position(24),
            )
            .await
            .unwrap();
        let got = next_message(&mut user_in).await;
        assert_eq!(quote_of(&got), Some(("brown".into(), 24)));

        // Text the message does not hold, or not where it is said to be.
        for wrong in [
            ReplyParameters::new(asked.id()).quote("purple"),
            ReplyParameters::new(asked.id())
                .quote("brown")
                .quote_position(3),
        ] {
            let refused = bot
                .send_message(env.user, "no")
                .reply_parameters(wrong)
                .await
                .unwrap_err();
            assert!(
                refused
                    .rpc()
                    .is_some_and(|e: &RpcError| e.is("QUOTE_TEXT_INVALID")),
                "{refused}"
            );
        }
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
