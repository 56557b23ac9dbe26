//! Handler groups: run in order of their number (lower first); within a group the first
//! handler whose filter passes runs; its [`Flow`] says whether later groups see the
//! update. A failing or panicking handler or filter ends its group (the next group is
//! tried) and is reported, never stopping anything else.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::FutureExt;

use super::filter::{Check, Filter};
use super::handler::{ErasedHandler, Flow, HandlerError};

/// Why a handler did not finish well.
#[derive(Debug)]
#[non_exhaustive]
pub enum Failure {
    /// The handler returned an error.
    Error(HandlerError),
    /// The handler panicked (the panic's message, if it was a string).
    Panic(String),
    /// The filter in front of the handler panicked.
    FilterPanic(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Error(e) => write!(f, "handler failed: {e}"),
            Failure::Panic(message) => write!(f, "handler panicked: {message}"),
            Failure::FilterPanic(message) => write!(f, "filter panicked: {message}"),
        }
    }
}

/// The message a panic carried.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// What filters leave on an update (a command, regex captures), forgotten before the
/// next handler's filter looks, so each handler sees what its own filter found.
pub(crate) trait FilterResults {
    fn forget_filter_results(&mut self) {}
}

/// One handler, its filter, and the switch of the router it came with.
pub(crate) struct Entry<T> {
    pub(crate) filter: Arc<dyn Filter<T>>,
    pub(crate) handler: Arc<dyn ErasedHandler<T>>,
    pub(crate) enabled: Arc<AtomicBool>,
    pub(crate) router: Arc<str>,
}

impl<T> Clone for Entry<T> {
    fn clone(&self) -> Self {
        Entry {
            filter: self.filter.clone(),
            handler: self.handler.clone(),
            enabled: self.enabled.clone(),
            router: self.router.clone(),
        }
    }
}

/// A failure, and the router whose handler failed.
#[derive(Debug)]
pub(crate) struct Reported {
    pub(crate) router: Arc<str>,
    pub(crate) failure: Failure,
}

/// What running the groups on one update did.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Handlers that ran (failed ones included).
    pub(crate) ran: usize,
    pub(crate) failures: Vec<Reported>,
}

/// The handlers for one kind of update, by group.
pub(crate) struct Groups<T> {
    groups: BTreeMap<i32, Vec<Entry<T>>>,
}

impl<T> Default for Groups<T> {
    fn default() -> Self {
        Groups {
            groups: BTreeMap::new(),
        }
    }
}

impl<T> Clone for Groups<T> {
    fn clone(&self) -> Self {
        Groups {
            groups: self.groups.clone(),
        }
    }
}

impl<T: FilterResults + Clone + Send + Sync + 'static> Groups<T> {
    /// Adds `entry` at the end of `group`.
    pub(crate) fn push(&mut self, group: i32, entry: Entry<T>) {
        self.groups.entry(group).or_default().push(entry);
    }

    /// Adds `other`'s handlers after this one's, group by group.
    pub(crate) fn extend(&mut self, other: &Groups<T>) {
        for (group, entries) in &other.groups {
            self.groups
                .entry(*group)
                .or_default()
                .extend(entries.iter().cloned());
        }
    }

    /// Moves every handler to the router `name` with the switch `enabled`.
    pub(crate) fn rebind(&mut self, name: &Arc<str>, enabled: &Arc<AtomicBool>) {
        for entry in self.groups.values_mut().flatten() {
            entry.router = name.clone();
            entry.enabled = enabled.clone();
        }
    }

    /// Removes every handler that came with the router `name`.
    pub(crate) fn remove_router(&mut self, name: &str) {
        for entries in self.groups.values_mut() {
            entries.retain(|e| &*e.router != name);
        }
        self.groups.retain(|_, entries| !entries.is_empty());
    }

    /// How many handlers there are.
    pub(crate) fn len(&self) -> usize {
        self.groups.values().map(Vec::len).sum()
    }

    /// Runs the groups on `update`.
    pub(crate) async fn run(&self, update: &mut T) -> Outcome {
        let mut outcome = Outcome::default();
        'groups: for entries in self.groups.values() {
            for entry in entries {
                if !entry.enabled.load(Ordering::Acquire) {
                    continue;
                }
                update.forget_filter_results();
                match passes(&*entry.filter, update).await {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(message) => {
                        outcome.failures.push(Reported {
                            router: entry.router.clone(),
                            failure: Failure::FilterPanic(message),
                        });
                        continue 'groups;
                    }
                }
                outcome.ran += 1;
                let called = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    entry.handler.call(update.clone())
                }));
                let result = match called {
                    Ok(future) => AssertUnwindSafe(future).catch_unwind().await,
                    Err(payload) => Err(payload),
                };
                let failure = match result {
                    Ok(Ok(Flow::Continue)) => continue 'groups,
                    Ok(Ok(Flow::Stop)) => break 'groups,
                    Ok(Ok(Flow::Skip)) => continue,
                    Ok(Err(error)) => Failure::Error(error),
                    Err(payload) => Failure::Panic(panic_message(&*payload)),
                };
                outcome.failures.push(Reported {
                    router: entry.router.clone(),
                    failure,
                });
                continue 'groups;
            }
        }
        outcome
    }
}

/// Whether `update` passes `filter`; a panic in the filter is caught and told.
pub(crate) async fn passes<T: ?Sized + 'static>(
    filter: &dyn Filter<T>,
    update: &T,
) -> Result<bool, String> {
    let check = std::panic::catch_unwind(AssertUnwindSafe(|| filter.check(update)))
        .map_err(|payload| panic_message(&*payload))?;
    match check {
        Check::Ready(answer) => Ok(answer),
        Check::Later(answer) => AssertUnwindSafe(answer)
            .catch_unwind()
            .await
            .map_err(|payload| panic_message(&*payload)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::filters::{all, create};
    use crate::dispatch::handler::{HandlerResult, erase};
    use futures_executor::block_on;
    use std::sync::Mutex;

    type Log = Arc<Mutex<Vec<String>>>;

    impl FilterResults for u8 {}

    fn entry<M: 'static>(
        filter: impl Filter<u8>,
        handler: impl super::super::handler::Handler<u8, M>,
    ) -> Entry<u8> {
        Entry {
            filter: Arc::new(filter),
            handler: erase(handler),
            enabled: Arc::new(AtomicBool::new(true)),
            router: "main".into(),
        }
    }

    fn noting(
        log: &Log,
        name: &'static str,
        flow: Flow,
    ) -> impl Fn(u8) -> futures_util::future::Ready<Flow> + Send + Sync + 'static {
        let log = log.clone();
        move |n: u8| {
            log.lock().unwrap().push(format!("{name}:{n}"));
            futures_util::future::ready(flow)
        }
    }

    fn seen(log: &Log) -> Vec<String> {
        std::mem::take(&mut *log.lock().unwrap())
    }

    #[test]
    fn groups_run_lowest_first_and_one_handler_each() {
        let log = Log::default();
        let mut groups = Groups::default();
        groups.push(1, entry(all, noting(&log, "g1", Flow::Continue)));
        groups.push(
            -1,
            entry(
                create(|n: &u8| *n > 5),
                noting(&log, "g-1 big", Flow::Continue),
            ),
        );
        groups.push(-1, entry(all, noting(&log, "g-1 any", Flow::Continue)));
        groups.push(0, entry(all, noting(&log, "g0 first", Flow::Continue)));
        groups.push(0, entry(all, noting(&log, "g0 second", Flow::Continue)));
        let outcome = block_on(groups.run(&mut 7));
        assert_eq!(seen(&log), ["g-1 big:7", "g0 first:7", "g1:7"]);
        assert_eq!(outcome.ran, 3);
        block_on(groups.run(&mut 2));
        assert_eq!(seen(&log), ["g-1 any:2", "g0 first:2", "g1:2"]);
        assert_eq!(groups.len(), 5);
    }

    #[test]
    fn stop_ends_propagation_and_skip_passes_within_the_group() {
        let log = Log::default();
        let mut groups = Groups::default();
        groups.push(0, entry(all, noting(&log, "skip", Flow::Skip)));
        groups.push(0, entry(all, noting(&log, "stop", Flow::Stop)));
        groups.push(1, entry(all, noting(&log, "never", Flow::Continue)));
        block_on(groups.run(&mut 1));
        assert_eq!(seen(&log), ["skip:1", "stop:1"]);
    }

    #[test]
    fn errors_and_panics_are_reported_and_the_next_group_runs() {
        let log = Log::default();
        let mut groups = Groups::default();
        groups.push(
            0,
            entry(all, |n: u8| async move {
                if n > 0 {
                    return Err(HandlerError::msg("no"));
                }
                HandlerResult::Ok(())
            }),
        );
        groups.push(0, entry(all, noting(&log, "same group", Flow::Continue)));
        groups.push(
            1,
            entry(all, |n: u8| async move { assert_eq!(n, 0, "boom") }),
        );
        groups.push(
            2,
            entry(
                create(|_: &u8| -> bool { panic!("bad filter") }),
                noting(&log, "unreached", Flow::Continue),
            ),
        );
        groups.push(3, entry(all, noting(&log, "last", Flow::Continue)));
        let outcome = block_on(groups.run(&mut 1));
        assert_eq!(seen(&log), ["last:1"]);
        let failures: Vec<String> = outcome
            .failures
            .iter()
            .map(|r| r.failure.to_string())
            .collect();
        assert_eq!(
            failures,
            [
                "handler failed: no",
                "handler panicked: assertion `left == right` failed: boom\n  left: 1\n right: 0",
                "filter panicked: bad filter"
            ]
        );
    }

    #[test]
    fn disabled_and_removed_handlers_do_not_run() {
        let log = Log::default();
        let mut groups = Groups::default();
        let mut off = entry(all, noting(&log, "plugin", Flow::Continue));
        off.router = "plugin".into();
        let switch = off.enabled.clone();
        groups.push(0, off);
        groups.push(0, entry(all, noting(&log, "main", Flow::Continue)));
        block_on(groups.run(&mut 1));
        switch.store(false, Ordering::Release);
        block_on(groups.run(&mut 2));
        switch.store(true, Ordering::Release);
        groups.remove_router("plugin");
        block_on(groups.run(&mut 3));
        assert_eq!(seen(&log), ["plugin:1", "main:2", "main:3"]);
    }
}
