//! The [`Dispatcher`]: the handler table, the listeners, and the worker pool while the
//! client runs.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use futures_util::FutureExt;

use super::conversation::Listeners;
use super::group::{Failure, Outcome, panic_message};
use super::latch::Latch;
use super::pool::{Pool, PoolClosed, PoolConfig};
use super::router::Router;
use super::table::{Hook, Table};
use crate::Client;
use crate::client::Handled;
use crate::client::net::Net;
use crate::types::{CallbackQuery, Message, Update};

/// What the error handlers get: the update (if a handler of one failed), the router
/// whose handler failed (`""` for the client's own), and what went wrong.
///
/// The failures of an update are reported once its propagation ended (the later
/// groups ran), in the order they happened.
#[derive(Debug, Clone)]
pub struct DispatchError {
    /// The update being handled; `None` for a failure of a start, stop or disconnect
    /// handler.
    pub update: Option<Update>,
    /// The router the failing handler came with (`""`: registered on the client).
    pub router: String,
    /// What went wrong.
    pub failure: Arc<Failure>,
}

impl std::fmt::Display for DispatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.router.is_empty() {
            write!(f, "{}", self.failure)
        } else {
            write!(f, "{} (router {:?})", self.failure, self.router)
        }
    }
}

/// The client's update dispatcher ([`Client::dispatcher`]).
///
/// Updates go first to the listeners ([`Client::listen`]), then to the handlers:
/// group by group (lowest first), the first handler of a group whose filter passes.
/// While [`Client::run`] runs, updates are handled by a pool of workers; otherwise
/// [`Dispatcher::dispatch`] handles them before it returns.
#[derive(Clone)]
pub struct Dispatcher {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("handlers", &self.table().len())
            .field("running", &self.is_running())
            .finish_non_exhaustive()
    }
}

struct Shared {
    net: Arc<dyn Net>,
    /// Copied on write: updates being handled keep the table they started with.
    table: RwLock<Arc<Table>>,
    /// Each included router's switch, by name.
    routers: Mutex<HashMap<String, Arc<AtomicBool>>>,
    /// The switch of the handlers registered on the client itself.
    own: Arc<AtomicBool>,
    config: Mutex<PoolConfig>,
    messages: Arc<Listeners<Message>>,
    callbacks: Arc<Listeners<CallbackQuery>>,
    running: Mutex<Option<Running>>,
}

/// While [`Client::run`] runs.
struct Running {
    /// Each update with the ticket that saves its state once it is handled.
    pool: Arc<Pool<(Update, Option<Handled>)>>,
    stop: Arc<Latch>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Dispatcher {
    /// A dispatcher whose workers and timers run on `net`.
    pub(crate) fn new(net: Arc<dyn Net>) -> Self {
        Dispatcher {
            shared: Arc::new(Shared {
                net,
                table: RwLock::new(Arc::new(Table::default())),
                routers: Mutex::new(HashMap::new()),
                own: Arc::new(AtomicBool::new(true)),
                config: Mutex::new(PoolConfig::default()),
                messages: Arc::new(Listeners::new()),
                callbacks: Arc::new(Listeners::new()),
                running: Mutex::new(None),
            }),
        }
    }

    pub(crate) fn net(&self) -> &Arc<dyn Net> {
        &self.shared.net
    }

    pub(crate) fn message_listeners(&self) -> &Arc<Listeners<Message>> {
        &self.shared.messages
    }

    pub(crate) fn callback_listeners(&self) -> &Arc<Listeners<CallbackQuery>> {
        &self.shared.callbacks
    }

    fn table(&self) -> Arc<Table> {
        self.shared
            .table
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Changes the table: a new copy, which updates from now on see.
    fn edit(&self, change: impl FnOnce(&mut Table)) {
        let mut table = self.shared.table.write().unwrap_or_else(|e| e.into_inner());
        let mut next = Table::clone(&table);
        change(&mut next);
        *table = Arc::new(next);
    }

    /// Adds the handlers of a router made on the spot for the client's own.
    pub(crate) fn add_own(&self, build: impl FnOnce(Router) -> Router) {
        let router = build(Router::with_switch("", self.shared.own.clone()));
        self.edit(|table| table.extend(router.table()));
    }

    /// Adds `router`'s handlers after those there are (a router of the same name is
    /// replaced), enabled.
    pub fn include(&self, router: Router) {
        let name = router.name().to_string();
        router.switch().store(true, Ordering::Release);
        self.edit(|table| {
            table.remove_router(&name);
            table.extend(router.table());
        });
        lock(&self.shared.routers).insert(name, router.switch().clone());
    }

    /// Turns the router `name` on or off; whether there is one.
    fn switch(&self, name: &str, on: bool) -> bool {
        match lock(&self.shared.routers).get(name) {
            Some(switch) => {
                switch.store(on, Ordering::Release);
                true
            }
            None => false,
        }
    }

    /// Turns the router `name` back on; whether one was included.
    pub fn enable(&self, name: &str) -> bool {
        self.switch(name, true)
    }

    /// Turns the router `name` off (its handlers are skipped until enabled); whether
    /// one was included.
    pub fn disable(&self, name: &str) -> bool {
        self.switch(name, false)
    }

    /// Removes the router `name` and its handlers; whether one was included.
    pub fn remove(&self, name: &str) -> bool {
        let known = lock(&self.shared.routers).remove(name).is_some();
        if known {
            self.edit(|table| table.remove_router(name));
        }
        known
    }

    /// The routers included, by name, and whether each is enabled.
    pub fn routers(&self) -> Vec<(String, bool)> {
        let mut routers: Vec<(String, bool)> = lock(&self.shared.routers)
            .iter()
            .map(|(name, on)| (name.clone(), on.load(Ordering::Acquire)))
            .collect();
        routers.sort();
        routers
    }

    /// How the workers run from the next [`Client::run`] on.
    pub fn set_config(&self, config: PoolConfig) {
        *lock(&self.shared.config) = config;
    }

    /// How the workers run.
    pub fn config(&self) -> PoolConfig {
        *lock(&self.shared.config)
    }

    pub(crate) fn edit_config(&self, change: impl FnOnce(&mut PoolConfig)) {
        change(&mut lock(&self.shared.config));
    }

    /// Updates waiting for a worker (0 unless [`Client::run`] runs).
    pub fn queued(&self) -> usize {
        lock(&self.shared.running)
            .as_ref()
            .map_or(0, |r| r.pool.queued())
    }

    /// Whether [`Client::run`] runs.
    pub fn is_running(&self) -> bool {
        lock(&self.shared.running).is_some()
    }

    /// Hands `update` to the first listener that wants it, or else to the handlers:
    /// queued for the workers while [`Client::run`] runs (waiting while the queue is
    /// full), handled before returning otherwise.
    pub async fn dispatch(&self, update: Update) -> Result<(), PoolClosed> {
        self.dispatch_held(update, None).await
    }

    /// [`dispatch`](Self::dispatch), with the ticket that saves the update's state once
    /// it is handled (or taken by a listener).
    pub(crate) async fn dispatch_held(
        &self,
        update: Update,
        handled: Option<Handled>,
    ) -> Result<(), PoolClosed> {
        let Some(update) = self.offer_to_listeners(update).await else {
            return Ok(());
        };
        let pool = lock(&self.shared.running).as_ref().map(|r| r.pool.clone());
        match pool {
            Some(pool) => pool.submit(update.chat_id(), (update, handled)).await,
            None => {
                self.handle(update).await;
                drop(handled);
                Ok(())
            }
        }
    }

    /// The update back if no listener took it.
    async fn offer_to_listeners(&self, update: Update) -> Option<Update> {
        match update {
            Update::Message(m) => {
                let chat = Some(m.chat().id());
                self.shared
                    .messages
                    .offer(chat, m)
                    .await
                    .map(Update::Message)
            }
            Update::CallbackQuery(q) => {
                let chat = q.chat().map(|c| c.id());
                self.shared
                    .callbacks
                    .offer(chat, q)
                    .await
                    .map(Update::CallbackQuery)
            }
            other => Some(other),
        }
    }

    /// Runs the handlers on `update` now (what a worker does), listeners aside.
    pub async fn handle(&self, update: Update) {
        let table = self.table();
        let groups = &table.groups;
        macro_rules! run {
            ($variant:ident, $field:ident, $value:ident) => {{
                let mut value = $value;
                let outcome = groups.$field.run(&mut value).await;
                self.report(&table, outcome, || Update::$variant(value.clone()))
                    .await;
            }};
        }
        match update {
            Update::Message(m) => run!(Message, message, m),
            Update::EditedMessage(m) => run!(EditedMessage, edited_message, m),
            Update::DeletedMessages(d) => run!(DeletedMessages, deleted_messages, d),
            Update::CallbackQuery(q) => run!(CallbackQuery, callback_query, q),
            Update::InlineQuery(q) => run!(InlineQuery, inline_query, q),
            Update::ChosenInlineResult(r) => run!(ChosenInlineResult, chosen_inline_result, r),
            Update::ChatMember(m) => run!(ChatMember, chat_member, m),
            Update::ChatJoinRequest(r) => run!(ChatJoinRequest, chat_join_request, r),
            Update::UserStatus(s) => run!(UserStatus, user_status, s),
            Update::Raw(r) => run!(Raw, raw, r),
        }
    }

    /// Hands the failures of one update to the error handlers.
    async fn report(&self, table: &Table, outcome: Outcome, update: impl Fn() -> Update) {
        for reported in outcome.failures {
            let error = DispatchError {
                update: Some(update()),
                router: reported.router.to_string(),
                failure: Arc::new(reported.failure),
            };
            self.report_error(table, error).await;
        }
    }

    /// Runs the error handlers on `error`, or logs it if there are none.
    async fn report_error(&self, table: &Table, error: DispatchError) {
        let handlers: Vec<&Hook<DispatchError>> = table
            .hooks
            .error
            .iter()
            .filter(|h| h.enabled.load(Ordering::Acquire))
            .collect();
        if handlers.is_empty() {
            tracing::error!(%error, "an update handler failed");
            return;
        }
        for hook in handlers {
            if let Err(failure) = call(hook, error.clone()).await {
                // An error handler's own failure has nowhere else to go.
                tracing::error!(%failure, %error, "an error handler failed");
            }
        }
    }

    /// Runs the start, stop or disconnect handlers.
    pub(crate) async fn run_hooks(
        &self,
        pick: impl Fn(&Table) -> &Vec<Hook<Client>>,
        client: &Client,
    ) {
        let table = self.table();
        for hook in pick(&table) {
            if !hook.enabled.load(Ordering::Acquire) {
                continue;
            }
            if let Err(failure) = call(hook, client.clone()).await {
                let error = DispatchError {
                    update: None,
                    router: hook.router.to_string(),
                    failure: Arc::new(failure),
                };
                self.report_error(&table, error).await;
            }
        }
    }

    /// Runs the disconnect handlers: for the client to call when its connection to the
    /// home DC is lost.
    pub async fn disconnected(&self, client: &Client) {
        self.run_hooks(|t| &t.hooks.disconnect, client).await;
    }

    /// Starts the workers for [`Client::run`]; the latch that stops it.
    pub(crate) fn begin(&self) -> crate::Result<Arc<Latch>> {
        let mut running = lock(&self.shared.running);
        if running.is_some() {
            return Err(crate::Error::Config(
                "the dispatcher is running already (Client::run was called twice)".into(),
            ));
        }
        let worker = self.clone();
        let pool = Pool::start(
            &*self.shared.net,
            self.config(),
            Arc::new(move |(update, handled): (Update, Option<Handled>)| {
                let worker = worker.clone();
                Box::pin(async move {
                    worker.handle(update).await;
                    // Handled (its panics are caught inside): its state may be saved.
                    drop(handled);
                })
            }),
        );
        let stop = Arc::new(Latch::new());
        *running = Some(Running {
            pool: Arc::new(pool),
            stop: stop.clone(),
        });
        Ok(stop)
    }

    /// Asks a running [`Client::run`] to stop; whether one was running.
    pub(crate) fn request_stop(&self) -> bool {
        match &*lock(&self.shared.running) {
            Some(running) => {
                running.stop.fire();
                true
            }
            None => false,
        }
    }

    /// Ends what [`Dispatcher::begin`] started: the queued updates are handled, the
    /// workers return, and waiting listeners end with [`ListenError::Stopped`].
    ///
    /// [`ListenError::Stopped`]: super::ListenError::Stopped
    pub(crate) async fn finish(&self) {
        let pool = lock(&self.shared.running).as_ref().map(|r| r.pool.clone());
        if let Some(pool) = pool {
            pool.close();
            pool.join().await;
        }
        self.shared.messages.stop_all();
        self.shared.callbacks.stop_all();
        *lock(&self.shared.running) = None;
    }
}

/// Runs one lifecycle or error handler, its panics caught.
async fn call<T: 'static>(hook: &Hook<T>, value: T) -> Result<(), Failure> {
    let called = std::panic::catch_unwind(AssertUnwindSafe(|| hook.handler.call(value)));
    let result = match called {
        Ok(future) => AssertUnwindSafe(future).catch_unwind().await,
        Err(payload) => Err(payload),
    };
    match result {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(Failure::Error(error)),
        Err(payload) => Err(Failure::Panic(panic_message(&*payload))),
    }
}
