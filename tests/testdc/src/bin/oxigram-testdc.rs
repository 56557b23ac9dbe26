//! `oxigram-testdc`: runs the test DC until interrupted.
//!
//! ```text
//! oxigram-testdc [--seed N] [--dcs N] [--port P] [--bot TOKEN]... [--user PHONE]... [--rsa-key FILE]
//!                [--max-connections N] [--bot-answer-timeout SECONDS] [--mtproxy-secret SECRET]
//! ```
//!
//! `--mtproxy-secret` makes every DC an MTProxy as well, for that secret (hex or base64:
//! 16 bytes, `dd` and 16 bytes, or `ee`, 16 bytes and a domain), so that clients'
//! MTProxy connections can be tried offline.
//!
//! On start it prints `dc <id> <ip>:<port>` for each DC, the RSA public key as PEM, its
//! fingerprint, and `ready`.
//!
//! Its standard input takes commands, one a line (for benchmarks driven from outside):
//!
//! - `flood PHONE TOKEN COUNT [BATCH]`: the user with this phone number sends the bot
//!   with this token COUNT private messages, cycling through `FLOOD_TEXTS` (half
//!   commands, half plain text), BATCH at a time (64 by default): a batch goes out once
//!   the server has handed the previous one to the bot's connections to write, so the
//!   messages wait for a slow bot in the socket's buffers, never in the server's bounded
//!   queues. Prints `flooded COUNT` when the last batch is handed over.
//! - `report`: prints what clients asked for so far: `layer N COUNT` for each layer
//!   announced in `invokeWithLayer`, `unimplemented METHOD COUNT` for each method the
//!   test DC does not implement (`unknown#ID` for an id no schema names, `other` for
//!   what lies beyond the report's bound), then `report end`.
//!
//! A line it cannot read is answered on standard error; the end of the input ends
//! nothing.

use std::process::ExitCode;
use std::sync::Arc;

use oxigram_testdc::{TestDc, TestDcConfig, pem};

/// What `flood` sends, in turn: half bot commands (with and without arguments), half
/// plain text, so that a bot's handlers see both.
const FLOOD_TEXTS: [&str; 10] = [
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

/// Messages per batch unless the `flood` line says otherwise.
const FLOOD_BATCH: usize = 64;

const USAGE: &str = "usage: oxigram-testdc [--seed N] [--dcs N] [--port P] [--bot TOKEN]... \
                     [--user PHONE]... [--rsa-key FILE] [--max-connections N] \
                     [--bot-answer-timeout SECONDS] [--mtproxy-secret SECRET]";

fn parse(args: impl Iterator<Item = String>) -> Result<TestDcConfig, String> {
    let mut config = TestDcConfig::default();
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--seed" => {
                config.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--dcs" => {
                config.dcs = value("--dcs")?.parse().map_err(|e| format!("--dcs: {e}"))?;
                if !(1..=5).contains(&config.dcs) {
                    return Err("--dcs must be 1 to 5".into());
                }
            }
            "--port" => {
                config.port = value("--port")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?
            }
            "--bot" => config.bots.push(value("--bot")?),
            "--user" => config.users.push(value("--user")?),
            "--rsa-key" => {
                let path = value("--rsa-key")?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                config.rsa_key =
                    Some(pem::private_key_from_pem(&text).map_err(|e| format!("{path}: {e}"))?);
            }
            // A benchmark holding a thousand idle clients, while the connections of the
            // run before are still closing, needs more than the default.
            "--max-connections" => {
                config.max_connections = value("--max-connections")?
                    .parse()
                    .map_err(|e| format!("--max-connections: {e}"))?
            }
            "--bot-answer-timeout" => {
                let seconds: u64 = value("--bot-answer-timeout")?
                    .parse()
                    .map_err(|e| format!("--bot-answer-timeout: {e}"))?;
                config.bot_answer_timeout = std::time::Duration::from_secs(seconds);
            }
            "--mtproxy-secret" => {
                let secret = value("--mtproxy-secret")?;
                config.proxy_secret = Some(
                    oxigram_proto::transport::MtProxySecret::parse(&secret)
                        .map_err(|e| format!("--mtproxy-secret: {e}"))?,
                );
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let dc = match TestDc::start(config).await {
        Ok(dc) => Arc::new(dc),
        Err(e) => {
            eprintln!("cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    for (id, address) in dc.addresses() {
        println!("dc {id} {address}");
    }
    print!("{}", pem::public_key_pem(dc.public_key()));
    println!("fingerprint {:016x}", dc.public_key().fingerprint() as u64);
    println!("ready");
    let (commands, runtime) = (dc.clone(), tokio::runtime::Handle::current());
    std::thread::spawn(move || control(commands, runtime));
    if let Err(e) = tokio::signal::ctrl_c().await {
        // Without a signal handler, serve until killed rather than stop at once.
        eprintln!("cannot wait for Ctrl-C ({e}); serving until killed");
        std::future::pending::<()>().await;
    }
    ExitCode::SUCCESS
}

/// Reads commands from standard input until it ends, on a thread of its own (the
/// reads block); each flood runs as a task on the runtime.
fn control(dc: Arc<TestDc>, runtime: tokio::runtime::Handle) {
    for line in std::io::stdin().lines() {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("cannot read commands: {e}");
                return;
            }
        };
        if line.trim() == "report" {
            report(&dc);
            continue;
        }
        match parse_flood(&dc, &line) {
            Ok(Some(flood)) => {
                runtime.spawn(flood.run(dc.clone()));
            }
            Ok(None) => {}
            Err(message) => eprintln!("{message}"),
        }
    }
}

/// The `report` command.
fn report(dc: &TestDc) {
    for (layer, count) in dc.announced_layers() {
        match layer {
            Some(layer) => println!("layer {layer} {count}"),
            None => println!("layer other {count}"),
        }
    }
    for (method, count) in dc.unimplemented() {
        println!(
            "unimplemented {} {count}",
            method.as_deref().unwrap_or("other")
        );
    }
    println!("report end");
}

/// One `flood` command.
struct Flood {
    from: i64,
    to: i64,
    count: usize,
    batch: usize,
}

/// The `flood` command on `line`; `None` for an empty line.
fn parse_flood(dc: &TestDc, line: &str) -> Result<Option<Flood>, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let (phone, token, count, batch) = match words[..] {
        [] => return Ok(None),
        ["flood", phone, token, count] => (phone, token, count, None),
        ["flood", phone, token, count, batch] => (phone, token, count, Some(batch)),
        _ => {
            return Err(format!(
                "unknown command {line:?}: flood PHONE TOKEN COUNT [BATCH]"
            ));
        }
    };
    let from = dc
        .user_by_phone(phone)
        .ok_or_else(|| format!("flood: no account has the phone number {phone}"))?;
    let to = dc
        .bot_by_token(token)
        .ok_or_else(|| format!("flood: no bot has the token {token}"))?;
    let count = count
        .parse()
        .map_err(|e| format!("flood: COUNT {count}: {e}"))?;
    let batch = match batch {
        Some(b) => b.parse().map_err(|e| format!("flood: BATCH {b}: {e}"))?,
        None => FLOOD_BATCH,
    };
    if batch == 0 {
        return Err("flood: BATCH must be at least 1".into());
    }
    Ok(Some(Flood {
        from,
        to,
        count,
        batch,
    }))
}

impl Flood {
    async fn run(self, dc: Arc<TestDc>) {
        let mut texts = FLOOD_TEXTS.iter().copied().cycle();
        let mut sent = 0;
        while sent < self.count {
            let n = self.batch.min(self.count - sent);
            dc.send_messages(self.from, self.to, texts.by_ref().take(n));
            sent += n;
            dc.sent_to(self.to).await;
        }
        println!("flooded {sent}");
    }
}
