//! The [`Filter`] trait and the combinators behind `&`, `|` and `!`.
//!
//! A filter looks at an update and says whether a handler wants it. Most filters answer
//! at once ([`Check::Ready`]); a filter that must wait for something (a database, a
//! request) answers later ([`Check::Later`]). Combinators short-circuit: `a & b` never
//! asks `b` when `a` said no, and `a | b` never asks `b` when `a` said yes.

use std::sync::Arc;

use oxigram_runtime::BoxFuture;

/// A filter's answer: now, or after waiting.
pub enum Check<'a> {
    /// The answer, known at once.
    Ready(bool),
    /// The answer, once this future ends.
    Later(BoxFuture<'a, bool>),
}

impl std::fmt::Debug for Check<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Check::Ready(answer) => f.debug_tuple("Ready").field(answer).finish(),
            Check::Later(_) => f.write_str("Later(..)"),
        }
    }
}

impl Check<'_> {
    /// The answer, waiting for it if it comes later.
    pub async fn resolve(self) -> bool {
        match self {
            Check::Ready(answer) => answer,
            Check::Later(answer) => answer.await,
        }
    }
}

impl From<bool> for Check<'_> {
    fn from(answer: bool) -> Self {
        Check::Ready(answer)
    }
}

/// Decides whether a handler (or a listener) wants an update of type `T`.
///
/// Built-ins are in [`filters`](super::filters); [`filters::create`](super::filters::create)
/// and [`filters::create_async`](super::filters::create_async) make one from a closure.
/// Filters combine with `&`, `|` and `!`.
pub trait Filter<T: ?Sized>: Send + Sync + 'static {
    /// Whether `update` passes. A filter may leave what it found on the update (a
    /// command's arguments, a regex's captures) for the handler to read.
    fn check<'a>(&'a self, update: &'a T) -> Check<'a>;
}

impl<T: ?Sized, F: Filter<T> + ?Sized> Filter<T> for Arc<F> {
    fn check<'a>(&'a self, update: &'a T) -> Check<'a> {
        (**self).check(update)
    }
}

impl<T: ?Sized, F: Filter<T> + ?Sized> Filter<T> for Box<F> {
    fn check<'a>(&'a self, update: &'a T) -> Check<'a> {
        (**self).check(update)
    }
}

/// Both filters pass (`a & b`); `b` is asked only if `a` passed.
#[derive(Debug, Clone, Copy)]
pub struct And<A, B>(pub A, pub B);

/// Either filter passes (`a | b`); `b` is asked only if `a` did not pass.
#[derive(Debug, Clone, Copy)]
pub struct Or<A, B>(pub A, pub B);

/// The filter does not pass (`!a`).
#[derive(Debug, Clone, Copy)]
pub struct Inverse<A>(pub A);

impl<T, A, B> Filter<T> for And<A, B>
where
    T: ?Sized + Sync,
    A: Filter<T>,
    B: Filter<T>,
{
    fn check<'a>(&'a self, update: &'a T) -> Check<'a> {
        match self.0.check(update) {
            Check::Ready(false) => Check::Ready(false),
            Check::Ready(true) => self.1.check(update),
            Check::Later(first) => Check::Later(Box::pin(async move {
                first.await && self.1.check(update).resolve().await
            })),
        }
    }
}

impl<T, A, B> Filter<T> for Or<A, B>
where
    T: ?Sized + Sync,
    A: Filter<T>,
    B: Filter<T>,
{
    fn check<'a>(&'a self, update: &'a T) -> Check<'a> {
        match self.0.check(update) {
            Check::Ready(true) => Check::Ready(true),
            Check::Ready(false) => self.1.check(update),
            Check::Later(first) => Check::Later(Box::pin(async move {
                first.await || self.1.check(update).resolve().await
            })),
        }
    }
}

impl<T, A> Filter<T> for Inverse<A>
where
    T: ?Sized + Sync,
    A: Filter<T>,
{
    fn check<'a>(&'a self, update: &'a T) -> Check<'a> {
        match self.0.check(update) {
            Check::Ready(answer) => Check::Ready(!answer),
            Check::Later(answer) => Check::Later(Box::pin(async move { !answer.await })),
        }
    }
}

/// A filter of any type behind one pointer, for filters chosen at run time; combines
/// with `&`, `|` and `!` like the others.
pub struct BoxedFilter<T: ?Sized>(Arc<dyn Filter<T>>);

impl<T: ?Sized> Clone for BoxedFilter<T> {
    fn clone(&self) -> Self {
        BoxedFilter(self.0.clone())
    }
}

impl<T: ?Sized> std::fmt::Debug for BoxedFilter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoxedFilter(..)")
    }
}

impl<T: ?Sized + 'static> BoxedFilter<T> {
    /// `filter`, behind a pointer.
    pub fn new(filter: impl Filter<T>) -> Self {
        BoxedFilter(Arc::new(filter))
    }
}

impl<T: ?Sized + 'static> Filter<T> for BoxedFilter<T> {
    fn check<'a>(&'a self, update: &'a T) -> Check<'a> {
        self.0.check(update)
    }
}

/// `&`, `|` and `!` for filter types: `impl_ops!([generics] Type; ...)`.
macro_rules! impl_ops {
    ($([$($g:tt)*] $t:ty;)*) => {$(
        impl<$($g)* Rhs> ::std::ops::BitAnd<Rhs> for $t {
            type Output = $crate::dispatch::filter::And<Self, Rhs>;
            fn bitand(self, rhs: Rhs) -> Self::Output {
                $crate::dispatch::filter::And(self, rhs)
            }
        }
        impl<$($g)* Rhs> ::std::ops::BitOr<Rhs> for $t {
            type Output = $crate::dispatch::filter::Or<Self, Rhs>;
            fn bitor(self, rhs: Rhs) -> Self::Output {
                $crate::dispatch::filter::Or(self, rhs)
            }
        }
        impl<$($g)*> ::std::ops::Not for $t {
            type Output = $crate::dispatch::filter::Inverse<Self>;
            fn not(self) -> Self::Output {
                $crate::dispatch::filter::Inverse(self)
            }
        }
    )*};
}
pub(crate) use impl_ops;

impl_ops! {
    [A, B,] And<A, B>;
    [A, B,] Or<A, B>;
    [A,] Inverse<A>;
    [T: ?Sized,] BoxedFilter<T>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::filters::{all, create, create_async};
    use futures_executor::block_on;
    use proptest::prelude::*;

    fn is(n: u8) -> impl Filter<u8> + Clone {
        #[derive(Clone)]
        struct Bit(u8);
        impl Filter<u8> for Bit {
            fn check<'a>(&'a self, update: &'a u8) -> Check<'a> {
                Check::Ready(update & (1 << self.0) != 0)
            }
        }
        Bit(n)
    }

    /// The same bit test, answering later.
    fn later(n: u8) -> impl Filter<u8> + Clone {
        #[derive(Clone)]
        struct LaterBit(u8);
        impl Filter<u8> for LaterBit {
            fn check<'a>(&'a self, update: &'a u8) -> Check<'a> {
                let answer = update & (1 << self.0) != 0;
                Check::Later(Box::pin(async move { answer }))
            }
        }
        LaterBit(n)
    }

    fn passes<F: Filter<u8>>(filter: &F, update: u8) -> bool {
        block_on(filter.check(&update).resolve())
    }

    proptest! {
        #[test]
        fn and_or_not_follow_boolean_logic(update: u8, a in 0u8..8, b in 0u8..8, c in 0u8..8) {
            let bit = |n: u8| update & (1 << n) != 0;
            let (x, y, z) = (BoxedFilter::new(is(a)), BoxedFilter::new(is(b)), BoxedFilter::new(later(c)));
            prop_assert_eq!(passes(&(x.clone() & y.clone()), update), bit(a) && bit(b));
            prop_assert_eq!(passes(&(x.clone() | y.clone()), update), bit(a) || bit(b));
            prop_assert_eq!(passes(&!x.clone(), update), !bit(a));
            // De Morgan, both ways.
            prop_assert_eq!(passes(&!(x.clone() & z.clone()), update), passes(&(!x.clone() | !z.clone()), update));
            prop_assert_eq!(passes(&!(x.clone() | z.clone()), update), passes(&(!x.clone() & !z.clone()), update));
            // Distribution, associativity, double negation, identity.
            prop_assert_eq!(passes(&(x.clone() & (y.clone() | z.clone())), update), passes(&((x.clone() & y.clone()) | (x.clone() & z.clone())), update));
            prop_assert_eq!(passes(&((x.clone() | y.clone()) | z.clone()), update), passes(&(x.clone() | (y.clone() | z.clone())), update));
            prop_assert_eq!(passes(&!!z.clone(), update), bit(c));
            prop_assert_eq!(passes(&(all & z.clone()), update), bit(c));
            prop_assert!(passes(&(z.clone() | !z.clone()), update));
            prop_assert!(!passes(&(z.clone() & !z.clone()), update));
        }
    }

    #[test]
    fn and_does_not_ask_the_right_side_when_the_left_said_no() {
        let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = asked.clone();
        let right = create(move |_: &u8| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            true
        });
        let filter = BoxedFilter::new(is(0)) & right;
        assert!(!passes(&filter, 0b10));
        assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 0);
        assert!(passes(&filter, 0b01));
        assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn or_does_not_ask_the_right_side_when_the_left_said_yes() {
        let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = asked.clone();
        let right = create_async(move |_: u8| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async { false }
        });
        let filter = BoxedFilter::new(later(0)) | right;
        assert!(passes(&filter, 0b01));
        assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 0);
        assert!(!passes(&filter, 0b10));
        assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
