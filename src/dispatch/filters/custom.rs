//! Filters made from closures, and the filter that passes everything.

use std::future::Future;

use crate::dispatch::filter::{Check, Filter, impl_ops};

/// Passes every update (`filters::all`).
#[derive(Debug, Clone, Copy, Default)]
pub struct All;

/// Passes every update.
#[allow(non_upper_case_globals)]
pub const all: All = All;

impl<T: ?Sized> Filter<T> for All {
    fn check<'a>(&'a self, _: &'a T) -> Check<'a> {
        Check::Ready(true)
    }
}

/// A filter from a closure that answers at once; made by [`create`].
#[derive(Clone, Copy)]
pub struct Custom<F>(F);

/// A filter from a closure that answers later; made by [`create_async`].
#[derive(Clone, Copy)]
pub struct CustomAsync<F>(F);

impl<F> std::fmt::Debug for Custom<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Custom(..)")
    }
}

impl<F> std::fmt::Debug for CustomAsync<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CustomAsync(..)")
    }
}

/// A filter from a closure: `filters::create(|m: &Message| m.text().len() > 3)`.
pub fn create<F>(f: F) -> Custom<F> {
    Custom(f)
}

/// A filter from a closure that returns a future; the closure gets its own clone of the
/// update (cheap: updates share their parts), so the future can outlive the check:
/// `filters::create_async(|m: Message| async move { is_admin(m.chat().id()).await })`.
pub fn create_async<F>(f: F) -> CustomAsync<F> {
    CustomAsync(f)
}

impl<T, F> Filter<T> for Custom<F>
where
    T: ?Sized,
    F: Fn(&T) -> bool + Send + Sync + 'static,
{
    fn check<'a>(&'a self, update: &'a T) -> Check<'a> {
        Check::Ready((self.0)(update))
    }
}

impl<T, F, Fut> Filter<T> for CustomAsync<F>
where
    T: Clone,
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    fn check<'a>(&'a self, update: &'a T) -> Check<'a> {
        Check::Later(Box::pin((self.0)(update.clone())))
    }
}

impl_ops! {
    [] All;
    [F,] Custom<F>;
    [F,] CustomAsync<F>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_executor::block_on;

    #[test]
    fn all_passes_anything() {
        assert!(block_on(Filter::<u8>::check(&all, &0).resolve()));
        assert!(block_on(Filter::<str>::check(&all, "").resolve()));
    }

    #[test]
    fn a_closure_decides() {
        let even = create(|n: &u32| n.is_multiple_of(2));
        assert!(block_on(even.check(&4).resolve()));
        assert!(!block_on(even.check(&5).resolve()));
        let big = create_async(|n: u32| async move { n > 10 });
        assert!(matches!(big.check(&11), Check::Later(_)));
        assert!(block_on(big.check(&11).resolve()));
        assert!(!block_on((big & even).check(&11).resolve()));
    }
}
