//! Results that come a page at a time (history, search, dialogs, members) as one
//! `Stream`: a page is asked for only when the items of the one before are used up, so
//! memory stays at one page whatever the total.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use oxigram_runtime::BoxFuture;

/// How one kind of paged result is fetched: the request for the next page, and where
/// the page after it starts.
pub(crate) trait Pager: Send + Sized + 'static {
    /// What the stream yields.
    type Item: Send + 'static;

    /// Asks for the next page of at most `want` items (`want` ≥ 1). The pager comes
    /// back with the page, its cursor moved past it; `more` is false when the server
    /// has nothing after this page.
    fn next_page(self, want: usize) -> BoxFuture<'static, crate::Result<Page<Self>>>;
}

/// One page and the pager that continues after it.
pub(crate) struct Page<P: Pager> {
    pub(crate) pager: P,
    pub(crate) items: Vec<P::Item>,
    pub(crate) more: bool,
}

enum State<P: Pager> {
    /// Before the first page, or between pages.
    Idle(P),
    Fetching(BoxFuture<'static, crate::Result<Page<P>>>),
    /// The server has nothing more, the limit is reached, or a page failed.
    Done,
}

/// A stream over paged results: items in the server's order, at most `limit` of them.
pub(crate) struct Pages<P: Pager> {
    state: State<P>,
    ready: VecDeque<P::Item>,
    /// Items still to yield; `None` for all there are.
    remaining: Option<usize>,
    /// The most asked for in one request (the method's own maximum).
    page_size: usize,
}

impl<P: Pager> Pages<P> {
    /// A stream that asks `pager` for pages of up to `page_size` items.
    pub(crate) fn new(pager: P, page_size: usize) -> Self {
        Pages {
            state: State::Idle(pager),
            ready: VecDeque::new(),
            remaining: None,
            page_size: page_size.max(1),
        }
    }

    /// Stops after `limit` items (0: yields nothing).
    pub(crate) fn set_limit(&mut self, limit: usize) {
        self.remaining = Some(limit);
    }

    /// The pager, to change its parameters before the first page is asked for; `None`
    /// once fetching has begun.
    pub(crate) fn pager_mut(&mut self) -> Option<&mut P> {
        match &mut self.state {
            State::Idle(pager) if self.ready.is_empty() => Some(pager),
            _ => None,
        }
    }
}

impl<P: Pager> Unpin for Pages<P> {}

impl<P: Pager> Stream for Pages<P> {
    type Item = crate::Result<P::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.remaining == Some(0) {
                this.ready.clear();
                this.state = State::Done;
                return Poll::Ready(None);
            }
            if let Some(item) = this.ready.pop_front() {
                if let Some(n) = &mut this.remaining {
                    *n -= 1;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Idle(pager) => {
                    let want = this
                        .remaining
                        .map_or(this.page_size, |n| n.min(this.page_size));
                    this.state = State::Fetching(pager.next_page(want));
                }
                State::Fetching(mut fetch) => match fetch.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Fetching(fetch);
                        return Poll::Pending;
                    }
                    // The error is the stream's last item: a page that failed cannot
                    // be skipped without losing what it held.
                    Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready(Ok(page)) => {
                        // An empty page ends the stream even if the server says more
                        // follow: asking again from the same cursor would loop.
                        if page.more && !page.items.is_empty() {
                            this.state = State::Idle(page.pager);
                        }
                        this.ready.extend(page.items);
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;

    /// Serves `total` numbers from 0 in pages, recording each `want` it was asked.
    struct Numbers {
        next: usize,
        total: usize,
        asked: std::sync::Arc<std::sync::Mutex<Vec<usize>>>,
        fail_at: Option<usize>,
    }

    impl Pager for Numbers {
        type Item = usize;

        fn next_page(mut self, want: usize) -> BoxFuture<'static, crate::Result<Page<Self>>> {
            Box::pin(async move {
                self.asked.lock().unwrap().push(want);
                if self.fail_at == Some(self.next) {
                    return Err(crate::Error::Config("page failed".into()));
                }
                let end = (self.next + want).min(self.total);
                let items: Vec<usize> = (self.next..end).collect();
                self.next = end;
                let more = end < self.total;
                Ok(Page {
                    pager: self,
                    items,
                    more,
                })
            })
        }
    }

    fn numbers(
        total: usize,
        fail_at: Option<usize>,
    ) -> (Numbers, std::sync::Arc<std::sync::Mutex<Vec<usize>>>) {
        let asked = std::sync::Arc::default();
        let pager = Numbers {
            next: 0,
            total,
            asked: std::sync::Arc::clone(&asked),
            fail_at,
        };
        (pager, asked)
    }

    #[test]
    fn every_item_once_in_order_across_pages() {
        let (pager, asked) = numbers(250, None);
        let got: Vec<usize> =
            futures_executor::block_on(Pages::new(pager, 100).try_collect()).unwrap();
        assert_eq!(got, (0..250).collect::<Vec<_>>());
        assert_eq!(*asked.lock().unwrap(), [100, 100, 100]);
    }

    #[test]
    fn a_limit_asks_for_no_more_than_it_needs() {
        let (pager, asked) = numbers(1000, None);
        let mut pages = Pages::new(pager, 100);
        pages.set_limit(150);
        let got: Vec<usize> = futures_executor::block_on(pages.try_collect()).unwrap();
        assert_eq!(got.len(), 150);
        assert_eq!(got[149], 149);
        assert_eq!(*asked.lock().unwrap(), [100, 50]);
    }

    #[test]
    fn a_failed_page_ends_the_stream_with_its_error() {
        let (pager, _) = numbers(300, Some(200));
        let mut pages = Pages::new(pager, 100);
        let mut got = Vec::new();
        let end = futures_executor::block_on(async {
            loop {
                match pages.try_next().await {
                    Ok(Some(n)) => got.push(n),
                    Ok(None) => return None,
                    Err(e) => return Some(e),
                }
            }
        });
        assert_eq!(got.len(), 200);
        assert!(matches!(end, Some(crate::Error::Config(_))));
        assert!(
            futures_executor::block_on(pages.try_next())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_zero_limit_asks_for_nothing() {
        let (pager, asked) = numbers(10, None);
        let mut pages = Pages::new(pager, 100);
        pages.set_limit(0);
        let got: Vec<usize> = futures_executor::block_on(pages.try_collect()).unwrap();
        assert!(got.is_empty());
        assert!(asked.lock().unwrap().is_empty());
    }
}
