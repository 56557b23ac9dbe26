//! `oxigram session`: session strings shown and converted between libraries' formats.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use oxigram::storage::{self, SessionData, SessionFormat};
use oxigram_tl_parser::dynamic::to_hex;
use serde_json::json;

use crate::error::CliError;
use crate::input::{self, STDIN};

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Show what a session holds: format, DC, address, test mode, user id, bot flag,
    /// api_id and the auth key's id (the key itself only with --show-key).
    Show(ShowArgs),
    /// Convert a session to another library's format.
    Convert(ConvertArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A session string (Oxigram's, Pyrogram's or Telethon's), a file holding one, or `-`
    /// to read it from standard input.
    input: String,
    /// Also print the authorization key, which gives full access to the account.
    #[arg(long)]
    show_key: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// A session string (Oxigram's, Pyrogram's or Telethon's), a file holding one, or `-`
    /// to read it from standard input.
    input: String,
    /// The format to write.
    #[arg(long, value_enum)]
    to: Target,
    /// Write to this file (created readable by its owner only) instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The account's user id, which Pyrogram's format needs and Telethon's lacks.
    #[arg(long, allow_negative_numbers = true)]
    user_id: Option<i64>,
    /// Whether the account is a bot (`--bot`, or `--bot=false`), which Pyrogram's format
    /// needs and Telethon's lacks.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    bot: Option<bool>,
    /// The api_id the key was made with, which Pyrogram's format needs.
    #[arg(long)]
    api_id: Option<i32>,
    /// The DC's address (`IP:PORT`), which Telethon's format needs and Pyrogram's lacks.
    #[arg(long)]
    address: Option<SocketAddr>,
}

/// A format `session convert` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Target {
    /// This library's session string, which holds every field.
    Oxigram,
    /// Pyrogram's `export_session_string` format.
    Pyrogram,
    /// Telethon's `StringSession` format.
    Telethon,
}

impl Target {
    fn format(self) -> SessionFormat {
        match self {
            Target::Oxigram => SessionFormat::Oxigram,
            Target::Pyrogram => SessionFormat::Pyrogram,
            Target::Telethon => SessionFormat::Telethon,
        }
    }
}

/// Where a session was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A session string, given or in a text file.
    String(SessionFormat),
}

impl Origin {
    /// The lowercase name scripts match on.
    fn name(self) -> &'static str {
        match self {
            Origin::String(SessionFormat::Pyrogram) => "pyrogram",
            Origin::String(SessionFormat::Telethon) => "telethon",
            Origin::String(_) => "oxigram",
        }
    }

    fn describe(self) -> String {
        match self {
            Origin::String(format) => format!("{format} session string"),
        }
    }
}

pub fn run(command: SessionCommand) -> Result<(), CliError> {
    match command {
        SessionCommand::Show(args) => show(args),
        SessionCommand::Convert(args) => convert(args),
    }
}

fn show(args: ShowArgs) -> Result<(), CliError> {
    let (session, origin) = load(&args.input)?;
    let key_id = format!("{:016x}", u64::from_le_bytes(session.auth_key.id()));
    if args.json {
        let mut out = json!({
            "format": origin.name(),
            "dc_id": session.dc_id,
            "address": session.address.map(|a| a.to_string()),
            "test_mode": session.test_mode,
            "user_id": session.user_id,
            "is_bot": session.is_bot,
            "api_id": session.api_id,
            "auth_key_id": key_id,
        });
        if args.show_key {
            out["auth_key"] = json!(to_hex(session.auth_key.bytes()));
        }
        return crate::print_line(&serde_json::to_string_pretty(&out)?);
    }
    let unknown = || "unknown".to_owned();
    let mut lines = vec![
        ("format", origin.describe()),
        ("dc", session.dc_id.to_string()),
        (
            "address",
            session.address.map_or_else(unknown, |a| a.to_string()),
        ),
        ("test mode", yes_no(session.test_mode)),
        (
            "user id",
            session.user_id.map_or_else(unknown, |id| id.to_string()),
        ),
        ("bot", session.is_bot.map_or_else(unknown, yes_no)),
        (
            "api_id",
            session.api_id.map_or_else(unknown, |id| id.to_string()),
        ),
        ("auth key id", key_id),
    ];
    if args.show_key {
        lines.push(("auth key", to_hex(session.auth_key.bytes())));
    }
    let text: Vec<String> = lines
        .into_iter()
        .map(|(name, value)| format!("{name:<12}{value}"))
        .collect();
    crate::print_line(&text.join("\n"))
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

fn convert(args: ConvertArgs) -> Result<(), CliError> {
    let (mut session, _origin) = load(&args.input)?;
    // What the command line says wins over what the input holds.
    if let Some(user_id) = args.user_id {
        session.user_id = Some(user_id);
    }
    if let Some(bot) = args.bot {
        session.is_bot = Some(bot);
    }
    if let Some(api_id) = args.api_id {
        session.api_id = Some(api_id);
    }
    if let Some(address) = args.address {
        session.address = Some(address);
    }
    let format = args.to.format();
    let string = storage::encode(&session, format).map_err(|e| match missing_flag(&e) {
        Some(flag) => CliError::Input(format!("{e} (give it with {flag})")),
        None => CliError::Session(e),
    })?;
    match &args.out {
        None => crate::print_line(&string),
        Some(path) => write_private(path, &format!("{string}\n")),
    }
}

/// The flag that supplies the field a format found missing.
fn missing_flag(error: &storage::SessionStringError) -> Option<&'static str> {
    use storage::{SessionField, SessionStringError};
    match error {
        SessionStringError::Missing { field, .. } => match field {
            SessionField::UserId => Some("--user-id"),
            SessionField::IsBot => Some("--bot or --bot=false"),
            SessionField::ApiId => Some("--api-id"),
            SessionField::Address => Some("--address IP:PORT"),
            _ => None,
        },
        _ => None,
    }
}

/// Writes `text` to a new or truncated file that only its owner can read: a session
/// string is a login.
fn write_private(path: &Path, text: &str) -> Result<(), CliError> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|source| CliError::File {
            path: path.to_owned(),
            source,
        })
}

/// A session named on the command line: `-` (standard input), a file, or the string
/// itself.
fn load(input: &str) -> Result<(SessionData, Origin), CliError> {
    if input == STDIN {
        return from_string(&input::text(input)?);
    }
    let path = Path::new(input);
    if path.is_file() {
        return load_file(path);
    }
    // Session strings never hold these; a path that names no file should say so rather
    // than fail as a string of a strange length.
    if input.contains(['/', '\\', '.']) {
        return Err(CliError::Input(format!("{input}: no such file")));
    }
    from_string(input)
}

fn from_string(text: &str) -> Result<(SessionData, Origin), CliError> {
    let (session, format) = storage::decode(text)?;
    Ok((session, Origin::String(format)))
}

/// The first bytes of every SQLite database.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// The largest session file read: a text file with one string is well under this.
const MAX_FILE: u64 = 1 << 20;

/// A session file: every kind of file goes through here. Today that is a text file with
/// a session string; SQLite `.session` files (ours, Pyrogram's, Telethon's) are refused
/// with a message saying so.
fn load_file(path: &Path) -> Result<(SessionData, Origin), CliError> {
    let file_error = |source| CliError::File {
        path: path.to_owned(),
        source,
    };
    let mut data = Vec::new();
    File::open(path)
        .and_then(|file| file.take(MAX_FILE + 1).read_to_end(&mut data))
        .map_err(file_error)?;
    if data.starts_with(SQLITE_MAGIC) {
        return Err(CliError::SessionFile {
            path: path.to_owned(),
        });
    }
    if data.len() as u64 > MAX_FILE {
        return Err(CliError::Input(format!(
            "{}: larger than a session string file can be",
            path.display()
        )));
    }
    let text = String::from_utf8(data).map_err(|_| {
        CliError::Input(format!(
            "{}: neither a session string nor a SQLite session file",
            path.display()
        ))
    })?;
    from_string(&text)
}
