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

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use oxigram::Client;
use oxigram::proto::crypto::ige;

const API_ID: i32 = 17349;
const API_HASH: &str = "interop";

const USAGE: &str = "usage: file_rate transfer PHONE FILE OUT --key PEM_FILE --dc ID=IP:PORT \
                     [--dc ...]\n       file_rate ige SIZE";

type Failure = Box<dyn std::error::Error>;

struct Transfer {
    phone: String,
    file: String,
    out: String,
    key_pem: String,
    dcs: Vec<(i16, SocketAddr)>,
}

fn parse_transfer(mut args: impl Iterator<Item = String>) -> Result<Transfer, Failure> {
    let phone = args.next().ok_or(USAGE)?;
    let file = args.next().ok_or(USAGE)?;
    let out = args.next().ok_or(USAGE)?;
    let mut key = None;
    let mut dcs = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--key" => {
                let path = args.next().ok_or(USAGE)?;
                let pem = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {path}: {e}"))?;
                key = Some(pem);
            }
            "--dc" => {
                let value = args.next().ok_or(USAGE)?;
                let (id, address) = value
                    .split_once('=')
                    .ok_or_else(|| format!("--dc {value}: expected ID=IP:PORT"))?;
                let id: i16 = id.parse().map_err(|e| format!("--dc {value}: {e}"))?;
                let address: SocketAddr =
                    address.parse().map_err(|e| format!("--dc {value}: {e}"))?;
                dcs.push((id, address));
            }
            _ => return Err(format!("unexpected argument {arg}\n{USAGE}").into()),
        }
    }
    if dcs.is_empty() {
        return Err(format!("no --dc given\n{USAGE}").into());
    }
    Ok(Transfer {
        phone,
        file,
        out,
        key_pem: key.ok_or(USAGE)?,
        dcs,
    })
}

async fn transfer(args: Transfer) -> Result<(), Failure> {
    let size = std::fs::metadata(&args.file)
        .map_err(|e| format!("{}: {e}", args.file))?
        .len();
    let mut builder = Client::builder("file_rate")
        .api_id(API_ID)
        .api_hash(API_HASH)
        .test_mode(true)
        .in_memory()
        .server_key_pem(args.key_pem);
    for &(id, address) in &args.dcs {
        builder = builder.dc_address(id, address);
    }
    let user = builder.build().await?;
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
