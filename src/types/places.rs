//! Media that is not a file: a place on the map, a venue, a shared contact, a thrown
//! dice and a poll with its votes.

use bytes::Bytes;

use crate::tl::enums;

/// A point on the map.
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// if let Some(at) = message.location() {
///     println!("{:.5}, {:.5} (±{:?} m)", at.latitude, at.longitude, at.accuracy_radius);
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Location {
    /// Latitude, in degrees.
    pub latitude: f64,
    /// Longitude, in degrees.
    pub longitude: f64,
    /// How far off the point may be, in meters, if the sender said.
    pub accuracy_radius: Option<i32>,
}

impl Location {
    /// The location `geo` names; `None` for `geoPointEmpty`.
    pub fn from_raw(geo: &enums::GeoPoint) -> Option<Location> {
        match geo {
            enums::GeoPoint::GeoPoint(g) => Some(Location {
                latitude: g.lat,
                longitude: g.long,
                accuracy_radius: g.accuracy_radius,
            }),
            enums::GeoPoint::Empty => None,
        }
    }
}

/// A place with a name and an address.
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// if let Some(venue) = message.venue() {
///     println!("{}, {}", venue.title, venue.address);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Venue {
    /// Where it is.
    pub location: Option<Location>,
    /// Its name.
    pub title: String,
    /// Its address.
    pub address: String,
    /// The venue database it comes from (`foursquare`, `gplaces`), or empty.
    pub provider: String,
    /// Its id in that database.
    pub venue_id: String,
    /// Its type in that database.
    pub venue_type: String,
}

/// A shared phone contact.
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// if let Some(contact) = message.contact() {
///     println!("{} {}: {}", contact.first_name, contact.last_name, contact.phone_number);
///     if let Some(id) = contact.user_id {
///         println!("on Telegram as {id}");
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Contact {
    /// The phone number.
    pub phone_number: String,
    /// First name.
    pub first_name: String,
    /// Last name (may be empty).
    pub last_name: String,
    /// A vCard (may be empty).
    pub vcard: String,
    /// The Telegram account with that number, if there is one.
    pub user_id: Option<i64>,
}

/// An animated emoji thrown with a random value (🎲 1–6, 🎯 1–6, 🏀 1–5, ⚽ 1–5, 🎳
/// 1–6, 🎰 1–64).
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// if let Some(dice) = message.dice() {
///     if dice.emoji == "🎲" && dice.value == 6 {
///         println!("a six!");
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dice {
    /// The emoji thrown.
    pub emoji: String,
    /// What it shows.
    pub value: i32,
}

/// A poll, with the votes as the viewing account sees them.
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// if let Some(poll) = message.poll() {
///     println!("{} ({} voters, closed: {})", poll.question, poll.total_voters, poll.closed);
///     if poll.quiz {
///         println!("right answer: {:?}", poll.correct_option());
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Poll {
    /// Its id.
    pub id: i64,
    /// The question.
    pub question: String,
    /// The options, in order.
    pub options: Vec<PollOption>,
    /// Everyone who voted.
    pub total_voters: i32,
    /// Closed: no more votes.
    pub closed: bool,
    /// Voters are not shown.
    pub anonymous: bool,
    /// A quiz: one right answer.
    pub quiz: bool,
    /// A voter may pick several options.
    pub multiple_answers: bool,
    /// A quiz's explanation, once this account may see it.
    pub explanation: Option<String>,
}

/// One option of a [`Poll`].
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// if let Some(poll) = message.poll() {
///     for option in &poll.options {
///         let mark = if option.chosen { "✓" } else { " " };
///         println!("{mark} {}: {}", option.text, option.voter_count);
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollOption {
    /// Its text.
    pub text: String,
    /// The bytes that name it in a vote.
    pub data: Bytes,
    /// How many voted for it (0 when the results are hidden).
    pub voter_count: i32,
    /// This account voted for it.
    pub chosen: bool,
    /// The right answer of a quiz (known once this account voted or the quiz closed).
    pub correct: bool,
}

impl Poll {
    /// The poll from its raw parts, as `messageMediaPoll` and `updateMessagePoll` carry
    /// them.
    pub fn from_raw(poll: &enums::Poll, results: &enums::PollResults) -> Poll {
        let enums::Poll::Poll(poll) = poll;
        let enums::PollResults::PollResults(results) = results;
        let voters = results.results.as_deref().unwrap_or_default();
        let options = poll
            .answers
            .iter()
            .filter_map(|answer| match answer {
                enums::PollAnswer::PollAnswer(a) => Some((text_of(&a.text), a.option.clone())),
                // Only polls being sent have options without bytes.
                enums::PollAnswer::InputPollAnswer(_) => None,
            })
            .map(|(text, data)| {
                let result = voters.iter().find_map(|v| match v {
                    enums::PollAnswerVoters::PollAnswerVoters(v) if v.option == data => Some(v),
                    _ => None,
                });
                PollOption {
                    text,
                    voter_count: result
                        .and_then(|r| r.voters_and_recent_voters.as_ref())
                        .map_or(0, |(n, _)| *n),
                    chosen: result.is_some_and(|r| r.chosen),
                    correct: result.is_some_and(|r| r.correct),
                    data,
                }
            })
            .collect();
        Poll {
            id: poll.id,
            question: text_of(&poll.question),
            options,
            total_voters: results.total_voters.unwrap_or(0),
            closed: poll.closed,
            anonymous: !poll.public_voters,
            quiz: poll.quiz,
            multiple_answers: poll.multiple_choice,
            explanation: results
                .solution_and_solution_entities
                .as_ref()
                .map(|(s, _)| s.clone()),
        }
    }

    /// The options this account voted for, by index.
    pub fn chosen_options(&self) -> Vec<usize> {
        (0..self.options.len())
            .filter(|&i| self.options[i].chosen)
            .collect()
    }

    /// A quiz's right option, by index, once known.
    pub fn correct_option(&self) -> Option<usize> {
        self.options.iter().position(|o| o.correct)
    }
}

fn text_of(text: &enums::TextWithEntities) -> String {
    let enums::TextWithEntities::TextWithEntities(t) = text;
    t.text.clone()
}

/// The non-file media of `media`, read for the accessors of [`Message`](crate::Message).
pub(crate) fn location(media: &enums::MessageMedia) -> Option<Location> {
    match media {
        enums::MessageMedia::Geo(m) => Location::from_raw(&m.geo),
        enums::MessageMedia::GeoLive(m) => Location::from_raw(&m.geo),
        enums::MessageMedia::Venue(m) => Location::from_raw(&m.geo),
        _ => None,
    }
}

pub(crate) fn venue(media: &enums::MessageMedia) -> Option<Venue> {
    match media {
        enums::MessageMedia::Venue(m) => Some(Venue {
            location: Location::from_raw(&m.geo),
            title: m.title.clone(),
            address: m.address.clone(),
            provider: m.provider.clone(),
            venue_id: m.venue_id.clone(),
            venue_type: m.venue_type.clone(),
        }),
        _ => None,
    }
}

pub(crate) fn contact(media: &enums::MessageMedia) -> Option<Contact> {
    match media {
        enums::MessageMedia::Contact(m) => Some(Contact {
            phone_number: m.phone_number.clone(),
            first_name: m.first_name.clone(),
            last_name: m.last_name.clone(),
            vcard: m.vcard.clone(),
            user_id: Some(m.user_id).filter(|&id| id != 0),
        }),
        _ => None,
    }
}

pub(crate) fn dice(media: &enums::MessageMedia) -> Option<Dice> {
    match media {
        enums::MessageMedia::Dice(m) => Some(Dice {
            emoji: m.emoticon.clone(),
            value: m.value,
        }),
        _ => None,
    }
}

pub(crate) fn poll(media: &enums::MessageMedia) -> Option<Poll> {
    match media {
        enums::MessageMedia::Poll(m) => Some(Poll::from_raw(&m.poll, &m.results)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tl::types;

    fn text(t: &str) -> enums::TextWithEntities {
        enums::TextWithEntities::TextWithEntities(types::TextWithEntities {
            text: t.into(),
            entities: vec![],
        })
    }

    #[test]
    fn a_poll_reads_its_options_with_their_votes() {
        let answer = |t: &str, o: &'static [u8]| {
            enums::PollAnswer::PollAnswer(Box::new(types::PollAnswer {
                text: text(t),
                option: Bytes::from_static(o),
                media: None,
                added_by_and_date: None,
            }))
        };
        let poll = enums::Poll::Poll(Box::new(types::Poll {
            id: 9,
            closed: true,
            public_voters: false,
            multiple_choice: false,
            quiz: true,
            open_answers: false,
            revoting_disabled: false,
            shuffle_answers: false,
            hide_results_until_close: false,
            creator: false,
            subscribers_only: false,
            question: text("2+2?"),
            answers: vec![answer("3", b"a"), answer("4", b"b")],
            close_period: None,
            close_date: None,
            countries_iso2: None,
            hash: 0,
        }));
        let voters = |o: &'static [u8], n, chosen, correct| {
            enums::PollAnswerVoters::PollAnswerVoters(types::PollAnswerVoters {
                chosen,
                correct,
                option: Bytes::from_static(o),
                voters_and_recent_voters: Some((n, vec![])),
            })
        };
        let results = enums::PollResults::PollResults(Box::new(types::PollResults {
            min: false,
            has_unread_votes: false,
            can_view_stats: false,
            results: Some(vec![
                voters(b"b", 2, true, true),
                voters(b"a", 1, false, false),
            ]),
            total_voters: Some(3),
            recent_voters: None,
            solution_and_solution_entities: Some(("basic sums".into(), vec![])),
            solution_media: None,
        }));
        let poll = Poll::from_raw(&poll, &results);
        assert_eq!(poll.question, "2+2?");
        let counts: Vec<(&str, i32)> = poll
            .options
            .iter()
            .map(|o| (o.text.as_str(), o.voter_count))
            .collect();
        assert_eq!(counts, [("3", 1), ("4", 2)]);
        assert_eq!(
            (poll.chosen_options(), poll.correct_option()),
            (vec![1], Some(1))
        );
        assert!(poll.closed && poll.quiz && poll.anonymous && !poll.multiple_answers);
        assert_eq!(poll.explanation.as_deref(), Some("basic sums"));
        assert_eq!(poll.total_voters, 3);
    }

    #[test]
    fn places_and_contacts_read_from_their_media() {
        let geo = enums::GeoPoint::GeoPoint(types::GeoPoint {
            long: 2.35,
            lat: 48.85,
            access_hash: 0,
            accuracy_radius: None,
        });
        let venue_media = enums::MessageMedia::Venue(Box::new(types::MessageMediaVenue {
            geo,
            title: "Louvre".into(),
            address: "Rue de Rivoli".into(),
            provider: String::new(),
            venue_id: String::new(),
            venue_type: String::new(),
        }));
        let at = location(&venue_media).unwrap();
        assert_eq!((at.latitude, at.longitude), (48.85, 2.35));
        assert_eq!(venue(&venue_media).unwrap().title, "Louvre");
        assert!(contact(&venue_media).is_none() && dice(&venue_media).is_none());
        let card = enums::MessageMedia::Contact(types::MessageMediaContact {
            phone_number: "123".into(),
            first_name: "Ann".into(),
            last_name: String::new(),
            vcard: String::new(),
            user_id: 0,
        });
        assert_eq!(contact(&card).unwrap().user_id, None);
        assert!(
            location(&enums::MessageMedia::Geo(types::MessageMediaGeo {
                geo: enums::GeoPoint::Empty
            }))
            .is_none()
        );
    }
}
