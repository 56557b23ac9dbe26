//! Handlers: plain async closures or async functions that take an update.
//!
//! A handler returns one of:
//! - `Result<(), HandlerError>` (what `?` and `Ok(())` give): handled; the next group
//!   is tried, as in Pyrogram;
//! - `Result<Flow, HandlerError>` or a bare [`Flow`]: say where propagation goes;
//! - `()`: handled, nothing can fail.
//!
//! Any error converts into [`HandlerError`] with `?`. An error (or a panic) goes to the
//! error handlers and never stops the dispatcher.

use std::future::Future;
use std::marker::PhantomData;

use oxigram_runtime::BoxFuture;

/// Where an update goes after a handler ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flow {
    /// Handled in this group; the next group is tried (what `Ok(())` means).
    #[default]
    Continue,
    /// No handler in any later group sees the update.
    Stop,
    /// As if this handler's filter had not passed: the next matching handler of the
    /// same group runs (Pyrogram's `continue_propagation`).
    Skip,
}

impl From<()> for Flow {
    fn from((): ()) -> Flow {
        Flow::Continue
    }
}

// For handlers that return a bare `Continue` or `Stop`.
pub use Flow::{Continue, Stop};

/// Any error a handler returned, boxed; `?` converts every error type into it.
///
/// It does not implement [`std::error::Error`] itself (that would clash with the
/// conversion from every error); [`HandlerError::get`] gives the error inside.
pub struct HandlerError(Box<dyn std::error::Error + Send + Sync + 'static>);

impl HandlerError {
    /// An error with just a message.
    pub fn msg(message: impl std::fmt::Display) -> Self {
        HandlerError(message.to_string().into())
    }

    /// The error inside.
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }

    /// The error inside, if it is an `E`.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.0.downcast_ref()
    }

    /// The error inside, owned.
    pub fn into_inner(self) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self.0
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for HandlerError {
    fn from(error: E) -> Self {
        HandlerError(Box::new(error))
    }
}

impl std::fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl std::fmt::Display for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

/// What a handler returns.
pub type HandlerResult<T = ()> = Result<T, HandlerError>;

/// A function that handles updates of type `T`: any `Fn(T) -> impl Future` returning a
/// [`HandlerResult`] of `()` or [`Flow`], a bare [`Flow`], or `()`.
///
/// `M` only tells the return types apart; it is inferred.
pub trait Handler<T, M>: Send + Sync + 'static {
    /// Runs the handler on `update`.
    fn call(&self, update: T) -> BoxFuture<'static, HandlerResult<Flow>>;
}

/// Return-type markers for [`Handler`]; never named by users.
#[doc(hidden)]
pub mod markers {
    /// Returns `HandlerResult<R>`.
    pub struct Fallible<R>(std::marker::PhantomData<R>);
    /// Returns a bare `Flow`.
    pub struct Flows;
    /// Returns `()`.
    pub struct Infallible;
}

impl<T, F, Fut, R> Handler<T, markers::Fallible<R>> for F
where
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult<R>> + Send + 'static,
    R: Into<Flow> + 'static,
{
    fn call(&self, update: T) -> BoxFuture<'static, HandlerResult<Flow>> {
        let future = self(update);
        Box::pin(async move { future.await.map(Into::into) })
    }
}

impl<T, F, Fut> Handler<T, markers::Flows> for F
where
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Flow> + Send + 'static,
{
    fn call(&self, update: T) -> BoxFuture<'static, HandlerResult<Flow>> {
        let future = self(update);
        Box::pin(async move { Ok(future.await) })
    }
}

impl<T, F, Fut> Handler<T, markers::Infallible> for F
where
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    fn call(&self, update: T) -> BoxFuture<'static, HandlerResult<Flow>> {
        let future = self(update);
        Box::pin(async move {
            future.await;
            Ok(Flow::Continue)
        })
    }
}

/// A handler with its marker erased, to be kept beside others.
pub(crate) trait ErasedHandler<T>: Send + Sync + 'static {
    fn call(&self, update: T) -> BoxFuture<'static, HandlerResult<Flow>>;
}

struct Erased<H, M>(H, PhantomData<fn() -> M>);

impl<T, M: 'static, H: Handler<T, M>> ErasedHandler<T> for Erased<H, M> {
    fn call(&self, update: T) -> BoxFuture<'static, HandlerResult<Flow>> {
        self.0.call(update)
    }
}

/// `handler`, erased.
pub(crate) fn erase<T: 'static, M: 'static, H: Handler<T, M>>(
    handler: H,
) -> std::sync::Arc<dyn ErasedHandler<T>> {
    std::sync::Arc::new(Erased(handler, PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_executor::block_on;

    fn run<M: 'static, H: Handler<u8, M>>(handler: H, update: u8) -> HandlerResult<Flow> {
        block_on(erase(handler).call(update))
    }

    #[derive(Debug, thiserror::Error)]
    #[error("odd: {0}")]
    struct Odd(u8);

    fn even(n: u8) -> Result<u8, Odd> {
        if n.is_multiple_of(2) {
            Ok(n)
        } else {
            Err(Odd(n))
        }
    }

    async fn named(n: u8) -> HandlerResult {
        even(n)?;
        Ok(())
    }

    #[test]
    fn every_return_shape_is_a_handler() {
        assert_eq!(
            run(
                |n: u8| async move {
                    even(n)?;
                    Ok(())
                },
                2
            )
            .unwrap(),
            Flow::Continue
        );
        assert_eq!(
            run(
                |n: u8| async move {
                    even(n)?;
                    Ok(Flow::Stop)
                },
                2
            )
            .unwrap(),
            Flow::Stop
        );
        assert_eq!(run(|_: u8| async move { Stop }, 1).unwrap(), Flow::Stop);
        assert_eq!(
            run(|_: u8| async move { Flow::Skip }, 1).unwrap(),
            Flow::Skip
        );
        assert_eq!(run(|_: u8| async move {}, 1).unwrap(), Flow::Continue);
        assert_eq!(run(named, 4).unwrap(), Flow::Continue);
        let error = run(named, 3).unwrap_err();
        assert_eq!(error.to_string(), "odd: 3");
        assert_eq!(error.downcast_ref::<Odd>().map(|e| e.0), Some(3));
        assert_eq!(HandlerError::msg("plain").to_string(), "plain");
    }
}
