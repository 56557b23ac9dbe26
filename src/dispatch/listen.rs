//! Conversations on the client: [`Client::listen`] for the next message of a chat,
//! [`Client::listen_callback`] for the next button press, [`Client::ask`] to send a
//! question and wait for the answer.

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use oxigram_runtime::BoxFuture;

use super::conversation::{CancelHandle, ListenError, Registration};
use super::filter::{BoxedFilter, Filter};
use super::filters::incoming;
use crate::Client;
use crate::client::net::Net;
use crate::types::{CallbackQuery, Message};

/// Waits for the next update of a chat that passes a filter; made by
/// [`Client::listen`] or [`Client::listen_callback`], awaited for the update.
///
/// The listener is registered when this is made, so an update that comes before it is
/// awaited is kept for it; dropping this removes the listener.
#[must_use = "a listener waits only while it is awaited or kept"]
pub struct Listen<T: Send + Sync + 'static> {
    registration: Registration<T>,
    net: Arc<dyn Net>,
    timeout: Option<Duration>,
}

impl<T: Send + Sync + 'static> std::fmt::Debug for Listen<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listen")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<T: Send + Sync + 'static> Listen<T> {
    /// Gives up after `timeout` with [`ListenError::Timeout`]. The timer is a task on
    /// the client's runtime (a thread on blocking sockets) that lives until it goes off,
    /// whether or not the answer came first.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A handle that ends this listener with [`ListenError::Cancelled`] from anywhere.
    pub fn cancel_handle(&self) -> CancelHandle {
        self.registration.cancel_handle()
    }
}

impl<T: Send + Sync + 'static> IntoFuture for Listen<T> {
    type Output = Result<T, ListenError>;
    type IntoFuture = BoxFuture<'static, Result<T, ListenError>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.registration.wait(&self.net, self.timeout).await })
    }
}

/// Sends a question and waits for the answer in the same chat; made by
/// [`Client::ask`] or [`Message::ask`].
#[must_use = "nothing is sent until this is awaited"]
pub struct Ask {
    client: Client,
    chat: i64,
    text: String,
    filter: BoxedFilter<Message>,
    timeout: Option<Duration>,
}

impl std::fmt::Debug for Ask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ask")
            .field("chat", &self.chat)
            .field("text", &self.text)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Ask {
    /// Takes only an answer that passes `filter` too (any incoming message by default).
    pub fn filter(mut self, filter: impl Filter<Message>) -> Self {
        self.filter = BoxedFilter::new(filter);
        self
    }

    /// Gives up after `timeout` ([`crate::Error::Listen`] with
    /// [`ListenError::Timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl IntoFuture for Ask {
    type Output = crate::Result<Message>;
    type IntoFuture = BoxFuture<'static, crate::Result<Message>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            // Listening first: the answer may come before the send returns.
            let mut listen = self.client.listen(self.chat, incoming & self.filter);
            listen.timeout = self.timeout;
            self.client.send_message(self.chat, &self.text).await?;
            Ok(listen.await?)
        })
    }
}

impl Client {
    /// The next message in `chat` (a Bot-API id: `message.chat().id()`) that passes
    /// `filter`. Listeners come before handlers: the message goes to no handler.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client, chat: i64) -> oxigram::Result<()> {
    /// use std::time::Duration;
    /// let answer = app.listen(chat, oxigram::filters::text).timeout(Duration::from_secs(60)).await?;
    /// println!("{}", answer.text());
    /// # Ok(())
    /// # }
    /// ```
    pub fn listen(&self, chat: i64, filter: impl Filter<Message>) -> Listen<Message> {
        let dispatcher = self.dispatcher();
        Listen {
            registration: dispatcher
                .message_listeners()
                .register(Some(chat), Arc::new(filter)),
            net: dispatcher.net().clone(),
            timeout: None,
        }
    }

    /// The next press of a callback button in `chat` that passes `filter`.
    pub fn listen_callback(
        &self,
        chat: i64,
        filter: impl Filter<CallbackQuery>,
    ) -> Listen<CallbackQuery> {
        let dispatcher = self.dispatcher();
        Listen {
            registration: dispatcher
                .callback_listeners()
                .register(Some(chat), Arc::new(filter)),
            net: dispatcher.net().clone(),
            timeout: None,
        }
    }

    /// Sends `text` to `chat` and waits for the next incoming message there:
    /// `app.ask(chat, "What is your name?").timeout(Duration::from_secs(60)).await?`.
    pub fn ask(&self, chat: i64, text: impl Into<String>) -> Ask {
        Ask {
            client: self.clone(),
            chat,
            text: text.into(),
            filter: BoxedFilter::new(super::filters::all),
            timeout: None,
        }
    }
}

impl Message {
    /// Asks `text` in this message's chat and waits for the answer ([`Client::ask`]).
    pub fn ask(&self, text: impl Into<String>) -> Ask {
        self.client().ask(self.chat().id(), text)
    }
}
