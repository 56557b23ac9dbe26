//! Requests: typed and raw, through the middleware chain, to the DC they belong on.

use std::future::{Future, IntoFuture};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use oxigram_runtime::{BoxFuture, InvokeError, InvokeOptions};
use oxigram_tl::{Deserialize, Identifiable, RemoteCall, Serialize, functions};

use super::middleware::{Next, Request};
use super::{Client, Inner};
use crate::error::Error;
use crate::errors::{self, RpcError};
use crate::storage::Change;

/// Migrations followed for one request at most (a loop between DCs is the server's bug,
/// and ends with the last error).
const MAX_MIGRATIONS: u32 = 3;

/// An error of the connection layer as the caller sees it: RPC errors name the method.
pub(crate) fn invoke_error(error: InvokeError, method: &'static str) -> Error {
    match error {
        InvokeError::Rpc(e) => Error::Rpc(RpcError::new(e, method)),
        other => Error::Invoke(other),
    }
}

impl Inner {
    /// The end of the chain: sends `request` to its DC and follows migrations.
    pub(crate) async fn send(self: &Arc<Self>, mut request: Request) -> crate::Result<Bytes> {
        let mut migrations = 0;
        let mut reimported = false;
        loop {
            let dc = request.dc.unwrap_or_else(|| self.home_dc());
            let key = (
                dc,
                request.media,
                request.connection % self.settings.file_connections,
            );
            let link = self.link_at(key).await?;
            let body = if self.settings.no_updates {
                functions::InvokeWithoutUpdates {
                    query: oxigram_tl::RawObject(request.body.clone()),
                }
                .to_bytes()
                .into()
            } else {
                request.body.clone()
            };
            let options = match request.timeout {
                Some(t) => InvokeOptions::timeout(t),
                None => InvokeOptions::default(),
            };
            // While updates are read, an answer on the home connection that carries
            // updates is queued by the connection where it was read, so the sequencer
            // sees it before the updates pushed after it (handed over here, it could come
            // after them, look like a gap, and be fetched again as a new message).
            let queued = key == (self.home_dc(), false, 0) && self.feed.running();
            let options = options.queue_updates(queued);
            let error = match link.invoke(body, options).await {
                Ok(answer) => {
                    if !queued {
                        self.feed.offer(&answer);
                    }
                    return Ok(answer);
                }
                Err(e) => {
                    if matches!(e, InvokeError::GaveUp(_)) {
                        // Not sent again: it may have run before the connection went.
                        // The next request opens a new connection rather than meet this
                        // one's end.
                        self.forget_link(key, &Arc::downgrade(&link)).await;
                    }
                    invoke_error(e, request.method)
                }
            };
            let Error::Rpc(rpc) = &error else {
                return Err(error);
            };
            if let Some(to) = rpc.migrate_dc().and_then(|d| i16::try_from(d).ok())
                && migrations < MAX_MIGRATIONS
                && to != dc
            {
                migrations += 1;
                if rpc.is(errors::FILE_MIGRATE) || rpc.is(errors::STATS_MIGRATE) {
                    tracing::debug!(method = request.method, from = dc, to, "request moves DC");
                    request.dc = Some(to);
                } else if request.dc.is_none() {
                    tracing::info!(from = dc, to, error = %rpc.name, "home DC moves");
                    self.save(Change::Home {
                        dc: to,
                        test_mode: self.settings.test_mode,
                    })?;
                } else {
                    return Err(error);
                }
                continue;
            }
            // A DC that lost our imported authorization (its key was renewed): import it
            // again, once.
            if rpc.is(errors::AUTH_KEY_UNREGISTERED)
                && !reimported
                && dc != self.home_dc()
                && self.state().session.user_id.is_some()
            {
                reimported = true;
                self.set_authorized(dc, false)?;
                // The next pass imports it again over the DC's main connection (which
                // every connection to the DC waits for): the authorization belongs to
                // the key they share.
                if key == (dc, false, 0) {
                    self.drop_link(key).await;
                }
                continue;
            }
            return Err(error);
        }
    }

    /// Runs `request` through the whole chain.
    pub(crate) fn run(self: &Arc<Self>, request: Request) -> BoxFuture<'_, crate::Result<Bytes>> {
        Next {
            inner: self,
            layers: &self.chain,
        }
        .run(request)
    }

    pub(crate) fn request<F: Identifiable + Serialize>(
        &self,
        function: &F,
        dc: Option<i16>,
    ) -> Request {
        Request {
            method: F::NAME,
            body: function.to_bytes().into(),
            dc,
            media: false,
            connection: 0,
            sleep_threshold: self.settings.sleep_threshold,
            timeout: self.settings.request_timeout,
        }
    }

    /// A typed request on `dc` (home if `None`), through the chain.
    pub(crate) async fn invoke_on<F>(
        self: &Arc<Self>,
        dc: Option<i16>,
        function: F,
    ) -> crate::Result<F::Return>
    where
        F: RemoteCall + Identifiable,
    {
        let request = self.request(&function, dc);
        let answer = self.run(request).await?;
        decode::<F>(&answer)
    }
}

fn decode<F: RemoteCall>(answer: &Bytes) -> crate::Result<F::Return> {
    F::Return::from_shared(answer).map_err(|e| Error::Invoke(InvokeError::Decode(e)))
}

/// A typed request, sent when awaited (or `.wait()`ed without an async runtime);
/// [`Client::invoke`] makes one.
#[must_use = "a request is sent when it is awaited"]
pub struct Invoke<'c, F> {
    client: &'c Client,
    function: F,
    dc: Option<i16>,
    media: bool,
    connection: usize,
    sleep_threshold: Option<Duration>,
    timeout: Option<Duration>,
}

impl<F> std::fmt::Debug for Invoke<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invoke")
            .field("dc", &self.dc)
            .field("sleep_threshold", &self.sleep_threshold)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<F> Invoke<'_, F> {
    /// Sends the request to DC `dc` rather than the home DC.
    pub fn dc(mut self, dc: i16) -> Self {
        self.dc = Some(dc);
        self
    }

    /// Sends the request over the DC's media-only address (for file transfers; the
    /// general address if the DC has none).
    pub fn media(mut self) -> Self {
        self.media = true;
        self
    }

    /// Sends the request over the DC's file connection `index` (see
    /// [`Request::connection`](super::Request::connection)).
    pub(crate) fn connection(mut self, index: usize) -> Self {
        self.connection = index;
        self
    }

    /// Sleeps through flood waits up to `threshold` for this request (the client's
    /// default otherwise); `Duration::ZERO` hands every flood wait to the caller.
    pub fn sleep_threshold(mut self, threshold: Duration) -> Self {
        self.sleep_threshold = Some(threshold);
        self
    }

    /// Gives up on an attempt that got no answer in `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl<'c, F> IntoFuture for Invoke<'c, F>
where
    F: RemoteCall + Identifiable + Send + 'c,
    F::Return: Send + 'static,
{
    type Output = crate::Result<F::Return>;
    type IntoFuture = BoxFuture<'c, crate::Result<F::Return>>;

    fn into_future(self) -> Self::IntoFuture {
        let inner = &self.client.inner;
        let mut request = inner.request(&self.function, self.dc);
        request.media = self.media;
        request.connection = self.connection;
        if let Some(threshold) = self.sleep_threshold {
            request.sleep_threshold = threshold;
        }
        if self.timeout.is_some() {
            request.timeout = self.timeout;
        }
        Box::pin(async move {
            let answer = inner.run(request).await?;
            let value = decode::<F>(&answer)?;
            self.client.remember(&value);
            Ok(value)
        })
    }
}

impl Client {
    /// Sends any function of the API through the middleware chain and decodes its
    /// answer:
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
    /// use oxigram::tl::functions;
    /// let config = client.invoke(functions::help::GetConfig {}).await?;
    /// # let _ = config;
    /// # Ok(())
    /// # }
    /// ```
    pub fn invoke<F>(&self, function: F) -> Invoke<'_, F>
    where
        F: RemoteCall + Identifiable,
    {
        Invoke {
            client: self,
            function,
            dc: None,
            media: false,
            connection: 0,
            sleep_threshold: None,
            timeout: None,
        }
    }

    /// Sends an already serialized function (through the chain) and returns the raw
    /// answer. The method name for errors and traces comes from the constructor id.
    pub fn invoke_raw(
        &self,
        body: Bytes,
    ) -> impl Future<Output = crate::Result<Bytes>> + Send + '_ {
        let id = body
            .get(..4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let method = id.and_then(oxigram_tl::name_for_id).unwrap_or("unknown");
        let inner = &self.inner;
        let request = Request {
            method,
            body,
            dc: None,
            media: false,
            connection: 0,
            sleep_threshold: inner.settings.sleep_threshold,
            timeout: inner.settings.request_timeout,
        };
        inner.run(request)
    }
}
