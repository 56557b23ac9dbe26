//! The chain every request goes through: a tracing span, flood waits slept and retried,
//! server failures retried, then the layers a user adds, then the DC the request
//! belongs on (following migrations).
//!
//! A layer is a [`Middleware`]: it gets the [`Request`] and the rest of the chain
//! ([`Next`]), and may change the request, answer it itself, run the rest once or again,
//! or look at the answer:
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use oxigram::client::{Middleware, Next, Request};
//! use oxigram::{BoxFuture, Bytes, Result};
//!
//! /// Counts requests per method family.
//! #[derive(Default)]
//! struct CountMessages(AtomicU64);
//!
//! impl Middleware for CountMessages {
//!     fn handle<'a>(&'a self, request: Request, next: Next<'a>) -> BoxFuture<'a, Result<Bytes>> {
//!         if request.method.starts_with("messages.") {
//!             self.0.fetch_add(1, Ordering::Relaxed);
//!         }
//!         next.run(request)
//!     }
//! }
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use oxigram_runtime::BoxFuture;
use tracing::Instrument;

use super::Inner;
use crate::Result;
use crate::error::Error;

/// One request on its way through the chain.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Request {
    /// The TL name of the function (`messages.sendMessage`).
    pub method: &'static str,
    /// The serialized function.
    pub body: Bytes,
    /// The DC to send it to (`None`: the home DC).
    pub dc: Option<i16>,
    /// Over the DC's media-only address (for file transfers), if it has one.
    pub media: bool,
    /// Which of the DC's file connections carries it, modulo the client's
    /// [`file_connections`](super::ClientBuilder::file_connections): 0 (the default) is
    /// the DC's main (or media) connection; file transfers spread their parts over the
    /// others.
    pub connection: usize,
    /// Flood waits up to this long are slept and the request sent again; longer ones
    /// reach the caller as [`Error::Rpc`].
    pub sleep_threshold: Duration,
    /// Ends the request if no answer came in this long (each attempt).
    pub timeout: Option<Duration>,
}

/// A layer of the chain.
pub trait Middleware: Send + Sync + 'static {
    /// Handles `request`, usually by passing it (changed or not) to `next`.
    fn handle<'a>(&'a self, request: Request, next: Next<'a>) -> BoxFuture<'a, Result<Bytes>>;
}

/// A shared layer (keep a handle to read its state, as a counter or a rate limiter's).
impl<M: Middleware> Middleware for Arc<M> {
    fn handle<'a>(&'a self, request: Request, next: Next<'a>) -> BoxFuture<'a, Result<Bytes>> {
        (**self).handle(request, next)
    }
}

/// The rest of the chain after a layer.
#[derive(Clone, Copy)]
pub struct Next<'a> {
    pub(super) inner: &'a Arc<Inner>,
    pub(super) layers: &'a [Arc<dyn Middleware>],
}

impl std::fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next")
            .field("layers", &self.layers.len())
            .finish()
    }
}

impl<'a> Next<'a> {
    /// Runs the rest of the chain: it may be called more than once (to retry).
    pub fn run(self, request: Request) -> BoxFuture<'a, Result<Bytes>> {
        match self.layers.split_first() {
            Some((layer, rest)) => layer.handle(
                request,
                Next {
                    inner: self.inner,
                    layers: rest,
                },
            ),
            None => Box::pin(self.inner.send(request)),
        }
    }

    /// Sleeps on the client's runtime (for layers that wait: rate limiters, retries).
    pub fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.inner.net.sleep(duration)
    }
}

/// A `tracing` span per request: method, DC, and on the way out the outcome and the
/// time taken.
pub(super) struct Trace;

impl Middleware for Trace {
    fn handle<'a>(&'a self, request: Request, next: Next<'a>) -> BoxFuture<'a, Result<Bytes>> {
        let dc = request.dc.unwrap_or_else(|| next.inner.home_dc());
        let span = tracing::debug_span!("request", method = request.method, dc);
        Box::pin(
            async move {
                let started = Instant::now();
                let result = next.run(request).await;
                let elapsed = started.elapsed();
                match &result {
                    Ok(answer) => tracing::debug!(?elapsed, bytes = answer.len(), "answered"),
                    Err(e) => tracing::debug!(?elapsed, error = %e, "failed"),
                }
                result
            }
            .instrument(span),
        )
    }
}

/// Sleeps through `FLOOD_WAIT_X` and `FLOOD_PREMIUM_WAIT_X` up to the request's
/// threshold and sends the request again; a longer wait reaches the caller. Each retry
/// is bounded by the threshold, and there are at most [`FloodWait::MAX_RETRIES`].
pub(super) struct FloodWait;

impl FloodWait {
    /// Flood waits slept for one request at most.
    pub(super) const MAX_RETRIES: u32 = 5;
}

impl Middleware for FloodWait {
    fn handle<'a>(&'a self, request: Request, next: Next<'a>) -> BoxFuture<'a, Result<Bytes>> {
        Box::pin(async move {
            let mut retries = 0;
            loop {
                let result = next.run(request.clone()).await;
                let wait = match &result {
                    Err(Error::Rpc(e)) => e.flood_wait(),
                    _ => None,
                };
                match wait {
                    Some(wait)
                        if wait <= request.sleep_threshold && retries < Self::MAX_RETRIES =>
                    {
                        retries += 1;
                        tracing::info!(
                            method = request.method,
                            seconds = wait.as_secs(),
                            "flood wait: sleeping, then sending again"
                        );
                        next.sleep(wait).await;
                    }
                    _ => return result,
                }
            }
        })
    }
}

/// Sends a request again after the server failed it (500, -503: its own failure, not a
/// refusal), up to [`RetryServerErrors::MAX_RETRIES`] times with growing pauses.
pub(super) struct RetryServerErrors;

impl RetryServerErrors {
    /// Retries after a server failure.
    pub(super) const MAX_RETRIES: u32 = 3;
    const FIRST_PAUSE: Duration = Duration::from_millis(500);
}

impl Middleware for RetryServerErrors {
    fn handle<'a>(&'a self, request: Request, next: Next<'a>) -> BoxFuture<'a, Result<Bytes>> {
        Box::pin(async move {
            let mut pause = Self::FIRST_PAUSE;
            let mut retries = 0;
            loop {
                let result = next.run(request.clone()).await;
                let retry = matches!(&result, Err(Error::Rpc(e)) if e.is_retryable_server_error());
                if !retry || retries == Self::MAX_RETRIES {
                    return result;
                }
                retries += 1;
                tracing::info!(
                    method = request.method,
                    ?pause,
                    "server failure: sending again"
                );
                next.sleep(pause).await;
                pause *= 2;
            }
        })
    }
}
