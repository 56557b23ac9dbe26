//! Where a file came from, so that a stale file reference (`FILE_REFERENCE_EXPIRED`) is
//! replaced by fetching that again: the message that holds the file, the user whose
//! profile photo it is, the group or channel whose photo it is, or the sticker set that
//! holds the sticker. A download shares one refresh among its parts in flight and
//! retries each once; a reference still stale after it is the caller's error.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::lock::Mutex;

use crate::errors;
use crate::methods::chat_admin::Group;
use crate::methods::input_channel;
use crate::tl::{enums, functions, types};
use crate::{Client, Error};

/// Where a file came from: what is fetched again when its file reference goes stale.
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// use futures_util::TryStreamExt;
/// use oxigram::files::{FileLocation, FileOrigin};
///
/// // A profile photo kept for later downloads: its origin is the user.
/// let user = app.resolve_peer("@durov").await?;
/// let photos: Vec<_> = app.get_chat_photos("@durov").limit(1).try_collect().await?;
/// if let Some(file) = photos.first().and_then(FileLocation::of_photo) {
///     let file = file.with_origin(FileOrigin::ProfilePhoto { user });
///     let bytes = app.download_media(&file).await?;
///     println!("{} bytes", bytes.len());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FileOrigin {
    /// Message `id` of the chat `peer`.
    Message {
        /// The chat.
        peer: enums::InputPeer,
        /// The message's id.
        id: i32,
    },
    /// A profile photo of the user `user`.
    ProfilePhoto {
        /// The user.
        user: enums::InputPeer,
    },
    /// The photo of the group or channel `peer`, as its full form gives it
    /// ([`ChatInfo::photo`](crate::types::ChatInfo::photo) sets this origin itself):
    /// refreshed by reading the chat whole again.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// use oxigram::files::FileOrigin;
    ///
    /// let info = app.get_chat("@rustlang").await?;
    /// if let Some(photo) = info.photo() {
    ///     assert!(matches!(photo.origin, Some(FileOrigin::ChatPhoto { .. })));
    ///     // Days later, its reference stale: the chat is read again, once.
    ///     let bytes = app.download_media(photo).await?;
    ///     println!("{} bytes", bytes.len());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ChatPhoto {
        /// The group or channel.
        peer: enums::InputPeer,
    },
    /// A sticker of the sticker set `set`: refreshed by reading the set again
    /// (`messages.getStickerSet`) and taking the sticker of the same id.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// use oxigram::files::{FileLocation, FileOrigin};
    /// use oxigram::tl::{enums, functions, types};
    ///
    /// let set = enums::InputStickerSet::ShortName(types::InputStickerSetShortName {
    ///     short_name: "Animals".into(),
    /// });
    /// let answer = app
    ///     .invoke(functions::messages::GetStickerSet { stickerset: set.clone(), hash: 0 })
    ///     .await?;
    /// if let enums::messages::StickerSet::StickerSet(answer) = answer
    ///     && let Some(file) = answer.documents.first().and_then(FileLocation::of_document)
    /// {
    ///     // Kept for later: a stale reference is refreshed from the set.
    ///     let file = file.with_origin(FileOrigin::StickerSet { set });
    ///     let bytes = app.download_media(&file).await?;
    ///     println!("{} bytes", bytes.len());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    StickerSet {
        /// The sticker set.
        set: enums::InputStickerSet,
    },
}

/// Profile photos looked through for the one whose reference went stale.
const PROFILE_PHOTOS: i32 = 100;

impl FileOrigin {
    /// The media of the message this origin names, fetched again; `None` if it is gone
    /// or is no message.
    pub(crate) async fn message_media(
        &self,
        client: &Client,
    ) -> crate::Result<Option<enums::MessageMedia>> {
        let FileOrigin::Message { peer, id } = self else {
            return Ok(None);
        };
        let ids = vec![enums::InputMessage::ID(types::InputMessageID { id: *id })];
        let answer = match input_channel(peer) {
            Some(channel) => {
                client
                    .invoke(functions::channels::GetMessages { channel, id: ids })
                    .await?
            }
            None => {
                client
                    .invoke(functions::messages::GetMessages { id: ids })
                    .await?
            }
        };
        let messages = match answer {
            enums::messages::Messages::Messages(m) => m.messages,
            enums::messages::Messages::Slice(m) => m.messages,
            enums::messages::Messages::ChannelMessages(m) => m.messages,
            enums::messages::Messages::NotModified(_) => Vec::new(),
        };
        Ok(messages.into_iter().find_map(|m| match m {
            enums::Message::Message(m) if m.id == *id => m.media,
            _ => None,
        }))
    }

    /// The file reference handed out now for photo or document `file`, fetched from
    /// here; `None` if the file is no longer there.
    async fn fresh_reference(&self, client: &Client, file: i64) -> crate::Result<Option<Bytes>> {
        match self {
            FileOrigin::Message { .. } => {
                let media = self.message_media(client).await?;
                Ok(media.as_ref().and_then(|m| reference_in_media(m, file)))
            }
            FileOrigin::ProfilePhoto { user } => {
                let user_id = user_of(user).ok_or_else(|| {
                    Error::Config(format!("a profile photo's origin is a user, not {user:?}"))
                })?;
                let answer = client
                    .invoke(functions::photos::GetUserPhotos {
                        user_id,
                        offset: 0,
                        max_id: 0,
                        limit: PROFILE_PHOTOS,
                    })
                    .await?;
                let photos = match answer {
                    enums::photos::Photos::Photos(p) => p.photos,
                    enums::photos::Photos::Slice(p) => p.photos,
                };
                Ok(photos.iter().find_map(|p| reference_of_photo(p, file)))
            }
            FileOrigin::ChatPhoto { peer } => {
                let Ok(group) = Group::of(peer) else {
                    return Err(Error::Config(format!(
                        "a chat photo's origin is a group or channel, not {peer:?}"
                    )));
                };
                let full = group.full(client).await?;
                Ok(chat_photo_of(&full.full_chat).and_then(|p| reference_of_photo(p, file)))
            }
            FileOrigin::StickerSet { set } => {
                let answer = client
                    .invoke(functions::messages::GetStickerSet {
                        stickerset: set.clone(),
                        // 0: the whole set, never "not modified".
                        hash: 0,
                    })
                    .await?;
                let documents = match answer {
                    enums::messages::StickerSet::StickerSet(s) => s.documents,
                    enums::messages::StickerSet::NotModified => Vec::new(),
                };
                Ok(documents
                    .iter()
                    .find_map(|d| reference_of_document(d, file)))
            }
        }
    }
}

/// The photo a chat's full form carries, if it has one.
pub(crate) fn chat_photo_of(full: &enums::ChatFull) -> Option<&enums::Photo> {
    match full {
        enums::ChatFull::ChatFull(f) => f.chat_photo.as_ref(),
        enums::ChatFull::ChannelFull(f) => Some(&f.chat_photo),
        enums::ChatFull::CommunityFull(f) => Some(&f.chat_photo),
    }
}

/// The reference of photo or document `file` in a message's media.
fn reference_in_media(media: &enums::MessageMedia, file: i64) -> Option<Bytes> {
    match media {
        enums::MessageMedia::Photo(p) => reference_of_photo(p.photo.as_ref()?, file),
        enums::MessageMedia::Document(d) => reference_of_document(d.document.as_ref()?, file),
        _ => None,
    }
}

fn reference_of_document(document: &enums::Document, file: i64) -> Option<Bytes> {
    match document {
        enums::Document::Document(d) if d.id == file => Some(d.file_reference.clone()),
        _ => None,
    }
}

fn reference_of_photo(photo: &enums::Photo, file: i64) -> Option<Bytes> {
    match photo {
        enums::Photo::Photo(p) if p.id == file => Some(p.file_reference.clone()),
        _ => None,
    }
}

/// The user a peer is, for `photos.getUserPhotos`.
fn user_of(peer: &enums::InputPeer) -> Option<enums::InputUser> {
    Some(match peer {
        enums::InputPeer::InputPeerSelf => enums::InputUser::InputUserSelf,
        enums::InputPeer::User(u) => enums::InputUser::InputUser(types::InputUser {
            user_id: u.user_id,
            access_hash: u.access_hash,
        }),
        enums::InputPeer::UserFromMessage(u) => {
            enums::InputUser::FromMessage(types::InputUserFromMessage {
                peer: u.peer.clone(),
                msg_id: u.msg_id,
                user_id: u.user_id,
            })
        }
        _ => return None,
    })
}

/// The photo or document id of a location, and the location with another reference.
fn file_of(location: &enums::InputFileLocation) -> Option<i64> {
    match location {
        enums::InputFileLocation::InputDocumentFileLocation(l) => Some(l.id),
        enums::InputFileLocation::InputPhotoFileLocation(l) => Some(l.id),
        _ => None,
    }
}

fn with_reference(
    location: &enums::InputFileLocation,
    reference: Bytes,
) -> enums::InputFileLocation {
    let mut location = location.clone();
    match &mut location {
        enums::InputFileLocation::InputDocumentFileLocation(l) => l.file_reference = reference,
        enums::InputFileLocation::InputPhotoFileLocation(l) => l.file_reference = reference,
        _ => {}
    }
    location
}

/// Whether an error is a stale file reference.
pub(crate) fn is_expired(error: &Error) -> bool {
    error.is(errors::FILE_REFERENCE_EXPIRED)
}

/// A download's location, refreshed at most once per wave of stale-reference failures
/// and shared by its parts.
pub(super) struct Refresher {
    origin: Option<FileOrigin>,
    state: Mutex<State>,
}

struct State {
    /// Refreshes tried so far: a part that failed with the location of an earlier
    /// generation takes the current one instead of refreshing again.
    generation: u32,
    location: Arc<enums::InputFileLocation>,
    /// The last refresh failed: parts failing with its generation give their error.
    refused: bool,
}

impl Refresher {
    pub(super) fn new(location: enums::InputFileLocation, origin: Option<FileOrigin>) -> Self {
        Refresher {
            origin,
            state: Mutex::new(State {
                generation: 0,
                location: Arc::new(location),
                refused: false,
            }),
        }
    }

    /// One part from `offset` over file connection `connection`: on a stale reference,
    /// the refreshed location is tried once more.
    pub(super) async fn fetch(
        &self,
        client: &Client,
        dc: Option<i16>,
        offset: u64,
        connection: usize,
    ) -> crate::Result<Bytes> {
        let (seen, location) = {
            let state = self.state.lock().await;
            (state.generation, Arc::clone(&state.location))
        };
        let expired = match super::download::fetch(client, &location, dc, offset, connection).await
        {
            Err(e) if is_expired(&e) => e,
            other => return other,
        };
        let location = self.refreshed(client, seen, expired).await?;
        super::download::fetch(client, &location, dc, offset, connection).await
    }

    /// The location after the refresh of the wave `seen` belongs to (done here if it is
    /// the first failure of that wave); `expired` when there is nothing to refresh from.
    async fn refreshed(
        &self,
        client: &Client,
        seen: u32,
        expired: Error,
    ) -> crate::Result<Arc<enums::InputFileLocation>> {
        let mut state = self.state.lock().await;
        if state.generation != seen {
            if state.refused {
                return Err(expired);
            }
            return Ok(Arc::clone(&state.location));
        }
        state.generation += 1;
        state.refused = true;
        let (Some(origin), Some(file)) = (&self.origin, file_of(&state.location)) else {
            return Err(expired);
        };
        let Some(reference) = origin.fresh_reference(client, file).await? else {
            return Err(expired);
        };
        tracing::debug!(file, "file reference refreshed");
        state.location = Arc::new(with_reference(&state.location, reference));
        state.refused = false;
        Ok(Arc::clone(&state.location))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_reference_replaces_the_stale_one_of_the_same_file_only() {
        let location =
            enums::InputFileLocation::InputDocumentFileLocation(types::InputDocumentFileLocation {
                id: 7,
                access_hash: 8,
                file_reference: Bytes::from_static(b"old"),
                thumb_size: String::new(),
            });
        assert_eq!(file_of(&location), Some(7));
        let fresh = with_reference(&location, Bytes::from_static(b"new"));
        assert!(matches!(
            fresh,
            enums::InputFileLocation::InputDocumentFileLocation(ref l)
                if &l.file_reference[..] == b"new" && l.id == 7 && l.access_hash == 8
        ));
        let photo = enums::Photo::Photo(types::Photo {
            has_stickers: false,
            id: 7,
            access_hash: 8,
            file_reference: Bytes::from_static(b"new"),
            date: 0,
            sizes: Vec::new(),
            video_sizes: None,
            dc_id: 2,
        });
        assert_eq!(reference_of_photo(&photo, 7).as_deref(), Some(&b"new"[..]));
        assert_eq!(reference_of_photo(&photo, 9), None);
        let sticker = enums::Document::Document(Box::new(types::Document {
            id: 11,
            access_hash: 12,
            file_reference: Bytes::from_static(b"set"),
            date: 0,
            mime_type: "image/webp".into(),
            size: 3,
            thumbs: None,
            video_thumbs: None,
            dc_id: 2,
            attributes: Vec::new(),
        }));
        assert_eq!(
            reference_of_document(&sticker, 11).as_deref(),
            Some(&b"set"[..])
        );
        assert_eq!(reference_of_document(&sticker, 7), None);
        assert!(user_of(&enums::InputPeer::Empty).is_none());
    }
}
