//! Sending media that is not a file: a location, a venue, a contact, a dice, a poll;
//! and what is done with a sent message besides its text: votes, closing a poll, new
//! captions and keyboards.

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::messages::awaitable;
use super::outgoing::{Outgoing, send_options};
use super::sent::one_message;
use super::target::Target;
use crate::peers::PeerRef;
use crate::tl::{enums, functions, types};
use crate::types::{InlineKeyboard, Poll};
use crate::{Client, Error, Message};

fn geo_point(latitude: f64, longitude: f64) -> enums::InputGeoPoint {
    enums::InputGeoPoint::InputGeoPoint(types::InputGeoPoint {
        lat: latitude,
        long: longitude,
        accuracy_radius: None,
    })
}

/// Sends a point on the map: [`Client::send_location`], [`Message::reply_location`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct SendLocation {
    out: Outgoing,
    latitude: f64,
    longitude: f64,
}

impl SendLocation {
    fn media(&self) -> enums::InputMedia {
        enums::InputMedia::GeoPoint(types::InputMediaGeoPoint {
            geo_point: geo_point(self.latitude, self.longitude),
        })
    }

    async fn send(self) -> crate::Result<Message> {
        let media = self.media();
        self.out.send(media).await
    }
}

send_options!(SendLocation);

/// Sends a place with a name and address: [`Client::send_venue`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct SendVenue {
    out: Outgoing,
    venue: types::InputMediaVenue,
}

impl SendVenue {
    /// Names the venue database the place comes from (`foursquare`, `gplaces`), its id
    /// there and its type there.
    pub fn provider(
        mut self,
        provider: impl Into<String>,
        venue_id: impl Into<String>,
        venue_type: impl Into<String>,
    ) -> Self {
        self.venue.provider = provider.into();
        self.venue.venue_id = venue_id.into();
        self.venue.venue_type = venue_type.into();
        self
    }

    async fn send(self) -> crate::Result<Message> {
        let media = enums::InputMedia::Venue(Box::new(self.venue));
        self.out.send(media).await
    }
}

send_options!(SendVenue);

/// Shares a phone contact: [`Client::send_contact`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct SendContact {
    out: Outgoing,
    contact: types::InputMediaContact,
}

impl SendContact {
    /// The contact's last name.
    pub fn last_name(mut self, last_name: impl Into<String>) -> Self {
        self.contact.last_name = last_name.into();
        self
    }

    /// The contact as a vCard.
    pub fn vcard(mut self, vcard: impl Into<String>) -> Self {
        self.contact.vcard = vcard.into();
        self
    }

    async fn send(self) -> crate::Result<Message> {
        let media = enums::InputMedia::Contact(self.contact);
        self.out.send(media).await
    }
}

send_options!(SendContact);

/// Throws a dice (🎲 unless [`emoji`](SendDice::emoji) says otherwise): [`Client::send_dice`],
/// [`Message::reply_dice`]. The server picks the value.
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct SendDice {
    out: Outgoing,
    emoji: String,
}

impl SendDice {
    /// Throws another animated emoji: 🎯, 🏀, ⚽, 🎳 or 🎰.
    pub fn emoji(mut self, emoji: impl Into<String>) -> Self {
        self.emoji = emoji.into();
        self
    }

    async fn send(self) -> crate::Result<Message> {
        let media = enums::InputMedia::Dice(types::InputMediaDice {
            emoticon: self.emoji,
        });
        self.out.send(media).await
    }
}

send_options!(SendDice);

/// Sends a poll: [`Client::send_poll`], [`Message::reply_poll`]. Anonymous and single
/// choice unless told otherwise.
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct SendPoll {
    out: Outgoing,
    question: String,
    options: Vec<String>,
    anonymous: bool,
    multiple_answers: bool,
    correct: Option<usize>,
    explanation: Option<String>,
}

fn text_with_entities(text: String) -> enums::TextWithEntities {
    enums::TextWithEntities::TextWithEntities(types::TextWithEntities {
        text,
        entities: vec![],
    })
}

impl SendPoll {
    /// Whether voters are hidden (the default) or shown.
    pub fn anonymous(mut self, anonymous: bool) -> Self {
        self.anonymous = anonymous;
        self
    }

    /// Lets a voter pick several options (not for quizzes).
    pub fn multiple_answers(mut self) -> Self {
        self.multiple_answers = true;
        self
    }

    /// Makes it a quiz whose right answer is option `correct` (from 0): one vote each,
    /// not taken back.
    pub fn quiz(mut self, correct: usize) -> Self {
        self.correct = Some(correct);
        self
    }

    /// What a quiz shows once answered.
    pub fn explanation(mut self, explanation: impl Into<String>) -> Self {
        self.explanation = Some(explanation.into());
        self
    }

    fn media(&self) -> crate::Result<enums::InputMedia> {
        let correct_answers = match self.correct {
            Some(i) if i >= self.options.len() => {
                return Err(Error::Unsupported(format!(
                    "the quiz has {} options, so option {i} can not be the right one",
                    self.options.len()
                )));
            }
            Some(i) => Some(vec![i32::try_from(i).map_err(|_| {
                Error::Unsupported(format!("option {i} is out of range"))
            })?]),
            None => None,
        };
        let poll = types::Poll {
            id: 0,
            closed: false,
            public_voters: !self.anonymous,
            multiple_choice: self.multiple_answers,
            quiz: self.correct.is_some(),
            open_answers: false,
            revoting_disabled: false,
            shuffle_answers: false,
            hide_results_until_close: false,
            creator: false,
            subscribers_only: false,
            question: text_with_entities(self.question.clone()),
            answers: self
                .options
                .iter()
                .map(|o| {
                    enums::PollAnswer::InputPollAnswer(Box::new(types::InputPollAnswer {
                        text: text_with_entities(o.clone()),
                        media: None,
                    }))
                })
                .collect(),
            close_period: None,
            close_date: None,
            countries_iso2: None,
            hash: 0,
        };
        Ok(enums::InputMedia::Poll(Box::new(types::InputMediaPoll {
            poll: enums::Poll::Poll(Box::new(poll)),
            correct_answers,
            attached_media: None,
            solution_and_solution_entities: self.explanation.clone().map(|e| (e, vec![])),
            solution_media: None,
        })))
    }

    async fn send(self) -> crate::Result<Message> {
        let media = self.media()?;
        self.out.send(media).await
    }
}

send_options!(SendPoll);

/// The poll of message `id` of `peer`, and the message.
async fn poll_of(
    client: &Client,
    peer: &enums::InputPeer,
    id: i32,
) -> crate::Result<(Message, Poll)> {
    let message = super::history::message_by_id(client, peer, id).await?;
    let poll = message
        .poll()
        .ok_or_else(|| Error::Unsupported(format!("message {id} holds no poll")))?;
    Ok((message, poll))
}

/// Replaces the keyboard under a message: [`Client::edit_message_reply_markup`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct EditMessageReplyMarkup {
    client: Client,
    chat: Target,
    id: i32,
    markup: Option<InlineKeyboard>,
}

impl EditMessageReplyMarkup {
    fn request(&self, peer: enums::InputPeer) -> functions::messages::EditMessage {
        functions::messages::EditMessage {
            no_webpage: false,
            invert_media: false,
            peer,
            id: self.id,
            message: None,
            media: None,
            reply_markup: self.markup.clone().map(Into::into),
            entities: None,
            schedule_date: None,
            schedule_repeat_period: None,
            quick_reply_shortcut_id: None,
            rich_message: None,
        }
    }

    async fn send(self) -> crate::Result<Message> {
        let peer = self.chat.resolve(&self.client).await?;
        let updates = self.client.invoke(self.request(peer)).await?;
        one_message(&self.client, &updates, None, None, "messages.editMessage")
    }
}

awaitable!(EditMessageReplyMarkup => Message);

impl Client {
    /// Sends the point at `latitude`, `longitude` to `chat`.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let sent = app.send_location("me", 48.8584, 2.2945).silent().await?;
    /// assert!(sent.location().is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn send_location(
        &self,
        chat: impl Into<PeerRef>,
        latitude: f64,
        longitude: f64,
    ) -> SendLocation {
        SendLocation {
            out: Outgoing::new(self.clone(), Target::named(chat)),
            latitude,
            longitude,
        }
    }

    /// Sends the place `title` at `address` (at `latitude`, `longitude`) to `chat`.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let sent = app
    ///     .send_venue("me", 48.8584, 2.2945, "Eiffel Tower", "Champ de Mars, Paris")
    ///     .provider("foursquare", "4adcda09f964a520dd3321e3", "arts_entertainment/default")
    ///     .await?;
    /// println!("{:?}", sent.venue().map(|v| v.title));
    /// # Ok(())
    /// # }
    /// ```
    pub fn send_venue(
        &self,
        chat: impl Into<PeerRef>,
        latitude: f64,
        longitude: f64,
        title: impl Into<String>,
        address: impl Into<String>,
    ) -> SendVenue {
        SendVenue {
            out: Outgoing::new(self.clone(), Target::named(chat)),
            venue: types::InputMediaVenue {
                geo_point: geo_point(latitude, longitude),
                title: title.into(),
                address: address.into(),
                provider: String::new(),
                venue_id: String::new(),
                venue_type: String::new(),
            },
        }
    }

    /// Shares the contact `first_name` at `phone_number` in `chat`.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.send_contact("@alice", "+15551234567", "Bob")
    ///     .last_name("Builder")
    ///     .silent()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn send_contact(
        &self,
        chat: impl Into<PeerRef>,
        phone_number: impl Into<String>,
        first_name: impl Into<String>,
    ) -> SendContact {
        SendContact {
            out: Outgoing::new(self.clone(), Target::named(chat)),
            contact: types::InputMediaContact {
                phone_number: phone_number.into(),
                first_name: first_name.into(),
                last_name: String::new(),
                vcard: String::new(),
            },
        }
    }

    /// Throws a dice (🎲) in `chat`; the message sent shows the value
    /// ([`Message::dice`]).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let thrown = app.send_dice("me").emoji("🎯").await?;
    /// println!("{:?}", thrown.dice().map(|d| d.value));
    /// # Ok(())
    /// # }
    /// ```
    pub fn send_dice(&self, chat: impl Into<PeerRef>) -> SendDice {
        SendDice {
            out: Outgoing::new(self.clone(), Target::named(chat)),
            emoji: "🎲".into(),
        }
    }

    /// Sends a poll asking `question` with `options` to `chat`.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let quiz = app
    ///     .send_poll("@group", "2 + 2 = ?", ["3", "4", "5"])
    ///     .quiz(1)
    ///     .explanation("basic sums")
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn send_poll(
        &self,
        chat: impl Into<PeerRef>,
        question: impl Into<String>,
        options: impl IntoIterator<Item = impl Into<String>>,
    ) -> SendPoll {
        new_poll(
            Outgoing::new(self.clone(), Target::named(chat)),
            question.into(),
            options.into_iter().map(Into::into).collect(),
        )
    }

    /// Votes for `options` (indices from 0) in the poll of message `id` of `chat`
    /// (no options: takes the vote back); returns the poll with the votes now. The
    /// message is read first, to name the options as the server knows them.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client, id: i32) -> oxigram::Result<()> {
    /// let poll = app.vote_poll("@group", id, [1]).await?;
    /// println!("{} voted", poll.total_voters);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn vote_poll(
        &self,
        chat: impl Into<PeerRef>,
        id: i32,
        options: impl IntoIterator<Item = usize>,
    ) -> crate::Result<Poll> {
        let peer = Target::named(chat).resolve(self).await?;
        let (message, poll) = poll_of(self, &peer, id).await?;
        let chosen = options
            .into_iter()
            .map(|i| {
                poll.options.get(i).map(|o| o.data.clone()).ok_or_else(|| {
                    Error::Unsupported(format!(
                        "the poll has {} options, not option {i}",
                        poll.options.len()
                    ))
                })
            })
            .collect::<crate::Result<Vec<_>>>()?;
        let updates = self
            .invoke(functions::messages::SendVote {
                peer,
                msg_id: id,
                options: chosen,
            })
            .await?;
        let list: &[enums::Update] = match &updates {
            enums::Updates::Updates(u) => &u.updates,
            enums::Updates::Combined(u) => &u.updates,
            enums::Updates::UpdateShort(u) => std::slice::from_ref(&u.update),
            _ => &[],
        };
        let raw_poll = match message.raw_media() {
            Some(enums::MessageMedia::Poll(m)) => m.poll.clone(),
            _ => return Err(Error::Unexpected(format!("message {id} lost its poll"))),
        };
        list.iter()
            .find_map(|u| match u {
                enums::Update::MessagePoll(p) if p.poll_id == poll.id => Some(Poll::from_raw(
                    p.poll.as_ref().unwrap_or(&raw_poll),
                    &p.results,
                )),
                _ => None,
            })
            .ok_or_else(|| {
                Error::Unexpected("the answer to messages.sendVote holds no poll".into())
            })
    }

    /// Closes the poll of message `id` of `chat` (its author only); returns the final
    /// poll.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client, id: i32) -> oxigram::Result<()> {
    /// let poll = app.stop_poll("@group", id).await?;
    /// for option in &poll.options {
    ///     println!("{}: {} votes", option.text, option.voter_count);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn stop_poll(&self, chat: impl Into<PeerRef>, id: i32) -> crate::Result<Poll> {
        let peer = Target::named(chat).resolve(self).await?;
        let (message, _) = poll_of(self, &peer, id).await?;
        let mut poll = match message.raw_media() {
            Some(enums::MessageMedia::Poll(m)) => m.poll.clone(),
            _ => return Err(Error::Unexpected(format!("message {id} lost its poll"))),
        };
        let enums::Poll::Poll(p) = &mut poll;
        p.closed = true;
        let media = enums::InputMedia::Poll(Box::new(types::InputMediaPoll {
            poll,
            correct_answers: None,
            attached_media: None,
            solution_and_solution_entities: None,
            solution_media: None,
        }));
        let updates = self
            .invoke(functions::messages::EditMessage {
                no_webpage: false,
                invert_media: false,
                peer,
                id,
                message: None,
                media: Some(media),
                reply_markup: None,
                entities: None,
                schedule_date: None,
                schedule_repeat_period: None,
                quick_reply_shortcut_id: None,
                rich_message: None,
            })
            .await?;
        one_message(self, &updates, None, None, "messages.editMessage")?
            .poll()
            .ok_or_else(|| Error::Unexpected(format!("message {id} came back without its poll")))
    }

    /// Replaces the caption of media message `id` of `chat`; returns the edited
    /// message. (A caption is the text of a media message: this is
    /// [`edit_message_text`](Client::edit_message_text) by its Pyrogram name.)
    ///
    /// ```no_run
    /// # use oxigram::ParseMode;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let photo = app.send_photo("me", "cat.jpg").caption("a cat").await?;
    /// app.edit_message_caption("me", photo.id(), "<b>the</b> cat")
    ///     .parse_mode(ParseMode::Html)
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn edit_message_caption(
        &self,
        chat: impl Into<PeerRef>,
        id: i32,
        caption: impl Into<String>,
    ) -> super::EditMessageText {
        self.edit_message_text(chat, id, caption)
    }

    /// Replaces the text of an inline message (one sent through this bot, named by
    /// [`ChosenInlineResult::inline_message_id`](crate::types::ChosenInlineResult::inline_message_id)
    /// or [`CallbackQuery::inline_message_id`](crate::types::CallbackQuery::inline_message_id)).
    /// The keyboard is removed unless given again. The answer holds no message
    /// (`None`): the bot need not be in the chat.
    ///
    /// ```no_run
    /// # async fn demo(chosen: oxigram::types::ChosenInlineResult) -> oxigram::Result<()> {
    /// if let Some(id) = chosen.inline_message_id() {
    ///     chosen.client().edit_inline_text(id.clone(), "picked!").await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn edit_inline_text(
        &self,
        inline_message_id: enums::InputBotInlineMessageID,
        text: impl Into<String>,
    ) -> super::EditQueryMessage {
        super::EditQueryMessage::inline(self.clone(), inline_message_id, text.into())
    }

    /// Replaces the inline keyboard under message `id` of `chat` (`None` removes it);
    /// returns the edited message.
    ///
    /// ```no_run
    /// use oxigram::types::{InlineButton, InlineKeyboard};
    /// # async fn demo(app: oxigram::Client, chat: i64, id: i32) -> oxigram::Result<()> {
    /// let keyboard = InlineKeyboard::new().row([InlineButton::callback("Again", "again")]);
    /// app.edit_message_reply_markup(chat, id, keyboard).await?;
    /// app.edit_message_reply_markup(chat, id, None).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn edit_message_reply_markup(
        &self,
        chat: impl Into<PeerRef>,
        id: i32,
        markup: impl Into<Option<InlineKeyboard>>,
    ) -> EditMessageReplyMarkup {
        EditMessageReplyMarkup {
            client: self.clone(),
            chat: Target::named(chat),
            id,
            markup: markup.into(),
        }
    }
}

fn new_poll(out: Outgoing, question: String, options: Vec<String>) -> SendPoll {
    SendPoll {
        out,
        question,
        options,
        anonymous: true,
        multiple_answers: false,
        correct: None,
        explanation: None,
    }
}

impl Message {
    fn replying(&self) -> Outgoing {
        let mut out = Outgoing::new(self.client().clone(), Target::Known(self.chat().clone()));
        out.reply_to = Some(self.id());
        out
    }

    /// Replies with the point at `latitude`, `longitude`.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// if msg.text() == "/where" {
    ///     msg.reply_location(51.5007, -0.1246).await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn reply_location(&self, latitude: f64, longitude: f64) -> SendLocation {
        SendLocation {
            out: self.replying(),
            latitude,
            longitude,
        }
    }

    /// Replies with a dice (🎲 unless [`emoji`](SendDice::emoji) says otherwise).
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// let thrown = msg.reply_dice().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reply_dice(&self) -> SendDice {
        SendDice {
            out: self.replying(),
            emoji: "🎲".into(),
        }
    }

    /// Replies with a poll asking `question` with `options`.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.reply_poll("Lunch?", ["Pizza", "Sushi", "Salad"])
    ///     .anonymous(false)
    ///     .multiple_answers()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reply_poll(
        &self,
        question: impl Into<String>,
        options: impl IntoIterator<Item = impl Into<String>>,
    ) -> SendPoll {
        new_poll(
            self.replying(),
            question.into(),
            options.into_iter().map(Into::into).collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing;

    #[test]
    fn a_quiz_names_its_right_option_and_checks_it_exists() {
        let client = testing::client(Some(1));
        let quiz = client
            .send_poll(5, "?", ["a", "b"])
            .quiz(1)
            .anonymous(false);
        let Ok(enums::InputMedia::Poll(media)) = quiz.media() else {
            panic!("a poll");
        };
        assert_eq!(media.correct_answers, Some(vec![1]));
        let enums::Poll::Poll(poll) = &media.poll;
        assert!(poll.quiz && poll.public_voters && !poll.multiple_choice);
        assert_eq!(poll.answers.len(), 2);
        let wrong = client.send_poll(5, "?", ["a", "b"]).quiz(2).media();
        assert!(matches!(wrong, Err(Error::Unsupported(_))));
    }

    #[test]
    fn a_media_send_carries_its_options() {
        let client = testing::client(Some(1));
        let send = client.send_dice(5).emoji("🎯").reply_to(3).silent();
        let request = send.out.request(
            enums::InputPeer::InputPeerSelf,
            enums::InputMedia::Dice(types::InputMediaDice {
                emoticon: send.emoji.clone(),
            }),
            9,
        );
        assert!(request.silent);
        assert_eq!(request.random_id, 9);
        assert!(matches!(
            &request.reply_to,
            Some(enums::InputReplyTo::Message(r)) if r.reply_to_msg_id == 3
        ));
        let markup = client
            .edit_message_reply_markup(5, 7, None)
            .request(enums::InputPeer::InputPeerSelf);
        assert!(markup.reply_markup.is_none() && markup.message.is_none());
    }
}
