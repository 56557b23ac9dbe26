//! The Rust half of the session interop check (`tests/interop/sessions.sh`): sessions that
//! Telethon and Pyrogram signed in are taken over by oxigram without signing in again,
//! and handed back in their formats.
//!
//! ```text
//! session_interop --key PEM_FILE --dc ID=IP:PORT [--dc ...] DIR
//! ```
//!
//! For every `DIR/LABEL.in`, which holds `USER_ID DC_ID SESSION_STRING` (LABEL starts
//! with the library's name, `telethon` or `pyrogram`), a client against the test DC (its
//! addresses and key given on the command line):
//!
//! - starts from the string, must be signed in as `USER_ID` on DC `DC_ID` at once, calls
//!   `users.getFullUser` on itself, and writes its session as Pyrogram's string to
//!   `DIR/LABEL.pyrogram` and as Telethon's to `DIR/LABEL.telethon`;
//! - reads the library's file `DIR/LABEL.session`, converts it to a file of ours
//!   (`DIR/LABEL-oxigram.session`), starts from that the same way, and once stopped
//!   writes what it kept as `DIR/LABEL-as-pyrogram.session` and
//!   `DIR/LABEL-as-telethon.session`.
//!
//! The Python side then loads what was written. Each step prints `LABEL: ... ok`; the
//! first failure prints what failed and exits 1.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use oxigram::Client;
use oxigram::storage::files::{self, SessionFileFormat};
use oxigram::storage::{SessionFormat, SqliteStorage};
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

/// Where a client's session comes from.
enum Source<'a> {
    String(&'a str),
    File(&'a Path),
}

/// Starts a client from `source`, which must already be signed in as `input` says (no
/// sign-in is asked for: the session's key must be the account's), and calls
/// `users.getFullUser` on itself. Gives the client and whether the account is a bot.
async fn signed_in(
    args: &Args,
    input: &Input,
    source: Source<'_>,
) -> Result<(Client, bool), Failure> {
    let mut builder = Client::builder(&input.label)
        .api_id(API_ID)
        .api_hash(API_HASH)
        .test_mode(true)
        .server_key_pem(args.key_pem.clone());
    builder = match source {
        Source::String(string) => builder.session_string(string),
        Source::File(path) => builder
            .storage(SqliteStorage::open(path).map_err(|e| format!("{}: {e}", path.display()))?),
    };
    for (&id, &address) in &args.dcs {
        builder = builder.dc_address(id, address);
    }
    let client = builder
        .build()
        .await
        .map_err(|e| format!("starting the client: {e}"))?;

    let expected = input.user_id;
    if !client.is_authorized() {
        return Err("the session is not signed in".into());
    }
    if client.home_dc() != input.dc_id {
        return Err(format!("home DC is {}, expected {}", client.home_dc(), input.dc_id).into());
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
    let me = full.users.iter().find_map(|user| match user {
        enums::User::User(u) if u.id == expected && u.is_self => Some(u),
        _ => None,
    });
    let Some(me) = me else {
        return Err("users.getFullUser(self) does not list the user as self".into());
    };
    Ok((client, me.bot()))
}

/// Takes the library's session string over and hands it back as both libraries' strings.
async fn take_over_string(args: &Args, input: &Input) -> Result<(), Failure> {
    let (client, _) = signed_in(args, input, Source::String(&input.string)).await?;
    for (format, extension) in [
        (SessionFormat::Pyrogram, "pyrogram"),
        (SessionFormat::Telethon, "telethon"),
    ] {
        let exported = client
            .export_session_string(format)
            .map_err(|e| format!("exporting as {format}: {e}"))?;
        let path = args.dir.join(format!("{}.{extension}", input.label));
        std::fs::write(&path, exported).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    client
        .stop()
        .await
        .map_err(|e| format!("stopping the client: {e}"))?;
    Ok(())
}

/// Takes the library's `.session` file over (converted to a file of ours, which the
/// client runs on) and hands what the client kept back as both libraries' files. Says
/// which format the file was.
async fn take_over_file(args: &Args, input: &Input, theirs: &Path) -> Result<String, Failure> {
    let label = &input.label;
    let (session, peers, format) =
        files::read(theirs).map_err(|e| format!("reading {}: {e}", theirs.display()))?;
    let library = match format {
        SessionFileFormat::Telethon { .. } => "telethon",
        SessionFileFormat::Pyrogram { .. } => "pyrogram",
        _ => "another library",
    };
    if !label.starts_with(library) {
        return Err(format!("{} is read as {format}", theirs.display()).into());
    }
    let ours = args.dir.join(format!("{label}-oxigram.session"));
    files::write(&ours, SessionFileFormat::Oxigram, &session, &peers)
        .map_err(|e| format!("writing {}: {e}", ours.display()))?;

    let (client, is_bot) = signed_in(args, input, Source::File(&ours)).await?;
    client
        .stop()
        .await
        .map_err(|e| format!("stopping the client: {e}"))?;
    // The file is ours again once the client is gone.
    drop(client);

    let (session, peers, _) =
        files::read(&ours).map_err(|e| format!("reading {}: {e}", ours.display()))?;
    // The client asked who the session belongs to: the file now says (Pyrogram reads a
    // file without the bot flag as no session at all).
    if session.is_bot != Some(is_bot) {
        return Err(format!(
            "{label}: the kept session says bot {:?}, not {is_bot}",
            session.is_bot
        )
        .into());
    }
    for (format, name) in [
        (SessionFileFormat::PYROGRAM, "pyrogram"),
        (SessionFileFormat::TELETHON, "telethon"),
    ] {
        let path = args.dir.join(format!("{label}-as-{name}.session"));
        files::write(&path, format, &session, &peers)
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    Ok(format.to_string())
}

/// Both hand-overs of one account's session.
async fn take_over(args: &Args, input: &Input) -> Result<(), Failure> {
    let label = &input.label;
    take_over_string(args, input)
        .await
        .map_err(|e| format!("{label} (string): {e}"))?;
    println!("{label}: string ok");
    let theirs = args.dir.join(format!("{label}.session"));
    let format = take_over_file(args, input, &theirs)
        .await
        .map_err(|e| format!("{label} (file): {e}"))?;
    println!("{label}: file ok ({format})");
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
        if let Err(e) = take_over(&args, input).await {
            println!("FAILED: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
