//! `oxigram session`: session strings shown and converted between libraries' formats.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use oxigram::proto::crypto::message::AuthKey;
use oxigram::storage::files::{self, SessionFileFormat};
use oxigram::storage::{self, DcSession, PeerRecord, Session, SessionFormat};
use oxigram_tl_parser::dynamic::to_hex;
use serde_json::json;

use crate::error::CliError;
use crate::input::{self, STDIN};

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Show what a session holds: format, DC, address, test mode, user id, bot flag,
    /// api_id and the auth key's id (the key itself only with --show-key).
    Show(ShowArgs),
    /// Convert a session to another library's format: strings to strings or files, files
    /// to strings or files (with their peers).
    Convert(ConvertArgs),
    /// Move a session file (ours, Pyrogram's or Telethon's) into PostgreSQL, as an
    /// account that holds no session yet, with its peers.
    Migrate(MigrateArgs),
    /// List the accounts in PostgreSQL with their leases (holder, token, held for how
    /// long, expiring in how long) and their update queues (depth, lag).
    Leases(LeasesArgs),
}

#[derive(Debug, Args)]
pub struct LeasesArgs {
    /// The database (`postgresql://user@host:port/db`).
    #[arg(long, env = "OXIGRAM_POSTGRES")]
    postgres: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The session file. No client may use it meanwhile.
    input: PathBuf,
    /// The database (`postgresql://user@host:port/db`).
    #[arg(long, env = "OXIGRAM_POSTGRES")]
    postgres: String,
    /// The account's name in the database.
    #[arg(long)]
    account: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A session string (Oxigram's, Pyrogram's or Telethon's), a SQLite session file of
    /// any of the three, a text file holding a string, or `-` to read a string from
    /// standard input.
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
    /// A session string (Oxigram's, Pyrogram's or Telethon's), a SQLite session file of
    /// any of the three, a text file holding a string, or `-` to read a string from
    /// standard input.
    input: String,
    /// The format to write.
    #[arg(long, value_enum)]
    to: Target,
    /// Write to this file instead of standard output (a string's file is created readable
    /// by its owner only; a session file must not exist yet).
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
    /// This library's SQLite session file (needs --out).
    OxigramFile,
    /// The SQLite session file of Pyrogram's maintained forks (version 7; needs --out).
    PyrogramFile,
    /// Pyrogram 2.0's SQLite session file (version 3; needs --out).
    PyrogramV3File,
    /// Telethon's SQLite session file (needs --out).
    TelethonFile,
}

/// What a [`Target`] is written as.
enum Output {
    String(SessionFormat),
    File(SessionFileFormat),
}

impl Target {
    fn output(self) -> Output {
        match self {
            Target::Oxigram => Output::String(SessionFormat::Oxigram),
            Target::Pyrogram => Output::String(SessionFormat::Pyrogram),
            Target::Telethon => Output::String(SessionFormat::Telethon),
            Target::OxigramFile => Output::File(SessionFileFormat::Oxigram),
            Target::PyrogramFile => Output::File(SessionFileFormat::PYROGRAM),
            Target::PyrogramV3File => Output::File(SessionFileFormat::PYROGRAM_2_0),
            Target::TelethonFile => Output::File(SessionFileFormat::TELETHON),
        }
    }
}

/// Where a session was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A session string, given or in a text file.
    String(SessionFormat),
    /// A SQLite session file.
    File(SessionFileFormat),
}

impl Origin {
    /// The lowercase name scripts match on: the `--to` value that writes this format.
    fn name(self) -> &'static str {
        match self {
            Origin::String(SessionFormat::Pyrogram) => "pyrogram",
            Origin::String(SessionFormat::Telethon) => "telethon",
            Origin::String(_) => "oxigram",
            Origin::File(SessionFileFormat::Pyrogram { .. }) => "pyrogram-file",
            Origin::File(SessionFileFormat::Telethon { .. }) => "telethon-file",
            Origin::File(_) => "oxigram-file",
        }
    }

    fn describe(self) -> String {
        match self {
            Origin::String(format) => format!("{format} session string"),
            Origin::File(format) => format!("{format} session file"),
        }
    }

    /// The schema version of another library's session file.
    fn file_version(self) -> Option<i64> {
        match self {
            Origin::File(
                SessionFileFormat::Pyrogram { version } | SessionFileFormat::Telethon { version },
            ) => Some(version),
            _ => None,
        }
    }
}

/// A session as read: the session, the peers a session file holds (none for a string),
/// and where it came from.
struct Loaded {
    session: Session,
    peers: Vec<PeerRecord>,
    origin: Origin,
}

impl Loaded {
    /// The home DC's entry, if the session has one.
    fn home(&self) -> Option<&DcSession> {
        self.session.dcs.get(&self.session.home_dc)
    }

    /// The home DC's key.
    fn key(&self) -> Option<&AuthKey> {
        self.home().and_then(|dc| dc.auth_key.as_ref())
    }
}

pub fn run(command: SessionCommand) -> Result<(), CliError> {
    match command {
        SessionCommand::Show(args) => show(args),
        SessionCommand::Convert(args) => convert(args),
        SessionCommand::Migrate(args) => migrate(args),
        SessionCommand::Leases(args) => leases(args),
    }
}

fn leases(args: LeasesArgs) -> Result<(), CliError> {
    let leases = oxigram::storage::postgres::leases(&args.postgres).map_err(|source| {
        CliError::Database {
            account: "*".into(),
            source,
        }
    })?;
    let ms = |d: Option<std::time::Duration>| d.map(|d| d.as_millis() as u64);
    if args.json {
        let out: Vec<_> = leases
            .iter()
            .map(|l| {
                json!({
                    "account": l.account,
                    "holder": l.holder,
                    "token": l.token,
                    "held": l.held,
                    "held_for_ms": ms(l.held_for),
                    "expires_in_ms": ms(l.expires_in),
                    "queued": l.queued,
                    "queue_lag_ms": l.queue_lag.as_millis() as u64,
                })
            })
            .collect();
        return crate::print_line(&serde_json::to_string_pretty(&out)?);
    }
    if leases.is_empty() {
        return crate::print_line("no accounts");
    }
    for l in &leases {
        let queue = match l.queued {
            0 => String::new(),
            n => format!(
                "; {n} updates queued, the oldest {:.1} s",
                l.queue_lag.as_secs_f64()
            ),
        };
        let line = match (l.held_for, l.expires_in) {
            (Some(age), Some(left)) if l.held => format!(
                "{}: held by {} (token {}) for {:.1} s, expires in {:.1} s",
                l.account,
                l.holder,
                l.token,
                age.as_secs_f64(),
                left.as_secs_f64()
            ),
            _ => format!("{}: free (last token {})", l.account, l.token),
        };
        crate::print_line(&format!("{line}{queue}"))?;
    }
    Ok(())
}

fn migrate(args: MigrateArgs) -> Result<(), CliError> {
    use oxigram::storage::postgres::{PostgresConfig, PostgresStorage};
    let (session, peers, format) =
        files::read(&args.input).map_err(|source| CliError::Storage {
            path: args.input.clone(),
            source,
        })?;
    let count = peers.len();
    let database = |source| CliError::Database {
        account: args.account.clone(),
        source,
    };
    let storage = PostgresStorage::open(PostgresConfig::new(&args.postgres, &args.account))
        .map_err(database)?;
    storage.import(&session, peers).map_err(database)?;
    drop(storage);
    if args.json {
        let out = json!({
            "account": args.account,
            "from": format.to_string(),
            "dc_id": session.home_dc,
            "user_id": session.user_id,
            "dcs_with_keys": session.dcs.values().filter(|d| d.auth_key.is_some()).count(),
            "peers": count,
        });
        return crate::print_line(&serde_json::to_string_pretty(&out)?);
    }
    crate::print_line(&format!(
        "moved the {format} session (DC {}, {} peers) into account {}",
        session.home_dc, count, args.account
    ))
}

fn show(args: ShowArgs) -> Result<(), CliError> {
    let loaded = load(&args.input)?;
    let session = &loaded.session;
    let key_id = loaded
        .key()
        .map(|key| format!("{:016x}", u64::from_le_bytes(key.id())));
    let key = loaded
        .key()
        .filter(|_| args.show_key)
        .map(|key| to_hex(key.bytes()));
    let address = loaded.home().and_then(|dc| dc.address);
    let is_file = matches!(loaded.origin, Origin::File(_));
    // Keys made with DCs other than the home one (a session file may hold several).
    let other_keys: Vec<i16> = session
        .dcs
        .iter()
        .filter(|(id, dc)| **id != session.home_dc && dc.auth_key.is_some())
        .map(|(id, _)| *id)
        .collect();
    if args.json {
        let mut out = json!({
            "format": loaded.origin.name(),
            "dc_id": session.home_dc,
            "address": address.map(|a| a.to_string()),
            "test_mode": session.test_mode,
            "user_id": session.user_id,
            "is_bot": session.is_bot,
            "api_id": session.api_id,
            "auth_key_id": key_id,
        });
        if let Some(version) = loaded.origin.file_version() {
            out["file_version"] = json!(version);
        }
        if is_file {
            out["other_dcs_with_keys"] = json!(other_keys);
            out["peers"] = json!(loaded.peers.len());
        }
        if let Some(key) = key {
            out["auth_key"] = json!(key);
        }
        return crate::print_line(&serde_json::to_string_pretty(&out)?);
    }
    let unknown = || "unknown".to_owned();
    let mut lines = vec![
        ("format", loaded.origin.describe()),
        ("dc", session.home_dc.to_string()),
        ("address", address.map_or_else(unknown, |a| a.to_string())),
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
        ("auth key id", key_id.unwrap_or_else(|| "none".to_owned())),
    ];
    if is_file {
        let ids: Vec<String> = other_keys.iter().map(i16::to_string).collect();
        lines.push((
            "other keys",
            if ids.is_empty() {
                "none".into()
            } else {
                format!("DC {}", ids.join(", "))
            },
        ));
        lines.push(("peers", loaded.peers.len().to_string()));
    }
    if let Some(key) = key {
        lines.push(("auth key", key));
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
    let Loaded {
        mut session,
        peers,
        origin: _,
    } = load(&args.input)?;
    // What the command line says wins over what the input holds.
    if let Some(user_id) = args.user_id {
        session.user_id = Some(user_id);
        // Naming the account says the home key is signed in to it.
        if let Some(home) = session.dcs.get_mut(&session.home_dc) {
            home.authorized = true;
        }
    }
    if let Some(bot) = args.bot {
        session.is_bot = Some(bot);
    }
    if let Some(api_id) = args.api_id {
        session.api_id = Some(api_id);
    }
    if let Some(address) = args.address {
        session.dcs.entry(session.home_dc).or_default().address = Some(address);
    }
    match args.to.output() {
        Output::String(format) => {
            let data = session.to_data().ok_or_else(|| {
                CliError::Input(format!(
                    "the session holds no auth key for its home DC {}",
                    session.home_dc
                ))
            })?;
            let string = storage::encode(&data, format).map_err(|e| match missing_flag(&e) {
                Some(flag) => CliError::Input(format!("{e} (give it with {flag})")),
                None => CliError::Session(e),
            })?;
            match &args.out {
                None => crate::print_line(&string),
                Some(path) => write_private(path, &format!("{string}\n")),
            }
        }
        Output::File(format) => {
            let Some(path) = &args.out else {
                return Err(CliError::Input(format!(
                    "--to {} writes a file: give its path with --out",
                    args.to
                        .to_possible_value()
                        .map_or_else(String::new, |v| v.get_name().to_owned())
                )));
            };
            files::write(path, format, &session, &peers).map_err(|source| CliError::Storage {
                path: path.clone(),
                source,
            })
        }
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
fn load(input: &str) -> Result<Loaded, CliError> {
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

fn from_string(text: &str) -> Result<Loaded, CliError> {
    let (data, format) = storage::decode(text)?;
    Ok(Loaded {
        session: Session::from_data(&data),
        peers: Vec::new(),
        origin: Origin::String(format),
    })
}

/// The first bytes of every SQLite database.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// The largest text file read for a session string: one string is well under this.
const MAX_TEXT_FILE: u64 = 1 << 20;

/// A session file: SQLite session files of this library, Pyrogram and Telethon, or a text
/// file holding a session string.
fn load_file(path: &Path) -> Result<Loaded, CliError> {
    let file_error = |source| CliError::File {
        path: path.to_owned(),
        source,
    };
    let mut data = Vec::new();
    File::open(path)
        .and_then(|file| file.take(MAX_TEXT_FILE + 1).read_to_end(&mut data))
        .map_err(file_error)?;
    if data.starts_with(SQLITE_MAGIC) {
        let (session, peers, format) = files::read(path).map_err(|source| CliError::Storage {
            path: path.to_owned(),
            source,
        })?;
        return Ok(Loaded {
            session,
            peers,
            origin: Origin::File(format),
        });
    }
    if data.len() as u64 > MAX_TEXT_FILE {
        return Err(CliError::Input(format!(
            "{}: neither a SQLite session file nor a session string",
            path.display()
        )));
    }
    let text = String::from_utf8(data).map_err(|_| {
        CliError::Input(format!(
            "{}: neither a SQLite session file nor a session string",
            path.display()
        ))
    })?;
    from_string(&text)
}
