//! Media that is not a file: places, venues, contacts, dice and polls. A poll is kept
//! once for the whole world (every copy of its message shows the same votes).

use std::collections::BTreeMap;

use bytes::Bytes;
use oxigram_tl::{enums, types};

use super::{ChangeError, Changed, Logged, PeerRef, StoredMessage, World};

/// The most options a poll has (Telegram's limit).
pub const MAX_POLL_OPTIONS: usize = 12;

/// A message's media other than a file.
#[derive(Debug, Clone, PartialEq)]
pub enum StoredMedia {
    /// A point on the map.
    Geo {
        /// Latitude.
        lat: f64,
        /// Longitude.
        long: f64,
    },
    /// A place with a name.
    Venue {
        /// Latitude.
        lat: f64,
        /// Longitude.
        long: f64,
        /// Its name.
        title: String,
        /// Its address.
        address: String,
        /// The venue database (`foursquare`, `gplaces`), or empty.
        provider: String,
        /// Its id in that database.
        venue_id: String,
        /// Its type in that database.
        venue_type: String,
    },
    /// A phone contact.
    Contact {
        /// The phone number.
        phone: String,
        /// First name.
        first_name: String,
        /// Last name.
        last_name: String,
        /// A vCard, or empty.
        vcard: String,
        /// The account with that phone (0: none).
        user_id: i64,
    },
    /// An animated emoji with a value.
    Dice {
        /// The emoji thrown.
        emoji: String,
        /// What it showed.
        value: i32,
    },
    /// A poll: its id in the world's polls.
    Poll(i64),
    /// A link preview asked for by the sender (the test DC fetches no page: it shows
    /// the URL alone, with the sizes asked for).
    WebPage {
        /// The page.
        url: String,
        /// Shown large.
        force_large: bool,
        /// Shown small.
        force_small: bool,
    },
}

/// A poll and its votes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPoll {
    /// Its id.
    pub id: i64,
    /// Who made it.
    pub creator: i64,
    /// The question.
    pub question: String,
    /// The options' texts (an option's bytes are its index, as a decimal string).
    pub options: Vec<String>,
    /// Closed: no more votes.
    pub closed: bool,
    /// Voters are shown.
    pub public_voters: bool,
    /// A voter may pick several options.
    pub multiple_choice: bool,
    /// A quiz: one right answer, one vote each, not taken back.
    pub quiz: bool,
    /// A quiz's right options.
    pub correct: Vec<usize>,
    /// A quiz's explanation.
    pub solution: Option<String>,
    /// Each voter's options.
    pub votes: BTreeMap<i64, Vec<usize>>,
}

/// Why a vote is refused, as Telegram names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VoteError {
    /// No such poll (`MESSAGE_ID_INVALID`).
    #[error("MESSAGE_ID_INVALID")]
    NoPoll,
    /// The poll is closed (`MESSAGE_POLL_CLOSED`).
    #[error("MESSAGE_POLL_CLOSED")]
    Closed,
    /// An option it does not have (`OPTION_INVALID`).
    #[error("OPTION_INVALID")]
    BadOption,
    /// Several options in a single-choice poll (`OPTIONS_TOO_MUCH`).
    #[error("OPTIONS_TOO_MUCH")]
    TooMany,
    /// A quiz answered before, or its vote taken back (`REVOTE_NOT_ALLOWED`).
    #[error("REVOTE_NOT_ALLOWED")]
    Revote,
}

/// The polls of the world.
#[derive(Debug, Default)]
pub(crate) struct Polls {
    polls: BTreeMap<i64, StoredPoll>,
}

/// The bytes of option `index`.
pub fn option_bytes(index: usize) -> Bytes {
    Bytes::from(index.to_string())
}

impl World {
    /// Stores a poll made by `poll.creator`; returns its id (the one in `poll` is
    /// replaced).
    pub fn create_poll(&mut self, mut poll: StoredPoll) -> i64 {
        let id = 7_000_000 + self.polls.polls.len() as i64 + 1;
        poll.id = id;
        self.polls.polls.insert(id, poll);
        id
    }

    /// A poll by id.
    pub fn poll(&self, id: i64) -> Option<&StoredPoll> {
        self.polls.polls.get(&id)
    }

    /// Records `voter`'s choice (an empty one takes the vote back).
    pub fn vote(&mut self, id: i64, voter: i64, options: &[Bytes]) -> Result<(), VoteError> {
        let poll = self.polls.polls.get_mut(&id).ok_or(VoteError::NoPoll)?;
        if poll.closed {
            return Err(VoteError::Closed);
        }
        let mut chosen = Vec::with_capacity(options.len());
        for option in options {
            let index = std::str::from_utf8(option)
                .ok()
                .and_then(|s| s.parse::<usize>().ok())
                .filter(|&i| i < poll.options.len() && option[..] == option_bytes(i)[..])
                .ok_or(VoteError::BadOption)?;
            if !chosen.contains(&index) {
                chosen.push(index);
            }
        }
        if chosen.len() > 1 && !poll.multiple_choice {
            return Err(VoteError::TooMany);
        }
        if poll.quiz && (poll.votes.contains_key(&voter) || chosen.is_empty()) {
            return Err(VoteError::Revote);
        }
        if chosen.is_empty() {
            poll.votes.remove(&voter);
        } else {
            poll.votes.insert(voter, chosen);
        }
        Ok(())
    }

    /// Closes a poll; `false` if it was closed already (or does not exist).
    pub fn close_poll(&mut self, id: i64) -> bool {
        match self.polls.polls.get_mut(&id) {
            Some(p) if !p.closed => {
                p.closed = true;
                true
            }
            _ => false,
        }
    }

    /// The TL media of `media` as `viewer` sees it.
    pub fn media(&self, media: &StoredMedia, viewer: i64) -> enums::MessageMedia {
        let geo = |lat: f64, long: f64| {
            enums::GeoPoint::GeoPoint(types::GeoPoint {
                long,
                lat,
                access_hash: 0,
                accuracy_radius: None,
            })
        };
        match media {
            StoredMedia::Geo { lat, long } => enums::MessageMedia::Geo(types::MessageMediaGeo {
                geo: geo(*lat, *long),
            }),
            StoredMedia::Venue {
                lat,
                long,
                title,
                address,
                provider,
                venue_id,
                venue_type,
            } => enums::MessageMedia::Venue(Box::new(types::MessageMediaVenue {
                geo: geo(*lat, *long),
                title: title.clone(),
                address: address.clone(),
                provider: provider.clone(),
                venue_id: venue_id.clone(),
                venue_type: venue_type.clone(),
            })),
            StoredMedia::Contact {
                phone,
                first_name,
                last_name,
                vcard,
                user_id,
            } => enums::MessageMedia::Contact(types::MessageMediaContact {
                phone_number: phone.clone(),
                first_name: first_name.clone(),
                last_name: last_name.clone(),
                vcard: vcard.clone(),
                user_id: *user_id,
            }),
            StoredMedia::Dice { emoji, value } => {
                enums::MessageMedia::Dice(types::MessageMediaDice {
                    value: *value,
                    emoticon: emoji.clone(),
                    game_outcome: None,
                })
            }
            StoredMedia::Poll(id) => match self.poll(*id) {
                Some(p) => enums::MessageMedia::Poll(Box::new(types::MessageMediaPoll {
                    poll: poll_tl(p, viewer),
                    results: poll_results(p, viewer),
                    attached_media: None,
                })),
                None => enums::MessageMedia::Unsupported,
            },
            StoredMedia::WebPage {
                url,
                force_large,
                force_small,
            } => enums::MessageMedia::WebPage(types::MessageMediaWebPage {
                force_large_media: *force_large,
                force_small_media: *force_small,
                manual: true,
                safe: false,
                webpage: enums::WebPage::Empty(types::WebPageEmpty {
                    // The same page, the same id.
                    id: url.bytes().fold(0x77eb_i64, |h, b| {
                        h.wrapping_mul(31).wrapping_add(i64::from(b))
                    }),
                    url: Some(url.clone()),
                }),
            }),
        }
    }
}

impl World {
    /// Every copy of message `id` of `peer` in `owner`'s view: (box owner, the copy). A
    /// channel message has one copy, shown as `owner` sees it.
    pub fn copies_of(&self, owner: i64, peer: PeerRef, id: i32) -> Vec<(i64, StoredMessage)> {
        let Some(m) = self.message_in(owner, peer, id) else {
            return Vec::new();
        };
        let others = m
            .copies
            .iter()
            .filter_map(|&(o, i)| self.get(o, i).map(|c| (o, c)))
            .collect::<Vec<_>>();
        std::iter::once((owner, m)).chain(others).collect()
    }

    /// Marks message `id` of `peer` (sent by `editor`) and its copies edited at `date`
    /// because its media changed (a poll closed): each box's pts advances.
    pub fn media_edited(
        &mut self,
        editor: i64,
        peer: PeerRef,
        id: i32,
        date: i32,
    ) -> Result<Vec<Changed>, ChangeError> {
        let mine = self
            .message_in(editor, peer, id)
            .ok_or(ChangeError::NoMessage)?;
        if mine.from != editor {
            return Err(ChangeError::NotAuthor);
        }
        let copies: Vec<(i64, i32)> = std::iter::once((editor, id)).chain(mine.copies).collect();
        let mut changed = Vec::new();
        for (owner, box_id) in copies {
            let b = match peer {
                PeerRef::Channel(c) => self.channel_boxes.get_mut(&c),
                _ => self.boxes.get_mut(&owner),
            };
            let Some(b) = b else { continue };
            let Some(m) = b.messages.iter_mut().find(|m| m.id == box_id) else {
                continue;
            };
            m.edit_date = Some(date);
            let m = m.clone();
            b.pts += 1;
            b.log.push((b.pts, Logged::Edit(box_id)));
            changed.push((owner, m, b.pts));
        }
        Ok(changed)
    }
}

fn text(text: &str) -> enums::TextWithEntities {
    enums::TextWithEntities::TextWithEntities(types::TextWithEntities {
        text: text.to_owned(),
        entities: vec![],
    })
}

/// The TL poll.
pub fn poll_tl(p: &StoredPoll, viewer: i64) -> enums::Poll {
    enums::Poll::Poll(Box::new(types::Poll {
        id: p.id,
        closed: p.closed,
        public_voters: p.public_voters,
        multiple_choice: p.multiple_choice,
        quiz: p.quiz,
        open_answers: false,
        revoting_disabled: false,
        shuffle_answers: false,
        hide_results_until_close: false,
        creator: p.creator == viewer,
        subscribers_only: false,
        question: text(&p.question),
        answers: p
            .options
            .iter()
            .enumerate()
            .map(|(i, t)| {
                enums::PollAnswer::PollAnswer(Box::new(types::PollAnswer {
                    text: text(t),
                    option: option_bytes(i),
                    media: None,
                    added_by_and_date: None,
                }))
            })
            .collect(),
        close_period: None,
        close_date: None,
        countries_iso2: None,
        hash: 0,
    }))
}

/// The votes of a poll as `viewer` sees them: counts for everyone, the viewer's own
/// choice, and a quiz's right answer once the viewer voted or the poll closed.
pub fn poll_results(p: &StoredPoll, viewer: i64) -> enums::PollResults {
    let mine = p.votes.get(&viewer);
    let show_correct = p.quiz && (mine.is_some() || p.closed);
    let results = (0..p.options.len())
        .map(|i| {
            let voters = p.votes.values().filter(|v| v.contains(&i)).count() as i32;
            enums::PollAnswerVoters::PollAnswerVoters(types::PollAnswerVoters {
                chosen: mine.is_some_and(|v| v.contains(&i)),
                correct: show_correct && p.correct.contains(&i),
                option: option_bytes(i),
                voters_and_recent_voters: Some((voters, vec![])),
            })
        })
        .collect();
    enums::PollResults::PollResults(Box::new(types::PollResults {
        min: false,
        has_unread_votes: false,
        can_view_stats: false,
        results: Some(results),
        total_voters: Some(p.votes.len() as i32),
        recent_voters: None,
        solution_and_solution_entities: p
            .solution
            .clone()
            .filter(|_| show_correct)
            .map(|s| (s, vec![])),
        solution_media: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll(quiz: bool, multiple_choice: bool) -> StoredPoll {
        StoredPoll {
            id: 0,
            creator: 1,
            question: "?".into(),
            options: vec!["a".into(), "b".into(), "c".into()],
            closed: false,
            public_voters: false,
            multiple_choice,
            quiz,
            correct: if quiz { vec![1] } else { vec![] },
            solution: None,
            votes: BTreeMap::new(),
        }
    }

    #[test]
    fn votes_follow_the_poll_kind_and_stop_when_closed() {
        let mut world = World::new(1);
        let single = world.create_poll(poll(false, false));
        let two = [option_bytes(0), option_bytes(2)];
        assert_eq!(world.vote(single, 5, &two), Err(VoteError::TooMany));
        assert_eq!(
            world.vote(single, 5, &[Bytes::from("9")]),
            Err(VoteError::BadOption)
        );
        assert_eq!(
            world.vote(single, 5, &[Bytes::from("01")]),
            Err(VoteError::BadOption)
        );
        world.vote(single, 5, &two[..1]).unwrap();
        world.vote(single, 5, &[]).unwrap();
        assert!(world.poll(single).unwrap().votes.is_empty());
        let multi = world.create_poll(poll(false, true));
        world.vote(multi, 5, &two).unwrap();
        assert_eq!(world.poll(multi).unwrap().votes[&5], [0, 2]);
        let quiz = world.create_poll(poll(true, false));
        world.vote(quiz, 5, &two[1..]).unwrap();
        assert_eq!(world.vote(quiz, 5, &two[..1]), Err(VoteError::Revote));
        assert!(world.close_poll(quiz));
        assert!(!world.close_poll(quiz));
        assert_eq!(world.vote(quiz, 6, &two[..1]), Err(VoteError::Closed));
        let enums::PollResults::PollResults(r) = poll_results(world.poll(quiz).unwrap(), 6);
        assert_eq!(r.total_voters, Some(1));
    }
}
