//! `resolve_peer`: from what a user wrote to the `InputPeer` a request takes, asking the
//! server only on a cache miss.

use std::future::Future;

use super::PeerError;
use super::cache::PeerCache;
use super::carries::CarriesPeers;
use super::name::PeerRef;
use super::record::{BareId, Seen, needs_hash, peer_id};
use crate::storage::PeerRecord;
use crate::tl::{RemoteCall, enums, functions, types};
use crate::{Error, Result};

/// How [`resolve_peer`] asks the server: the client implements it with its `invoke`.
pub trait PeerRpc {
    /// Sends `request` and waits for its answer.
    fn invoke<F>(&self, request: &F) -> impl Future<Output = Result<F::Return>> + Send
    where
        F: RemoteCall + Send + Sync,
        F::Return: Send;
}

/// RPC errors that mean "no such peer, or not with that (zero) access hash": they become
/// a [`PeerError::Unknown`] that says what is missing.
const NOT_FOUND: &[&str] = &[
    "PEER_ID_INVALID",
    "USER_ID_INVALID",
    "CHAT_ID_INVALID",
    "CHANNEL_INVALID",
];

/// The `InputPeer` for `peer`: from the cache, or else from the server.
///
/// On a miss:
/// - a username is looked up with `contacts.resolveUsername`, a phone number with
///   `contacts.resolvePhone` (their RPC errors, like `USERNAME_NOT_OCCUPIED`, are
///   returned as they are);
/// - an id without an access hash (never seen, or seen only as `min`) is asked with the
///   hash 0 that bots may use, as Pyrogram does: `users.getUsers`, `messages.getChats`
///   or `channels.getChannels`. If the server does not know it that way either, the
///   error says what is missing.
///
/// Every answer is [remembered](PeerCache::remember); a storage failure then is logged,
/// not returned, since the peer was found.
pub async fn resolve_peer<R>(
    cache: &PeerCache,
    rpc: &R,
    peer: impl Into<PeerRef>,
) -> Result<enums::InputPeer>
where
    R: PeerRpc + Sync + ?Sized,
{
    match peer.into() {
        PeerRef::Me => Ok(enums::InputPeer::InputPeerSelf),
        PeerRef::Id(id) => resolve_id(cache, rpc, id).await,
        PeerRef::Username(name) => {
            if let Some(record) = cache.by_username(&name)?.filter(usable) {
                return input(cache, &record);
            }
            let request = functions::contacts::ResolveUsername {
                username: name,
                referer: None,
            };
            let answer = rpc.invoke(&request).await?;
            from_resolved(cache, &answer, &request.username)
        }
        PeerRef::Phone(phone) => {
            if let Some(record) = cache.by_phone(&phone)?.filter(usable) {
                return input(cache, &record);
            }
            let request = functions::contacts::ResolvePhone { phone };
            let answer = rpc.invoke(&request).await?;
            from_resolved(cache, &answer, &request.phone)
        }
        PeerRef::Unparsable(text) => Err(PeerError::Unparsable(text).into()),
    }
}

/// Whether a record can name its peer in a request.
fn usable(record: &PeerRecord) -> bool {
    record.access_hash != 0 || !needs_hash(record.kind)
}

fn input(cache: &PeerCache, record: &PeerRecord) -> Result<enums::InputPeer> {
    if cache.self_id() == Some(record.id) {
        return Ok(enums::InputPeer::InputPeerSelf);
    }
    Ok(enums::InputPeer::try_from(record)?)
}

fn remember<A: CarriesPeers>(cache: &PeerCache, answer: &A) {
    if let Err(e) = cache.remember(answer) {
        tracing::warn!(error = %e, "peers found but not stored; they are kept in memory");
    }
}

/// The record of `id` as `answer` carries it, built without going through the cache
/// (which may be too small to keep it).
fn carried<A: CarriesPeers>(answer: &A, id: i64) -> Option<PeerRecord> {
    let peers = answer.peers();
    peers
        .users
        .iter()
        .filter_map(Seen::of_user)
        .chain(peers.chats.iter().filter_map(Seen::of_chat))
        .find(|seen| seen.id == id)
        .map(|seen| seen.record(None, 0))
}

fn from_resolved(
    cache: &PeerCache,
    answer: &enums::contacts::ResolvedPeer,
    asked: &str,
) -> Result<enums::InputPeer> {
    remember(cache, answer);
    let enums::contacts::ResolvedPeer::ResolvedPeer(resolved) = answer;
    let id = peer_id(&resolved.peer);
    match carried(answer, id) {
        Some(record) if usable(&record) => input(cache, &record),
        _ => Err(Error::Unexpected(format!(
            "{asked} resolved to {id}, but the answer does not carry it with an access hash"
        ))),
    }
}

async fn resolve_id<R>(cache: &PeerCache, rpc: &R, id: i64) -> Result<enums::InputPeer>
where
    R: PeerRpc + Sync + ?Sized,
{
    if cache.self_id() == Some(id) {
        return Ok(enums::InputPeer::InputPeerSelf);
    }
    let bare = BareId::from_bot_api(id).ok_or_else(|| PeerError::Unparsable(id.to_string()))?;
    let known = cache.get(id)?;
    if let Some(record) = known.as_ref().filter(|r| usable(r)) {
        return input(cache, record);
    }
    let found = match bare {
        BareId::User(user_id) => {
            let request = functions::users::GetUsers {
                id: vec![
                    types::InputUser {
                        user_id,
                        access_hash: 0,
                    }
                    .into(),
                ],
            };
            ask(cache, rpc.invoke(&request).await, id)?
        }
        BareId::Chat(chat_id) => {
            let request = functions::messages::GetChats { id: vec![chat_id] };
            ask(cache, rpc.invoke(&request).await, id)?
        }
        BareId::Channel(channel_id) => {
            let request = functions::channels::GetChannels {
                id: vec![
                    types::InputChannel {
                        channel_id,
                        access_hash: 0,
                    }
                    .into(),
                ],
            };
            ask(cache, rpc.invoke(&request).await, id)?
        }
    };
    match found {
        Some(record) if usable(&record) => input(cache, &record),
        _ => Err(unknown(bare, id, known.is_some()).into()),
    }
}

/// Remembers an answer and finds `id` in it; a "not found" RPC error is no answer.
fn ask<A: CarriesPeers>(
    cache: &PeerCache,
    answer: Result<A>,
    id: i64,
) -> Result<Option<PeerRecord>> {
    match answer {
        Ok(answer) => {
            remember(cache, &answer);
            Ok(carried(&answer, id))
        }
        Err(Error::Rpc(e)) if NOT_FOUND.iter().any(|name| e.is(name)) => {
            tracing::debug!(id, error = %e, "the server does not know the peer by id alone");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn unknown(bare: BareId, id: i64, seen_as_min: bool) -> PeerError {
    let (what, how) = match bare {
        BareId::User(_) => ("user", "resolve it by username or phone"),
        BareId::Chat(_) => ("basic group", "the account is not a member; join it first"),
        BareId::Channel(_) => ("channel", "resolve it by username or link"),
    };
    let missing = match bare {
        BareId::Chat(_) => format!("basic group {id} is unknown to the server: {how}"),
        _ if seen_as_min => format!(
            "{what} {id} was only seen without its access hash (a min {what}, in a group \
             or a forward): {how}, or meet it in an update of its own first"
        ),
        _ => format!(
            "{what} {id} has no access hash in the cache: {how}, or meet it in an update \
             first"
        ),
    };
    PeerError::Unknown {
        peer: id.to_string(),
        missing,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::errors::RpcError;
    use crate::peers::fixtures::{channel, user};
    use crate::storage::{MemoryStorage, PeerKind};
    use crate::tl::{Deserialize, Identifiable, Serialize};

    /// Answers requests from a script of encoded answers (decoded as the request's
    /// answer type, as a connection would) and errors, and records what it was sent.
    #[derive(Default)]
    struct Fake {
        answers: Mutex<Vec<std::result::Result<Vec<u8>, RpcError>>>,
        calls: Mutex<Vec<(&'static str, Vec<u8>)>>,
    }

    type Answer = std::result::Result<Vec<u8>, RpcError>;

    impl Fake {
        fn answering(answers: Vec<Answer>) -> Fake {
            Fake {
                answers: Mutex::new(answers),
                calls: Mutex::default(),
            }
        }

        fn calls(&self) -> Vec<(&'static str, Vec<u8>)> {
            self.calls.lock().unwrap().clone()
        }
    }

    impl PeerRpc for Fake {
        #[allow(clippy::manual_async_fn)]
        fn invoke<F>(&self, request: &F) -> impl Future<Output = Result<F::Return>> + Send
        where
            F: RemoteCall + Send + Sync,
            F::Return: Send,
        {
            let bytes = request.to_bytes();
            let id = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            let name = crate::tl::name_for_id(id).unwrap_or("?");
            self.calls.lock().unwrap().push((name, bytes));
            let next = {
                let mut answers = self.answers.lock().unwrap();
                assert!(!answers.is_empty(), "unexpected call {name}");
                answers.remove(0)
            };
            let result = match next {
                Ok(answer) => Ok(F::Return::from_bytes(&answer)
                    .unwrap_or_else(|e| panic!("the script's answer to {name}: {e}"))),
                Err(error) => Err(Error::Rpc(error)),
            };
            async move { result }
        }
    }

    fn ok(answer: impl Serialize) -> Answer {
        Ok(answer.to_bytes())
    }

    fn rpc_error(name: &str) -> Answer {
        Err(RpcError {
            code: 400,
            name: name.into(),
            value: None,
            method: None,
        })
    }

    fn cache() -> PeerCache {
        PeerCache::new(Arc::new(MemoryStorage::new()))
    }

    fn block_on<T>(f: impl Future<Output = T>) -> T {
        futures_util::FutureExt::now_or_never(f).expect("the fake answers at once")
    }

    fn resolved(peer: enums::Peer, users: Vec<enums::User>, chats: Vec<enums::Chat>) -> Answer {
        let answer: enums::contacts::ResolvedPeer =
            types::contacts::ResolvedPeer { peer, chats, users }.into();
        ok(answer)
    }

    fn input_user(user_id: i64, access_hash: i64) -> enums::InputPeer {
        types::InputPeerUser {
            user_id,
            access_hash,
        }
        .into()
    }

    #[test]
    fn the_resolution_can_move_between_threads() {
        fn send<T: Send>(_: T) {}
        let (cache, fake) = (cache(), Fake::default());
        send(resolve_peer(&cache, &fake, "@somebody"));
    }

    #[test]
    fn a_cached_peer_costs_no_call_and_me_is_self() {
        let cache = cache();
        cache
            .remember(&vec![enums::User::from(user(
                5,
                55,
                Some("five"),
                Some("+7 900 555-01-01"),
            ))])
            .unwrap();
        let fake = Fake::default();
        for name in ["@Five", "https://t.me/five", "5", "+79005550101"] {
            assert_eq!(
                block_on(resolve_peer(&cache, &fake, name)).unwrap(),
                input_user(5, 55)
            );
        }
        assert_eq!(
            block_on(resolve_peer(&cache, &fake, "me")).unwrap(),
            enums::InputPeer::InputPeerSelf
        );
        cache.set_self_id(Some(5));
        assert_eq!(
            block_on(resolve_peer(&cache, &fake, 5)).unwrap(),
            enums::InputPeer::InputPeerSelf
        );
        assert!(fake.calls().is_empty());
    }

    #[test]
    fn a_username_miss_asks_resolve_username_and_caches_the_answer() {
        let cache = cache();
        let peer: enums::Peer = types::PeerChannel { channel_id: 77 }.into();
        let fake = Fake::answering(vec![resolved(
            peer,
            vec![],
            vec![channel(77, 700, Some("News")).into()],
        )]);
        let got = block_on(resolve_peer(&cache, &fake, "t.me/news")).unwrap();
        let want: enums::InputPeer = types::InputPeerChannel {
            channel_id: 77,
            access_hash: 700,
        }
        .into();
        assert_eq!(got, want);
        let calls = fake.calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].0, "contacts.resolveUsername");
        let expected = functions::contacts::ResolveUsername {
            username: "news".into(),
            referer: None,
        };
        assert_eq!(calls[0].1, expected.to_bytes());
        // Now cached, by name and by id.
        assert_eq!(
            block_on(resolve_peer(&cache, &fake, "@news")).unwrap(),
            want
        );
        assert_eq!(
            block_on(resolve_peer(&cache, &fake, -1_000_000_000_077)).unwrap(),
            want
        );
        assert_eq!(fake.calls().len(), 1);
    }

    #[test]
    fn an_unknown_username_is_the_rpc_error() {
        let cache = cache();
        let fake = Fake::answering(vec![rpc_error("USERNAME_NOT_OCCUPIED")]);
        let err = block_on(resolve_peer(&cache, &fake, "@nobody")).unwrap_err();
        assert!(err.is("USERNAME_NOT_OCCUPIED"), "{err}");
    }

    #[test]
    fn a_phone_miss_asks_resolve_phone() {
        let cache = cache();
        let peer: enums::Peer = types::PeerUser { user_id: 9 }.into();
        let fake = Fake::answering(vec![resolved(
            peer,
            vec![user(9, 90, None, Some("15550109")).into()],
            vec![],
        )]);
        let got = block_on(resolve_peer(&cache, &fake, "+1 555 0109")).unwrap();
        assert_eq!(got, input_user(9, 90));
        assert_eq!(fake.calls()[0].0, "contacts.resolvePhone");
        assert_eq!(
            fake.calls()[0].1,
            functions::contacts::ResolvePhone {
                phone: "15550109".into()
            }
            .to_bytes()
        );
        assert_eq!(cache.by_phone("15550109").unwrap().unwrap().id, 9);
    }

    #[test]
    fn a_bare_user_id_is_asked_with_hash_zero() {
        let cache = cache();
        let fake = Fake::answering(vec![ok(vec![enums::User::from(user(12, 120, None, None))])]);
        assert_eq!(
            block_on(resolve_peer(&cache, &fake, 12)).unwrap(),
            input_user(12, 120)
        );
        let expected = functions::users::GetUsers {
            id: vec![
                types::InputUser {
                    user_id: 12,
                    access_hash: 0,
                }
                .into(),
            ],
        };
        assert_eq!(
            fake.calls(),
            vec![(functions::users::GetUsers::NAME, expected.to_bytes())]
        );
    }

    #[test]
    fn a_bare_group_id_asks_get_chats_and_a_channel_get_channels() {
        let cache = cache();
        let group: enums::Chat = types::ChatForbidden {
            id: 33,
            title: "g".into(),
        }
        .into();
        let chats = |chats: Vec<enums::Chat>| {
            let answer: enums::messages::Chats = types::messages::Chats { chats }.into();
            ok(answer)
        };
        let fake = Fake::answering(vec![
            chats(vec![group]),
            chats(vec![channel(44, 440, None).into()]),
        ]);
        assert_eq!(
            block_on(resolve_peer(&cache, &fake, "-33")).unwrap(),
            types::InputPeerChat { chat_id: 33 }.into()
        );
        assert_eq!(
            block_on(resolve_peer(&cache, &fake, -1_000_000_000_044)).unwrap(),
            types::InputPeerChannel {
                channel_id: 44,
                access_hash: 440
            }
            .into()
        );
        let calls = fake.calls();
        assert_eq!(
            calls[0],
            (
                "messages.getChats",
                functions::messages::GetChats { id: vec![33] }.to_bytes()
            )
        );
        let get_channels = functions::channels::GetChannels {
            id: vec![
                types::InputChannel {
                    channel_id: 44,
                    access_hash: 0,
                }
                .into(),
            ],
        };
        assert_eq!(calls[1], ("channels.getChannels", get_channels.to_bytes()));
        assert_eq!(cache.get(-33).unwrap().unwrap().kind, PeerKind::Group);
    }

    #[test]
    fn an_unreachable_id_says_what_is_missing() {
        let cache = cache();
        let fake = Fake::answering(vec![
            rpc_error("USER_ID_INVALID"),
            ok(Vec::<enums::User>::new()),
        ]);
        let err = block_on(resolve_peer(&cache, &fake, 12345)).unwrap_err();
        let Error::Peer(PeerError::Unknown { peer, missing }) = &err else {
            panic!("{err:?}");
        };
        assert_eq!(peer, "12345");
        assert!(
            missing.contains("user 12345 has no access hash in the cache"),
            "{missing}"
        );
        assert!(missing.contains("username"), "{missing}");

        // Seen only as min: said so. The empty answer is "not found" too.
        let mut min = user(12345, 0, None, None);
        min.min = true;
        cache.remember(&vec![enums::User::from(min)]).unwrap();
        let err = block_on(resolve_peer(&cache, &fake, 12345)).unwrap_err();
        assert!(err.to_string().contains("min user"), "{err}");
        assert_eq!(fake.calls().len(), 2);
    }

    #[test]
    fn other_rpc_errors_and_bad_names_are_returned_as_they_are() {
        let cache = cache();
        let fake = Fake::answering(vec![rpc_error("FLOOD_WAIT")]);
        assert!(
            block_on(resolve_peer(&cache, &fake, -1_000_000_000_044))
                .unwrap_err()
                .is("FLOOD_WAIT")
        );
        let err = block_on(resolve_peer(&cache, &fake, "not a peer!")).unwrap_err();
        assert!(matches!(err, Error::Peer(PeerError::Unparsable(ref t)) if t == "not a peer!"));
        let err = block_on(resolve_peer(&cache, &fake, 0)).unwrap_err();
        assert!(matches!(err, Error::Peer(PeerError::Unparsable(_))));
        assert_eq!(fake.calls().len(), 1);
    }
}
