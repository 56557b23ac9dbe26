//! Photos of users and chats: setting this account's profile photo or a group's
//! photo from a file, and listing a chat's photos as a stream.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use oxigram_runtime::BoxFuture;

use super::messages::awaitable;
use super::pages::{Page, Pager, Pages};
use super::target::{Target, input_channel, input_user};
use crate::files::{FileSource, SaveFile};
use crate::peers::PeerRef;
use crate::tl::{enums, functions, types};
use crate::{Client, Error};

/// The most photos one `photos.getUserPhotos` gives.
const PAGE: usize = 100;

/// Sets this account's profile photo: [`Client::set_profile_photo`].
#[derive(Debug)]
#[must_use = "a request is sent when it is awaited"]
pub struct SetProfilePhoto {
    client: Client,
    photo: FileSource,
}

impl SetProfilePhoto {
    async fn send(self) -> crate::Result<()> {
        let file = SaveFile::new(self.client.clone(), self.photo).await?;
        self.client
            .invoke(functions::photos::UploadProfilePhoto {
                fallback: false,
                bot: None,
                file: Some(file.input_file),
                video: None,
                video_start_ts: None,
                video_emoji_markup: None,
            })
            .await?;
        Ok(())
    }
}

awaitable!(SetProfilePhoto => ());

/// Sets (or removes) a group's or channel's photo: [`Client::set_chat_photo`].
#[derive(Debug)]
#[must_use = "a request is sent when it is awaited"]
pub struct SetChatPhoto {
    client: Client,
    chat: Target,
    photo: Option<FileSource>,
}

impl SetChatPhoto {
    async fn send(self) -> crate::Result<()> {
        let peer = self.chat.resolve(&self.client).await?;
        let photo = match self.photo {
            None => enums::InputChatPhoto::Empty,
            Some(source) => {
                let file = SaveFile::new(self.client.clone(), source).await?;
                enums::InputChatPhoto::InputChatUploadedPhoto(Box::new(
                    types::InputChatUploadedPhoto {
                        file: Some(file.input_file),
                        video: None,
                        video_start_ts: None,
                        video_emoji_markup: None,
                    },
                ))
            }
        };
        match (&peer, input_channel(&peer)) {
            (_, Some(channel)) => {
                self.client
                    .invoke(functions::channels::EditPhoto { channel, photo })
                    .await?;
            }
            (enums::InputPeer::Chat(chat), None) => {
                self.client
                    .invoke(functions::messages::EditChatPhoto {
                        chat_id: chat.chat_id,
                        photo,
                    })
                    .await?;
            }
            _ => {
                return Err(Error::Config(
                    "only groups and channels have a chat photo; a user's own is set with \
                     set_profile_photo"
                        .into(),
                ));
            }
        }
        Ok(())
    }
}

awaitable!(SetChatPhoto => ());

/// A user's profile photos, a page at a time.
struct UserPhotos {
    client: Client,
    user: enums::InputUser,
    offset: i32,
}

impl Pager for UserPhotos {
    type Item = enums::Photo;

    fn next_page(mut self, want: usize) -> BoxFuture<'static, crate::Result<Page<Self>>> {
        Box::pin(async move {
            let answer = self
                .client
                .invoke(functions::photos::GetUserPhotos {
                    user_id: self.user.clone(),
                    offset: self.offset,
                    max_id: 0,
                    limit: want.min(PAGE) as i32,
                })
                .await?;
            let (items, count) = match answer {
                enums::photos::Photos::Photos(p) => (p.photos, None),
                enums::photos::Photos::Slice(p) => (p.photos, Some(p.count)),
            };
            self.offset = self.offset.saturating_add(items.len() as i32);
            // A full list is all there is; a slice says how many there are in all.
            let more = count.is_some_and(|count| self.offset < count);
            Ok(Page {
                pager: self,
                items,
                more,
            })
        })
    }
}

/// A chat's photos, newest first: [`Client::get_chat_photos`].
#[must_use = "a stream does nothing until polled"]
pub struct ChatPhotos {
    state: PhotosState,
    limit: Option<usize>,
}

enum PhotosState {
    /// Waiting for the chat to be resolved on the first poll.
    Start(Client, Target),
    Resolving(BoxFuture<'static, crate::Result<Pages<UserPhotos>>>),
    Paging(Pages<UserPhotos>),
    Done,
}

impl std::fmt::Debug for ChatPhotos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatPhotos")
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl ChatPhotos {
    /// Stops after `n` photos.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }
}

impl Stream for ChatPhotos {
    type Item = crate::Result<enums::Photo>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match std::mem::replace(&mut this.state, PhotosState::Done) {
                PhotosState::Start(client, chat) => {
                    let limit = this.limit;
                    this.state = PhotosState::Resolving(Box::pin(async move {
                        let peer = chat.resolve(&client).await?;
                        let user = input_user(peer).map_err(|_| {
                            Error::Unsupported(
                                "listing a group's photos: only users' photos are listed".into(),
                            )
                        })?;
                        let mut pages = Pages::new(
                            UserPhotos {
                                client,
                                user,
                                offset: 0,
                            },
                            PAGE,
                        );
                        if let Some(n) = limit {
                            pages.set_limit(n);
                        }
                        Ok(pages)
                    }));
                }
                PhotosState::Resolving(mut fut) => match fut.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = PhotosState::Resolving(fut);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready(Ok(pages)) => this.state = PhotosState::Paging(pages),
                },
                PhotosState::Paging(mut pages) => {
                    let next = Pin::new(&mut pages).poll_next(cx);
                    if !matches!(next, Poll::Ready(None)) {
                        this.state = PhotosState::Paging(pages);
                    }
                    return next;
                }
                PhotosState::Done => return Poll::Ready(None),
            }
        }
    }
}

impl Client {
    /// Sets this account's profile photo from a file (a path, bytes, a reader).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.set_profile_photo("me.jpg").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_profile_photo(&self, photo: impl Into<FileSource>) -> SetProfilePhoto {
        SetProfilePhoto {
            client: self.clone(),
            photo: photo.into(),
        }
    }

    /// Sets a group's or channel's photo from a file; `None` removes it.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.set_chat_photo("@my_group", Some("logo.png".into())).await?;
    /// app.set_chat_photo("@my_group", None).await?; // removes it
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_chat_photo(
        &self,
        chat: impl Into<PeerRef>,
        photo: Option<FileSource>,
    ) -> SetChatPhoto {
        SetChatPhoto {
            client: self.clone(),
            chat: Target::named(chat),
            photo,
        }
    }

    /// A user's profile photos, newest (the current one) first, as a stream:
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// use futures_util::TryStreamExt;
    /// let photos: Vec<_> = app.get_chat_photos("@durov").limit(10).try_collect().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_chat_photos(&self, chat: impl Into<PeerRef>) -> ChatPhotos {
        ChatPhotos {
            state: PhotosState::Start(self.clone(), Target::named(chat)),
            limit: None,
        }
    }
}
