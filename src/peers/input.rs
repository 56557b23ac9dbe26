//! Cached records as the `InputPeer`, `InputUser` and `InputChannel` that requests take.
//!
//! A record with access hash 0 for a user or channel (seen only as `min`) converts, but
//! the server refuses what it names; [`resolve_peer`](super::resolve_peer) never hands one
//! out.

use super::PeerError;
use super::record::BareId;
use crate::storage::{PeerKind, PeerRecord};
use crate::tl::{enums, types};

fn bare(record: &PeerRecord) -> Option<BareId> {
    let bare = BareId::from_bot_api(record.id)?;
    let matches = match bare {
        BareId::User(_) => matches!(record.kind, PeerKind::User | PeerKind::Bot),
        BareId::Chat(_) => matches!(record.kind, PeerKind::Group),
        BareId::Channel(_) => matches!(record.kind, PeerKind::Channel | PeerKind::Supergroup),
    };
    matches.then_some(bare)
}

fn wrong_kind(record: &PeerRecord, wanted: &'static str) -> PeerError {
    PeerError::WrongKind {
        id: record.id,
        kind: record.kind,
        wanted,
    }
}

impl TryFrom<&PeerRecord> for enums::InputPeer {
    type Error = PeerError;

    /// `inputPeerUser`, `inputPeerChat` or `inputPeerChannel`; fails only for a record
    /// whose id and kind disagree (a damaged store).
    fn try_from(record: &PeerRecord) -> Result<Self, PeerError> {
        let access_hash = record.access_hash;
        Ok(
            match bare(record).ok_or_else(|| wrong_kind(record, "a peer"))? {
                BareId::User(user_id) => types::InputPeerUser {
                    user_id,
                    access_hash,
                }
                .into(),
                BareId::Chat(chat_id) => types::InputPeerChat { chat_id }.into(),
                BareId::Channel(channel_id) => types::InputPeerChannel {
                    channel_id,
                    access_hash,
                }
                .into(),
            },
        )
    }
}

impl TryFrom<&PeerRecord> for enums::InputUser {
    type Error = PeerError;

    /// `inputUser`; fails for groups and channels.
    fn try_from(record: &PeerRecord) -> Result<Self, PeerError> {
        match bare(record) {
            Some(BareId::User(user_id)) => Ok(types::InputUser {
                user_id,
                access_hash: record.access_hash,
            }
            .into()),
            _ => Err(wrong_kind(record, "a user")),
        }
    }
}

impl TryFrom<&PeerRecord> for enums::InputChannel {
    type Error = PeerError;

    /// `inputChannel`; fails for users and basic groups.
    fn try_from(record: &PeerRecord) -> Result<Self, PeerError> {
        match bare(record) {
            Some(BareId::Channel(channel_id)) => Ok(types::InputChannel {
                channel_id,
                access_hash: record.access_hash,
            }
            .into()),
            _ => Err(wrong_kind(record, "a channel")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64, kind: PeerKind) -> PeerRecord {
        PeerRecord {
            id,
            access_hash: 55,
            kind,
            usernames: vec![],
            phone: None,
            updated_at: 0,
        }
    }

    #[test]
    fn each_kind_becomes_its_input_constructor() {
        let user = record(10, PeerKind::Bot);
        assert_eq!(
            enums::InputPeer::try_from(&user).unwrap(),
            types::InputPeerUser {
                user_id: 10,
                access_hash: 55
            }
            .into()
        );
        assert_eq!(
            enums::InputUser::try_from(&user).unwrap(),
            types::InputUser {
                user_id: 10,
                access_hash: 55
            }
            .into()
        );
        let group = record(-20, PeerKind::Group);
        assert_eq!(
            enums::InputPeer::try_from(&group).unwrap(),
            types::InputPeerChat { chat_id: 20 }.into()
        );
        let channel = record(-1_000_000_000_030, PeerKind::Supergroup);
        assert_eq!(
            enums::InputPeer::try_from(&channel).unwrap(),
            types::InputPeerChannel {
                channel_id: 30,
                access_hash: 55
            }
            .into()
        );
        assert_eq!(
            enums::InputChannel::try_from(&channel).unwrap(),
            types::InputChannel {
                channel_id: 30,
                access_hash: 55
            }
            .into()
        );
    }

    #[test]
    fn the_wrong_kind_is_a_typed_error() {
        let group = record(-20, PeerKind::Group);
        assert!(matches!(
            enums::InputUser::try_from(&group),
            Err(PeerError::WrongKind { id: -20, .. })
        ));
        assert!(enums::InputChannel::try_from(&record(10, PeerKind::User)).is_err());
        // A user id stored as a channel: the store is damaged.
        assert!(enums::InputPeer::try_from(&record(10, PeerKind::Channel)).is_err());
    }
}
