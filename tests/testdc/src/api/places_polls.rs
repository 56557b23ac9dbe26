//! `messages.sendMedia` for media that is not a file (places, venues, contacts, dice,
//! polls), votes (`messages.sendVote`), and closing a poll by editing its message.

use std::collections::BTreeMap;

use oxigram_tl::{Deserialize, Serialize, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me};
use crate::world::{
    MAX_POLL_OPTIONS, PeerRef, Post, StoredMedia, StoredPoll, poll_results, poll_tl,
};

/// What a die of each emoji can show: 1 to this.
fn dice_faces(emoji: &str) -> Option<i32> {
    match emoji {
        "🎲" | "🎯" | "🎳" => Some(6),
        "🏀" | "⚽" => Some(5),
        "🎰" => Some(64),
        _ => None,
    }
}

/// A point the map has, or `None`.
fn point(geo: &enums::InputGeoPoint) -> Option<(f64, f64)> {
    match geo {
        enums::InputGeoPoint::InputGeoPoint(g)
            if (-90.0..=90.0).contains(&g.lat) && (-180.0..=180.0).contains(&g.long) =>
        {
            Some((g.lat, g.long))
        }
        _ => None,
    }
}

fn text_of(t: &enums::TextWithEntities) -> &str {
    let enums::TextWithEntities::TextWithEntities(t) = t;
    &t.text
}

impl ApiState {
    /// Sends the media of `r` that is not a file, as `me`, to `to`.
    pub(super) fn send_other_media(
        &mut self,
        me: i64,
        to: PeerRef,
        r: &functions::messages::SendMedia,
        reply_markup: Option<enums::ReplyMarkup>,
        now: i32,
    ) -> Reply {
        let media = match self.other_media(me, &r.media, r.random_id) {
            Ok(media) => media,
            Err(e) => return error(400, e),
        };
        let entities = match self.stored_entities(me, &r.message, r.entities.as_deref()) {
            Ok(entities) => entities,
            Err(e) => return error(400, e),
        };
        let post = Post {
            from: me,
            text: &r.message,
            date: now,
            reply_markup,
            reply_to: super::messages::reply_to_id(r.reply_to.as_ref()),
            media: Some(media),
            entities,
            invert_media: r.invert_media,
            ..Post::default()
        };
        self.post_message(me, to, &post, r.random_id, false)
    }

    /// The media `media` describes, or the name of the 400 error it earns.
    fn other_media(
        &mut self,
        me: i64,
        media: &enums::InputMedia,
        random_id: i64,
    ) -> Result<StoredMedia, &'static str> {
        Ok(match media {
            enums::InputMedia::GeoPoint(m) => {
                let (lat, long) = point(&m.geo_point).ok_or("GEO_POINT_INVALID")?;
                StoredMedia::Geo { lat, long }
            }
            enums::InputMedia::Venue(m) => {
                let (lat, long) = point(&m.geo_point).ok_or("GEO_POINT_INVALID")?;
                if m.title.trim().is_empty() {
                    return Err("VENUE_TITLE_INVALID");
                }
                StoredMedia::Venue {
                    lat,
                    long,
                    title: m.title.clone(),
                    address: m.address.clone(),
                    provider: m.provider.clone(),
                    venue_id: m.venue_id.clone(),
                    venue_type: m.venue_type.clone(),
                }
            }
            enums::InputMedia::Contact(m) => {
                let phone = m.phone_number.trim_start_matches('+');
                if phone.is_empty() || !phone.bytes().all(|b| b.is_ascii_digit()) {
                    return Err("PHONE_NUMBER_INVALID");
                }
                if m.first_name.trim().is_empty() {
                    return Err("CONTACT_NAME_EMPTY");
                }
                StoredMedia::Contact {
                    phone: phone.to_owned(),
                    first_name: m.first_name.clone(),
                    last_name: m.last_name.clone(),
                    vcard: m.vcard.clone(),
                    user_id: self.world.by_phone(phone).map_or(0, |a| a.id),
                }
            }
            enums::InputMedia::Dice(m) => {
                let faces = dice_faces(&m.emoticon).ok_or("EMOTICON_INVALID")?;
                // From the random id: the same request throws the same value, and a
                // test replays.
                let value = (random_id.rem_euclid(i64::from(faces)) + 1) as i32;
                StoredMedia::Dice {
                    emoji: m.emoticon.clone(),
                    value,
                }
            }
            enums::InputMedia::Poll(m) => StoredMedia::Poll(self.new_poll(me, m)?),
            enums::InputMedia::WebPage(m) => {
                let url = m.url.trim();
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err("WEBPAGE_URL_INVALID");
                }
                if m.force_large_media && m.force_small_media {
                    return Err("MEDIA_INVALID");
                }
                StoredMedia::WebPage {
                    url: url.to_owned(),
                    force_large: m.force_large_media,
                    force_small: m.force_small_media,
                }
            }
            _ => return Err("MEDIA_INVALID"),
        })
    }

    /// Stores the poll `m` describes; its id, or the name of the 400 error it earns.
    fn new_poll(&mut self, me: i64, m: &types::InputMediaPoll) -> Result<i64, &'static str> {
        let enums::Poll::Poll(poll) = &m.poll;
        let question = text_of(&poll.question).trim();
        if question.is_empty() || question.chars().count() > 255 {
            return Err("POLL_QUESTION_INVALID");
        }
        if !(2..=MAX_POLL_OPTIONS).contains(&poll.answers.len()) {
            return Err("POLL_ANSWERS_INVALID");
        }
        let mut options: Vec<String> = Vec::with_capacity(poll.answers.len());
        for answer in &poll.answers {
            let t = match answer {
                enums::PollAnswer::InputPollAnswer(a) => text_of(&a.text),
                enums::PollAnswer::PollAnswer(a) => text_of(&a.text),
            };
            let t = t.trim();
            if t.is_empty() || t.chars().count() > 100 {
                return Err("POLL_ANSWER_INVALID");
            }
            if options.iter().any(|o| o == t) {
                return Err("POLL_OPTION_DUPLICATE");
            }
            options.push(t.to_owned());
        }
        let correct: Vec<usize> = m
            .correct_answers
            .iter()
            .flatten()
            .map(|&i| usize::try_from(i).ok().filter(|&i| i < options.len()))
            .collect::<Option<_>>()
            .ok_or("QUIZ_CORRECT_ANSWER_INVALID")?;
        if poll.quiz && correct.len() != 1 {
            return Err("QUIZ_CORRECT_ANSWERS_EMPTY");
        }
        Ok(self.world.create_poll(StoredPoll {
            id: 0,
            creator: me,
            question: question.to_owned(),
            options,
            closed: poll.closed,
            public_voters: poll.public_voters,
            multiple_choice: poll.multiple_choice && !poll.quiz,
            quiz: poll.quiz,
            correct,
            solution: m
                .solution_and_solution_entities
                .as_ref()
                .map(|(s, _)| s.clone()),
            votes: BTreeMap::new(),
        }))
    }

    /// `messages.sendVote`: records the vote and tells everyone holding the poll's
    /// message (`updateMessagePoll`, each with their own view of the results).
    pub(super) fn send_vote(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::messages::SendVote);
        let Some(peer) = self.resolve_peer(me, &r.peer) else {
            return error(400, "PEER_ID_INVALID");
        };
        let Some(m) = self.world.message_in(me, peer, r.msg_id) else {
            return error(400, "MESSAGE_ID_INVALID");
        };
        let Some(StoredMedia::Poll(poll)) = m.media else {
            return error(400, "MESSAGE_ID_INVALID");
        };
        if let Err(e) = self.world.vote(poll, me, &r.options) {
            return error(400, &e.to_string());
        }
        let holders: Vec<(i64, PeerRef, i32)> = match peer {
            PeerRef::Channel(id) => self
                .members_of(id)
                .into_iter()
                .map(|member| (member, peer, r.msg_id))
                .collect(),
            _ => self
                .world
                .copies_of(me, peer, r.msg_id)
                .into_iter()
                .map(|(owner, copy)| (owner, copy.peer, copy.id))
                .collect(),
        };
        self.poll_updates(me, poll, &holders, req.now)
    }

    /// `updateMessagePoll` for each holder; the one for `me` is the answer.
    fn poll_updates(&self, me: i64, poll: i64, holders: &[(i64, PeerRef, i32)], now: i32) -> Reply {
        let Some(p) = self.world.poll(poll) else {
            return error(400, "MESSAGE_ID_INVALID");
        };
        let mut answer = None;
        let mut pushes = Vec::new();
        for &(owner, peer, id) in holders {
            let update = enums::Update::MessagePoll(types::UpdateMessagePoll {
                peer_and_msg_id: Some((peer.tl(), id)),
                top_msg_id: None,
                poll_id: poll,
                poll: Some(poll_tl(p, owner)),
                results: poll_results(p, owner),
            });
            let (users, chats) = self.involved(owner, std::iter::empty(), Some(peer));
            let body = types::Updates {
                updates: vec![update],
                users,
                chats,
                date: now,
                seq: 0,
            }
            .to_bytes();
            if owner == me {
                answer = Some(body);
            } else {
                pushes.push((owner, body));
            }
        }
        let answer = answer.unwrap_or_else(|| {
            types::Updates {
                updates: vec![],
                users: vec![],
                chats: vec![],
                date: now,
                seq: 0,
            }
            .to_bytes()
        });
        Reply::pushing(Ok(answer), pushes)
    }

    /// `messages.editMessage` with new media: only closing a poll (its author sends the
    /// poll back with `closed`); other media edits are refused.
    pub(super) fn edit_media(
        &mut self,
        me: i64,
        peer: PeerRef,
        r: &functions::messages::EditMessage,
        now: i32,
    ) -> Reply {
        let Some(enums::InputMedia::Poll(new)) = &r.media else {
            return error(400, "MEDIA_NEW_INVALID");
        };
        let enums::Poll::Poll(new_poll) = &new.poll;
        let Some(m) = self.world.message_in(me, peer, r.id) else {
            return error(400, "MESSAGE_ID_INVALID");
        };
        let Some(StoredMedia::Poll(poll)) = m.media else {
            return error(400, "MEDIA_NEW_INVALID");
        };
        if m.from != me {
            return error(403, "MESSAGE_AUTHOR_REQUIRED");
        }
        if !new_poll.closed {
            return error(400, "MESSAGE_NOT_MODIFIED");
        }
        if !self.world.close_poll(poll) {
            return error(400, "MESSAGE_POLL_CLOSED");
        }
        match self.world.media_edited(me, peer, r.id, now) {
            Ok(changed) => self.edited(me, peer, changed, now),
            Err(e) => error(400, &e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dice_have_their_faces_and_points_their_bounds() {
        assert_eq!(dice_faces("🎲"), Some(6));
        assert_eq!(dice_faces("🎰"), Some(64));
        assert_eq!(dice_faces("🙂"), None);
        let at = |lat, long| {
            enums::InputGeoPoint::InputGeoPoint(types::InputGeoPoint {
                lat,
                long,
                accuracy_radius: None,
            })
        };
        assert_eq!(point(&at(51.5, -0.1)), Some((51.5, -0.1)));
        assert_eq!(point(&at(91.0, 0.0)), None);
        assert_eq!(point(&enums::InputGeoPoint::Empty), None);
    }
}
