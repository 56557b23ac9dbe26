//! The Rust side of the start-up comparison (`tests/interop/startup_bench.sh`): from a
//! saved session to the first answered request, beside Telethon and Pyrogram doing the
//! same against the test DC.
//!
//! ```text
//! startup_cost sign-in --key PEM_FILE --dc ID=IP:PORT [--dc ...] --token TOKEN DIR
//! startup_cost start --key PEM_FILE --dc ID=IP:PORT [--dc ...] DIR
//! ```
//!
//! `sign-in` signs a bot in into the session file `DIR/oxigram.session` (the default
//! storage of a client named `oxigram` with `DIR` as its working directory) and prints
//! `signed in USER_ID`.
//!
//! `start` is one measured start: it opens that file, connects, asks `users.getUsers`
//! for itself, and prints `answered NANOSECONDS USER_ID` as soon as the answer is in.
//! NANOSECONDS runs from just before the client is built to the answer; the runtime
//! already runs by then, as Python's event loop does on the other side. The driver
//! times the whole process from outside, up to that line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use oxigram::Client;
use oxigram::tl::{enums, functions};

/// The same as the Python side's.
const API_ID: i32 = 17349;
const API_HASH: &str = "interop";
/// The client's name, so its session file is `DIR/oxigram.session`.
const NAME: &str = "oxigram";

type Failure = Box<dyn std::error::Error>;

const USAGE: &str = "usage: startup_cost (sign-in --token TOKEN | start) \
                     --key PEM_FILE --dc ID=IP:PORT [--dc ...] DIR";

struct Args {
    mode: String,
    key_pem: String,
    dcs: Vec<(i16, SocketAddr)>,
    token: Option<String>,
    dir: PathBuf,
}

fn parse_args() -> Result<Args, Failure> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().ok_or(USAGE)?;
    if mode != "sign-in" && mode != "start" {
        return Err(format!("unknown mode {mode}\n{USAGE}").into());
    }
    let (mut key, mut token, mut dir) = (None, None, None);
    let mut dcs = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--key" => {
                let path = args.next().ok_or(USAGE)?;
                let pem = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {path}: {e}"))?;
                key = Some(pem);
            }
            "--token" => token = Some(args.next().ok_or(USAGE)?),
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
            _ if dir.is_none() && !arg.starts_with("--") => dir = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg}\n{USAGE}").into()),
        }
    }
    if dcs.is_empty() {
        return Err(format!("no --dc given\n{USAGE}").into());
    }
    if mode == "sign-in" && token.is_none() {
        return Err(format!("sign-in needs --token\n{USAGE}").into());
    }
    Ok(Args {
        mode,
        key_pem: key.ok_or(USAGE)?,
        dcs,
        token,
        dir: dir.ok_or(USAGE)?,
    })
}

/// A client on the session file in `args.dir`, built as a user of the library would
/// (the default runtime and storage).
async fn build(args: &Args) -> Result<Client, Failure> {
    let mut builder = Client::builder(NAME)
        .api_id(API_ID)
        .api_hash(API_HASH)
        .test_mode(true)
        .no_updates(true)
        .workdir(&args.dir)
        .server_key_pem(args.key_pem.clone());
    for &(id, address) in &args.dcs {
        builder = builder.dc_address(id, address);
    }
    if let Some(token) = &args.token {
        builder = builder.bot_token(token);
    }
    Ok(builder
        .build()
        .await
        .map_err(|e| format!("starting the client: {e}"))?)
}

/// `users.getUsers([self])`: the request every library answers first.
async fn get_self(client: &Client) -> Result<i64, Failure> {
    let users = client
        .invoke(functions::users::GetUsers {
            id: vec![enums::InputUser::InputUserSelf],
        })
        .await
        .map_err(|e| format!("users.getUsers(self): {e}"))?;
    match &users[..] {
        [enums::User::User(user)] if user.is_self => Ok(user.id),
        _ => Err(format!("users.getUsers(self) answered {users:?}").into()),
    }
}

async fn run(args: &Args) -> Result<(), Failure> {
    let started = Instant::now();
    let client = build(args).await?;
    if !client.is_authorized() {
        return Err("the session is not signed in".into());
    }
    let id = get_self(&client).await?;
    let elapsed = started.elapsed();
    if args.mode == "sign-in" {
        println!("signed in {id}");
    } else {
        // Stdout is line-buffered: the driver reads this line the moment it is written.
        println!("answered {} {id}", elapsed.as_nanos());
    }
    client
        .stop()
        .await
        .map_err(|e| format!("stopping the client: {e}"))?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("startup_cost: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("startup_cost: {e}");
            ExitCode::FAILURE
        }
    }
}
