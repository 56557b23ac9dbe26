//! oxigram's side of the files bench (`benches/files.sh`): a user sends a file to their
//! Saved Messages and downloads it again, through the public API with its defaults,
//! against a test DC started elsewhere; or the AES-256-IGE rate of this machine.
//!
//! ```text
//! file_rate transfer PHONE FILE OUT --key PEM_FILE --dc ID=IP:PORT [--dc ...]
//! file_rate ige SIZE
//! ```
//!
//! `transfer` prints `upload NANOSECONDS` (from the call to `send_document` to the sent
//! message) and `download NANOSECONDS` (from `download_media` to the file written to
//! OUT, checked to be as long as FILE). `ige` encrypts and then decrypts SIZE bytes in
//! 1 MiB buffers with the protocol crate's AES-256-IGE and prints `encrypt NANOSECONDS`
//! and `decrypt NANOSECONDS`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use oxigram::proto::crypto::ige;

#[path = "common/bench_server.rs"]
mod bench_server;
use bench_server::BenchServer;

const USAGE: &str = "usage: file_rate transfer PHONE FILE OUT --key PEM_FILE --dc ID=IP:PORT \
                     [--dc ...]\n       file_rate ige SIZE";

type Failure = Box<dyn std::error::Error>;

struct Transfer {
    phone: String,
    file: String,
    out: String,
    server: BenchServer,
}

fn parse_transfer(mut args: impl Iterator<Item = String>) -> Result<Transfer, Failure> {
    let phone = args.next().ok_or(USAGE)?;
    let file = args.next().ok_or(USAGE)?;
    let out = args.next().ok_or(USAGE)?;
    let server = BenchServer::parse(args, USAGE)?;
    Ok(Transfer {
        phone,
        file,
        out,
        server,
    })
}

async fn transfer(args: Transfer) -> Result<(), Failure> {
    let size = std::fs::metadata(&args.file)
        .map_err(|e| format!("{}: {e}", args.file))?
        .len();
    let user = args.server.builder("file_rate").build().await?;
    let sent = user.send_code(&args.phone).await?;
    // A test number 99966XYYYY signs in with X five times.
    let code = args
        .phone
        .get(5..6)
        .ok_or("the phone is not a test number")?;
    user.sign_in(&sent, &code.repeat(5)).await?;

    let started = Instant::now();
    let message = user.send_document("me", args.file.as_str()).await?;
    println!("upload {}", started.elapsed().as_nanos());

    let started = Instant::now();
    let written = user.download_media(&message).to_path(&args.out).await?;
    let elapsed = started.elapsed();
    let got = std::fs::metadata(&written)
        .map_err(|e| format!("{}: {e}", written.display()))?
        .len();
    if got != size {
        return Err(format!("downloaded {got} bytes of {size}").into());
    }
    println!("download {}", elapsed.as_nanos());
    user.stop().await?;
    Ok(())
}

/// Encrypts, then decrypts, `size` bytes in 1 MiB buffers (one buffer, reused).
fn ige_rate(size: u64) -> Result<(Duration, Duration), Failure> {
    const BUFFER: usize = 1 << 20;
    let (key, iv) = ([7u8; 32], [9u8; 32]);
    let mut data = vec![0x5au8; BUFFER];
    let rounds = size.div_ceil(BUFFER as u64).max(1);
    let started = Instant::now();
    for _ in 0..rounds {
        ige::encrypt(&mut data, &key, &iv)?;
    }
    let encrypt = started.elapsed();
    let started = Instant::now();
    for _ in 0..rounds {
        ige::decrypt(&mut data, &key, &iv)?;
    }
    let decrypt = started.elapsed();
    // Encrypted and decrypted the same number of times: the bytes are back.
    if data.iter().any(|&b| b != 0x5a) {
        return Err("AES-256-IGE did not round-trip".into());
    }
    Ok((encrypt, decrypt))
}

fn parse_size(text: &str) -> Result<u64, Failure> {
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let shift = match unit {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        _ => return Err(format!("size {text}: expected digits and K, M or G").into()),
    };
    let n: u64 = digits.parse().map_err(|e| format!("size {text}: {e}"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("size {text} is too large").into())
}

fn run() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("transfer") => {
            let args = parse_transfer(args)?;
            tokio::runtime::Runtime::new()?.block_on(transfer(args))
        }
        Some("ige") => {
            let size = parse_size(&args.next().ok_or(USAGE)?)?;
            let (encrypt, decrypt) = ige_rate(size)?;
            println!("encrypt {}", encrypt.as_nanos());
            println!("decrypt {}", decrypt.as_nanos());
            Ok(())
        }
        _ => Err(USAGE.into()),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("file_rate: {e}");
            ExitCode::FAILURE
        }
    }
}
