//! Pipelined RPC round trips per second over loopback against the test DC, on every
//! runtime, beside Telethon driving the same workload against the same test DC in the
//! same run. Run by `runtimes/bench.sh` (which sets up Telethon):
//!
//! ```text
//! cargo run --release --example rpc_rate --features async-std,smol,blocking -- PYTHON
//! ```
//!
//! The workload: sign in as a bot, then ROUNDS rounds of WINDOW concurrent
//! `updates.getState` calls.

use std::time::{Duration, Instant};

use oxigram::tl::{Serialize, functions};
use oxigram::{ClientConfig, Connection, Runtime};
use oxigram_conformance::{BOT_TOKEN, Env};

const ROUNDS: usize = 20;
const WINDOW: usize = 500;

fn sign_in() -> functions::auth::ImportBotAuthorization {
    functions::auth::ImportBotAuthorization {
        flags: 0,
        api_id: 4,
        api_hash: "hash".into(),
        bot_auth_token: BOT_TOKEN.into(),
    }
}

async fn rounds(client: &Connection) -> Duration {
    let round = || {
        futures_util::future::join_all(
            (0..WINDOW).map(|_| client.invoke(&functions::updates::GetState {})),
        )
    };
    assert!(round().await.iter().all(|r| r.is_ok()), "warm-up failed");
    let start = Instant::now();
    for _ in 0..ROUNDS {
        assert!(round().await.iter().all(|r| r.is_ok()));
    }
    start.elapsed()
}

async fn measure<R: Runtime>(runtime: R, config: ClientConfig) -> Duration {
    let client = Connection::connect(runtime, config)
        .await
        .expect("connects");
    client.invoke(&sign_in()).await.expect("signs in");
    let elapsed = rounds(&client).await;
    client.close().await;
    elapsed
}

fn measure_blocking(config: ClientConfig) -> Duration {
    let client = oxigram::blocking::BlockingConnection::connect(config).expect("connects");
    client.invoke(&sign_in()).expect("signs in");
    let state: bytes::Bytes = functions::updates::GetState {}.to_bytes().into();
    // Blocking calls pipeline from as many threads as the window is wide would be
    // unfair to a thread-per-request design; 50 threads share each round.
    let round = || {
        std::thread::scope(|scope| {
            for _ in 0..50 {
                scope.spawn(|| {
                    for _ in 0..WINDOW / 50 {
                        client.invoke_raw(state.clone()).expect("answered");
                    }
                });
            }
        })
    };
    round();
    let start = Instant::now();
    for _ in 0..ROUNDS {
        round();
    }
    start.elapsed()
}

fn main() {
    let python = std::env::args().nth(1);
    let env = Env::new();
    let config = env.config();
    let requests = (ROUNDS * WINDOW) as f64;
    let mut rates = Vec::new();

    if let Some(python) = python {
        let pem = std::env::temp_dir().join(format!("oxigram-rate-{}.pem", std::process::id()));
        std::fs::write(
            &pem,
            oxigram_testdc::pem::public_key_pem(env.dc.public_key()),
        )
        .unwrap();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop/telethon_rate.py"
        );
        let out = std::process::Command::new(python)
            .args([
                script,
                &env.address().ip().to_string(),
                &env.address().port().to_string(),
                pem.to_str().unwrap(),
                BOT_TOKEN,
                &ROUNDS.to_string(),
                &WINDOW.to_string(),
            ])
            .output()
            .expect("runs Telethon");
        let _ = std::fs::remove_file(&pem);
        let text = String::from_utf8_lossy(&out.stdout);
        let seconds: f64 = text
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "Telethon failed: {text}{}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
        rates.push(("telethon", requests / seconds));
    }

    let tokio_rt = tokio::runtime::Runtime::new().unwrap();
    let d = tokio_rt.block_on(measure(oxigram::tokio::Tokio, config.clone()));
    rates.push(("oxigram tokio", requests / d.as_secs_f64()));
    let d = smol::block_on(measure(oxigram::smol::Smol, config.clone()));
    rates.push(("oxigram smol", requests / d.as_secs_f64()));
    let d = async_std::task::block_on(measure(oxigram::async_std::AsyncStd, config.clone()));
    rates.push(("oxigram async-std", requests / d.as_secs_f64()));
    let d = measure_blocking(config);
    rates.push(("oxigram blocking", requests / d.as_secs_f64()));

    println!("{ROUNDS} rounds of {WINDOW} pipelined updates.getState against the test DC:");
    let telethon = rates.iter().find(|(n, _)| *n == "telethon").map(|r| r.1);
    for (name, rate) in &rates {
        match telethon {
            Some(t) if *name != "telethon" => {
                println!(
                    "  {name:<18} {rate:>9.0} requests/s  ({:.2}x Telethon)",
                    rate / t
                )
            }
            _ => println!("  {name:<18} {rate:>9.0} requests/s"),
        }
    }
}
