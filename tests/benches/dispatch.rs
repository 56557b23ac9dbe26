//! What the dispatcher itself costs per update, with no network: a bot's ten handlers
//! (those of `examples/bot_rate.rs`, tried in order, the first whose filter passes
//! takes the message) run on new private messages as the test DC pushes them, cycling
//! through its ten flood texts (half commands, half plain text).
//!
//! Three steps of an update's way to its handler are timed, each over the same ten
//! updates:
//!
//! - `decode`: the `Updates` bytes into TL values (what every client does first; the
//!   yardstick the others are given against);
//! - `from_raw`: the TL values into a high-level [`Update`] (chat and sender found);
//! - `dispatch`: [`Dispatcher::dispatch`] of that update: the filters tried in turn,
//!   the handler that takes it run to its end.
//!
//! The three are timed in turn, ten updates at a time (see `Paired`), so that a burst of
//! other work on shared cores hits all of them alike; the ratios to `decode` are printed
//! as `paired`. Criterion's own estimates come from separate windows.
//!
//! Run: `cargo bench --bench dispatch -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use futures_executor::block_on;
use oxigram::dispatch::{BoxedFilter, HandlerResult};
use oxigram::tl::{Deserialize, Serialize, enums, types};
use oxigram::types::Update;
use oxigram::{Client, Message, filters};
use oxigram_testdc::world::World;

/// What the test DC's `flood` sends, in turn (`FLOOD_TEXTS` in oxigram-testdc.rs).
const TEXTS: [&str; 10] = [
    "/start",
    "ping 7",
    "/help x",
    "hello there",
    "/echo a b",
    "ping 42",
    "/stats",
    "what time is it",
    "/settings",
    "good night",
];

/// The handlers in the order they are registered.
const HANDLERS: [&str; 10] = [
    "start", "help", "echo", "stats", "settings", "ping", "photo", "sticker", "document", "text",
];

/// The updates the bot gets for [`TEXTS`], encoded as the test DC pushes them: one
/// `updateNewMessage` in `updates`, with the users it names.
fn pushed_updates() -> Vec<Vec<u8>> {
    let mut world = World::new(1);
    let user = world.create_user("9996622222", "Test", 2);
    let bot = world.create_bot("7000041:bench", "bench_bot", 2);
    let date = 1_700_000_000;
    TEXTS
        .iter()
        .map(|text| {
            let (_, received) = world.send(user, bot, text, date);
            let users = [user, bot]
                .iter()
                .filter_map(|&id| world.user(id, bot))
                .collect();
            types::Updates {
                updates: vec![enums::Update::NewMessage(types::UpdateNewMessage {
                    message: world.message(&received, bot),
                    pts: received.pts,
                    pts_count: 1,
                })],
                users,
                chats: Vec::new(),
                date,
                seq: 0,
            }
            .to_bytes()
        })
        .collect()
}

fn decode(bytes: &[u8]) -> enums::Updates {
    enums::Updates::from_bytes(bytes).expect("the test DC's encoding decodes")
}

/// The high-level update of decoded `Updates` (one update in each).
fn high_level(client: &Client, updates: &enums::Updates) -> Update {
    let enums::Updates::Updates(u) = updates else {
        panic!("the test DC pushes `updates`");
    };
    Update::from_raw(client, &u.updates[0], &u.users, &u.chats).expect("always Some")
}

/// What the handlers did: messages per handler, and what they used.
#[derive(Default)]
struct Tally {
    by_handler: [AtomicU64; HANDLERS.len()],
    args: AtomicU64,
    pings: AtomicU64,
    text: AtomicU64,
}

impl Tally {
    fn count(&self, index: usize) -> HandlerResult {
        self.by_handler[index].fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn counts(&self) -> Vec<u64> {
        self.by_handler
            .iter()
            .map(|n| n.load(Ordering::Relaxed))
            .collect()
    }
}

/// The bot of `examples/bot_rate.rs`: the same filters in the same order, handlers that
/// use what their filter found and count.
fn register(bot: &Client, tally: &Arc<Tally>) {
    for (index, name) in ["start", "help", "echo", "stats", "settings"]
        .into_iter()
        .enumerate()
    {
        let tally = tally.clone();
        let handler = move |msg: Message| {
            let tally = tally.clone();
            async move {
                let args = msg.command().map_or(0, |c| c.args.len());
                tally.args.fetch_add(args as u64, Ordering::Relaxed);
                tally.count(index)
            }
        };
        if name == "start" {
            bot.on_message(filters::command(name) & filters::private, handler);
        } else {
            bot.on_message(filters::command(name), handler);
        }
    }
    let t = tally.clone();
    bot.on_message(filters::regex(r"^ping (\d+)$"), move |msg: Message| {
        let tally = t.clone();
        async move {
            let n: u64 = msg
                .matches()
                .and_then(|m| m.get(1))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            tally.pings.fetch_add(n, Ordering::Relaxed);
            tally.count(5)
        }
    });
    for (index, media) in [
        (6, BoxedFilter::new(filters::photo)),
        (7, BoxedFilter::new(filters::sticker)),
        (8, BoxedFilter::new(filters::document)),
    ] {
        let t = tally.clone();
        bot.on_message(media, move |_: Message| {
            let tally = t.clone();
            async move { tally.count(index) }
        });
    }
    let t = tally.clone();
    bot.on_message(
        filters::text & !filters::regex("^/"),
        move |msg: Message| {
            let tally = t.clone();
            async move {
                tally
                    .text
                    .fetch_add(msg.text().chars().count() as u64, Ordering::Relaxed);
                tally.count(9)
            }
        },
    );
}

/// The three steps, timed ten updates at a time in turn; which goes first rotates, so
/// none always finds the updates' bytes warm.
#[derive(Debug, Default, Clone, Copy)]
struct Paired {
    decode: Duration,
    from_raw: Duration,
    dispatch: Duration,
    /// Updates each step went through.
    updates: u64,
}

impl Paired {
    fn run(&mut self, client: &Client, pushed: &[Vec<u8>], iters: u64) {
        let dispatcher = client.dispatcher();
        let decoded: Vec<enums::Updates> = pushed.iter().map(|b| decode(b)).collect();
        for i in 0..iters {
            // Made outside the timed sections: dispatch takes the update by value.
            let mut updates: Vec<Update> = decoded.iter().map(|u| high_level(client, u)).collect();
            for step in 0..3 {
                match (i as usize + step) % 3 {
                    0 => {
                        self.decode += time(|| {
                            for bytes in pushed {
                                black_box(decode(bytes));
                            }
                        })
                    }
                    1 => {
                        self.from_raw += time(|| {
                            for updates in &decoded {
                                black_box(high_level(client, updates));
                            }
                        })
                    }
                    _ => {
                        let updates = std::mem::take(&mut updates);
                        self.dispatch += block_on(async {
                            let start = Instant::now();
                            for update in updates {
                                dispatcher
                                    .dispatch(update)
                                    .await
                                    .expect("not running: handled before it returns");
                            }
                            start.elapsed()
                        })
                    }
                }
            }
            self.updates += pushed.len() as u64;
        }
    }

    fn add(&mut self, other: &Paired) {
        self.decode += other.decode;
        self.from_raw += other.from_raw;
        self.dispatch += other.dispatch;
        self.updates += other.updates;
    }

    fn per_update(&self, total: Duration) -> f64 {
        total.as_nanos() as f64 / self.updates as f64
    }
}

/// One step's total, out of a paired run.
type Pick = fn(&Paired) -> Duration;

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let client = Client::builder("dispatch_bench")
        .api_id(1)
        .api_hash("0123456789abcdef0123456789abcdef")
        .in_memory()
        .build_offline()
        .expect("an in-memory client opens");
    let tally = Arc::new(Tally::default());
    register(&client, &tally);
    let pushed = pushed_updates();

    // The handlers take the messages as the bot's do: checked once, before timing.
    let mut check = Paired::default();
    check.run(&client, &pushed, 1);
    assert_eq!(tally.counts(), [1, 1, 1, 1, 1, 2, 0, 0, 0, 3]);
    assert_eq!(
        [&tally.args, &tally.pings, &tally.text].map(|n| n.load(Ordering::Relaxed)),
        [3, 49, 11 + 15 + 10]
    );

    let mut group = c.benchmark_group("dispatch");
    let mut all = Paired::default();
    let steps: [(&str, Pick); 3] = [
        ("decode, 10 updates", |p| p.decode),
        ("from_raw, 10 updates", |p| p.from_raw),
        ("dispatch through 10 handlers, 10 updates", |p| p.dispatch),
    ];
    for (name, pick) in steps {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut run = Paired::default();
                run.run(&client, &pushed, iters);
                all.add(&run);
                pick(&run)
            })
        });
    }
    group.finish();
    let decode = all.per_update(all.decode);
    let from_raw = all.per_update(all.from_raw);
    let dispatch = all.per_update(all.dispatch);
    println!(
        "dispatch: per update, paired over {} updates: decode {decode:.0} ns, from_raw \
         {from_raw:.0} ns ({:.2}x decode), dispatch {dispatch:.0} ns ({:.2}x decode)",
        all.updates,
        from_raw / decode,
        dispatch / decode,
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
