//! The oxigram side of the bot comparison (`tests/interop/bot_bench.sh`): a bot with ten
//! message handlers, run by the dispatcher ([`Client::run`]) as any bot is, counting the
//! private messages the test DC floods it with, beside Telethon and Pyrogram running the
//! same bot logic (`tests/interop/bot_bench.py`).
//!
//! ```text
//! bot_rate TOKEN COUNT --key PEM_FILE --dc ID=IP:PORT [--dc ...]
//! ```
//!
//! It signs the bot in (session in memory), registers the handlers, prints `ready` once
//! the dispatcher runs, and after COUNT messages prints what each handler took
//! (`handled start=N help=N ... args=N pings=N`) and `done COUNT NANOSECONDS`: the time
//! from the first message a handler saw to the last one counted. Then it stops.
//!
//! The handlers, tried in this order in one group (the first whose filter passes takes
//! the message), with what each does with what its filter found:
//!
//! | handler | filter | uses |
//! | --- | --- | --- |
//! | start | `command("start") & private` | the arguments |
//! | help, echo, stats, settings | `command(name)` | the arguments |
//! | ping | `regex(r"^ping (\d+)$")` | the number |
//! | photo, sticker, document | `photo`, `sticker`, `document` | nothing |
//! | text | `text & !regex("^/")` | the text's length |

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use oxigram::dispatch::HandlerResult;
use oxigram::{Client, Message, filters};

#[path = "common/bench_server.rs"]
mod bench_server;
use bench_server::BenchServer;

/// The handlers' names, in the order they are registered (and printed).
const HANDLERS: [&str; 10] = [
    "start", "help", "echo", "stats", "settings", "ping", "photo", "sticker", "document", "text",
];

type Failure = Box<dyn std::error::Error>;

const USAGE: &str = "usage: bot_rate TOKEN COUNT --key PEM_FILE --dc ID=IP:PORT [--dc ...]";

struct Args {
    token: String,
    count: u64,
    server: BenchServer,
}

fn parse_args() -> Result<Args, Failure> {
    let mut args = std::env::args().skip(1);
    let token = args.next().ok_or(USAGE)?;
    let count = args.next().ok_or(USAGE)?;
    let count: u64 = count
        .parse()
        .map_err(|e| format!("COUNT {count}: {e}\n{USAGE}"))?;
    if count == 0 {
        return Err(format!("COUNT must be at least 1\n{USAGE}").into());
    }
    let server = BenchServer::parse(args, USAGE)?;
    Ok(Args {
        token,
        count,
        server,
    })
}

/// What every handler shares: how many messages each took, what they found, and when
/// the first came.
struct Tally {
    expected: u64,
    seen: AtomicU64,
    first: OnceLock<Instant>,
    by_handler: [AtomicU64; HANDLERS.len()],
    /// Command arguments, over all commands.
    args: AtomicU64,
    /// The numbers of the `ping N` messages, added up.
    pings: AtomicU64,
    /// The lengths of the plain texts, added up.
    text: AtomicU64,
}

impl Tally {
    fn new(expected: u64) -> Self {
        Tally {
            expected,
            seen: AtomicU64::new(0),
            first: OnceLock::new(),
            by_handler: Default::default(),
            args: AtomicU64::new(0),
            pings: AtomicU64::new(0),
            text: AtomicU64::new(0),
        }
    }

    /// Counts a message for handler `index`; the last one expected prints the result
    /// and stops the bot.
    async fn count(&self, index: usize, client: &Client) -> HandlerResult {
        let first = *self.first.get_or_init(Instant::now);
        self.by_handler[index].fetch_add(1, Ordering::Relaxed);
        // AcqRel: the last one counted sees every other handler's additions.
        if self.seen.fetch_add(1, Ordering::AcqRel) + 1 != self.expected {
            return Ok(());
        }
        let elapsed = first.elapsed();
        let handled: Vec<String> = HANDLERS
            .iter()
            .zip(&self.by_handler)
            .map(|(name, n)| format!("{name}={}", n.load(Ordering::Relaxed)))
            .collect();
        println!(
            "handled {} args={} pings={} text={}",
            handled.join(" "),
            self.args.load(Ordering::Relaxed),
            self.pings.load(Ordering::Relaxed),
            self.text.load(Ordering::Relaxed),
        );
        // Stdout is line-buffered: the driver reads this the moment it is written.
        println!("done {} {}", self.expected, elapsed.as_nanos());
        client.stop().await?;
        Ok(())
    }
}

/// The ten handlers, in order, all in group 0.
fn register(bot: &Client, tally: &Arc<Tally>) {
    let commands = ["start", "help", "echo", "stats", "settings"];
    for (index, name) in commands.into_iter().enumerate() {
        let tally = tally.clone();
        let handler = move |msg: Message| {
            let tally = tally.clone();
            async move {
                let args = msg.command().map_or(0, |c| c.args.len());
                tally.args.fetch_add(args as u64, Ordering::Relaxed);
                tally.count(index, msg.client()).await
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
            tally.count(5, msg.client()).await
        }
    });
    bot.on_message(filters::photo, counting(tally, 6))
        .on_message(filters::sticker, counting(tally, 7))
        .on_message(filters::document, counting(tally, 8));
    let t = tally.clone();
    bot.on_message(
        filters::text & !filters::regex("^/"),
        move |msg: Message| {
            let tally = t.clone();
            async move {
                tally
                    .text
                    .fetch_add(msg.text().chars().count() as u64, Ordering::Relaxed);
                tally.count(9, msg.client()).await
            }
        },
    );
}

/// A handler that only counts the message for handler `index`.
fn counting(
    tally: &Arc<Tally>,
    index: usize,
) -> impl Fn(Message) -> std::pin::Pin<Box<dyn Future<Output = HandlerResult> + Send>>
+ Send
+ Sync
+ 'static {
    let tally = tally.clone();
    move |msg: Message| {
        let tally = tally.clone();
        Box::pin(async move { tally.count(index, msg.client()).await })
    }
}

async fn run(args: Args) -> Result<(), Failure> {
    let bot = args
        .server
        .builder("bot_rate")
        .bot_token(args.token)
        .build()
        .await
        .map_err(|e| format!("signing the bot in: {e}"))?;
    let tally = Arc::new(Tally::new(args.count));
    register(&bot, &tally);
    bot.on_start(|_: Client| async {
        println!("ready");
    });
    bot.run().await.map_err(|e| format!("running: {e}"))?;
    if tally.seen.load(Ordering::Acquire) < args.count {
        return Err(format!(
            "stopped after {} of {} messages",
            tally.seen.load(Ordering::Acquire),
            args.count
        )
        .into());
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("bot_rate: {e}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bot_rate: {e}");
            ExitCode::FAILURE
        }
    }
}
