//! The Rust half of the session interop check (`tests/interop/sessions.sh`): sessions that
//! Telethon and Pyrogram signed in are taken over by oxigram without signing in again,
//! and handed back in their formats.
//!
//! ```text
//! session_interop --key PEM_FILE --dc ID=IP:PORT [--dc ...] DIR
//! ```
//!
//! For every `DIR/LABEL.in`, which holds `USER_ID DC_ID SESSION_STRING`, the client starts
//! from the string against the test DC (its addresses and key given on the command line),
//! must be signed in as `USER_ID` on DC `DC_ID` at once, and calls `users.getFullUser` on
//! itself. It
//! then writes its session as Pyrogram's string to `DIR/LABEL.pyrogram` and as Telethon's
//! to `DIR/LABEL.telethon`, for the Python side to load. Each input prints
//! `LABEL: ok`; the first failure prints what failed and exits 1.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use oxigram::Client;
use oxigram::storage::SessionFormat;
use oxigram::tl::{enums, functions};

/// What the Python side signs in with; a Telethon string carries none.
const API_ID: i32 = 17349;
const API_HASH: &str = "interop";

type Failure = Box<dyn std::error::Error>;

struct Args {
    key_pem: String,
    dcs: BTreeMap<i16, SocketAddr>,
    dir: PathBuf,
}

fn parse_args() -> Result<Args, Failure> {
    const USAGE: &str = "usage: session_interop --key PEM_FILE --dc ID=IP:PORT [--dc ...] DIR";
    let mut key = None;
    let mut dcs = BTreeMap::new();
    let mut dir = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--key" => {
                let path = args.next().ok_or(USAGE)?;
                key = Some(
                    std::fs::read_to_string(&path)
                        .map_err(|e| format!("cannot read {path}: {e}"))?,
                );
            }
            "--dc" => {
                let value = args.next().ok_or(USAGE)?;
                let (id, address) = value
                    .split_once('=')
                    .ok_or_else(|| format!("--dc {value}: expected ID=IP:PORT"))?;
                let id: i16 = id.parse().map_err(|e| format!("--dc {value}: {e}"))?;
                let address: SocketAddr =
                    address.parse().map_err(|e| format!("--dc {value}: {e}"))?;
                dcs.insert(id, address);
            }
            _ if dir.is_none() && !arg.starts_with("--") => dir = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg}\n{USAGE}").into()),
        }
    }
    let key_pem = key.ok_or(USAGE)?;
    let dir = dir.ok_or(USAGE)?;
    if dcs.is_empty() {
        return Err(format!("no --dc given\n{USAGE}").into());
    }
    Ok(Args { key_pem, dcs, dir })
}

/// A session to take over, from a `.in` file.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Input {
    label: String,
    user_id: i64,
    dc_id: i16,
    string: String,
}

/// The `.in` files of `dir`, sorted by label.
fn inputs(dir: &Path) -> Result<Vec<Input>, Failure> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|ext| ext != "in") {
            continue;
        }
        let label = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .ok_or_else(|| format!("{}: not a UTF-8 name", path.display()))?
            .to_owned();
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{label}: {e}"))?;
        let fields: Vec<&str> = text.split_whitespace().collect();
        let [user_id, dc_id, string] = fields[..] else {
            return Err(format!("{label}: expected `USER_ID DC_ID SESSION_STRING`").into());
        };
        found.push(Input {
            user_id: user_id
                .parse()
                .map_err(|e| format!("{label}: user id: {e}"))?,
            dc_id: dc_id.parse().map_err(|e| format!("{label}: DC id: {e}"))?,
            string: string.to_owned(),
            label,
        });
    }
    found.sort();
    if found.is_empty() {
        return Err(format!("no .in files in {}", dir.display()).into());
    }
    Ok(found)
}

/// Takes one session over and hands it back in both Python formats.
async fn take_over(args: &Args, input: &Input) -> Result<(), Failure> {
    let Input {
        label,
        user_id: expected,
        dc_id,
        string,
    } = input;
    let expected = *expected;
    let mut builder = Client::builder(label)
        .api_id(API_ID)
        .api_hash(API_HASH)
        .test_mode(true)
        .server_key_pem(args.key_pem.clone())
        .session_string(string.as_str());
    for (&id, &address) in &args.dcs {
        builder = builder.dc_address(id, address);
    }
    let client = builder
        .build()
        .await
        .map_err(|e| format!("loading the string: {e}"))?;

    // No sign-in was asked for: the string's key must already be the account's.
    if !client.is_authorized() {
        return Err("the string's session is not signed in".into());
    }
    if client.home_dc() != *dc_id {
        return Err(format!("home DC is {}, expected {dc_id}", client.home_dc()).into());
    }
    if client.user_id() != Some(expected) {
        return Err(format!(
            "signed in as {:?}, expected user {expected}",
            client.user_id()
        )
        .into());
    }

    let enums::users::UserFull::UserFull(full) = client
        .invoke(functions::users::GetFullUser {
            id: enums::InputUser::InputUserSelf,
        })
        .await
        .map_err(|e| format!("users.getFullUser(self): {e}"))?;
    let enums::UserFull::UserFull(profile) = &full.full_user;
    if profile.id != expected {
        return Err(format!(
            "users.getFullUser(self) describes user {}, expected {expected}",
            profile.id
        )
        .into());
    }
    let listed = full
        .users
        .iter()
        .any(|user| matches!(user, enums::User::User(u) if u.id == expected && u.is_self));
    if !listed {
        return Err("users.getFullUser(self) does not list the user as self".into());
    }

    for (format, extension) in [
        (SessionFormat::Pyrogram, "pyrogram"),
        (SessionFormat::Telethon, "telethon"),
    ] {
        let exported = client
            .export_session_string(format)
            .map_err(|e| format!("exporting as {format}: {e}"))?;
        let path = args.dir.join(format!("{label}.{extension}"));
        std::fs::write(&path, exported).map_err(|e| format!("{}: {e}", path.display()))?;
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
            eprintln!("session_interop: {e}");
            return ExitCode::from(2);
        }
    };
    let inputs = match inputs(&args.dir) {
        Ok(inputs) => inputs,
        Err(e) => {
            eprintln!("session_interop: {e}");
            return ExitCode::FAILURE;
        }
    };
    for input in &inputs {
        let label = &input.label;
        match take_over(&args, input).await {
            Ok(()) => println!("{label}: ok"),
            Err(e) => {
                println!("FAILED: {label}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
