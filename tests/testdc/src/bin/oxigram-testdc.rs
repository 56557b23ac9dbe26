//! `oxigram-testdc`: runs the test DC until interrupted.
//!
//! ```text
//! oxigram-testdc [--seed N] [--dcs N] [--port P] [--bot TOKEN]... [--user PHONE]... [--rsa-key FILE]
//!                [--max-connections N] [--bot-answer-timeout SECONDS]
//! ```
//!
//! On start it prints `dc <id> <ip>:<port>` for each DC, the RSA public key as PEM, its
//! fingerprint, and `ready`.

use std::process::ExitCode;

use oxigram_testdc::{TestDc, TestDcConfig, pem};

const USAGE: &str = "usage: oxigram-testdc [--seed N] [--dcs N] [--port P] [--bot TOKEN]... \
                     [--user PHONE]... [--rsa-key FILE] [--max-connections N] \
                     [--bot-answer-timeout SECONDS]";

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
        Ok(dc) => dc,
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
    if let Err(e) = tokio::signal::ctrl_c().await {
        // Without a signal handler, serve until killed rather than stop at once.
        eprintln!("cannot wait for Ctrl-C ({e}); serving until killed");
        std::future::pending::<()>().await;
    }
    ExitCode::SUCCESS
}
