//! `oxigram`: the command-line tool (feature `cli`).
//!
//! ```text
//! oxigram tl decode <HEX-OR-BASE64 | -> [--json]
//! oxigram file-id decode <ID | -> [--unique] [--json]
//! oxigram file-id encode [JSON | -] | --type TYPE --dc N --id N --access-hash N [--file-reference HEX] [--thumbnail-size C]
//! oxigram session show <STRING-OR-FILE | -> [--show-key] [--json]
//! oxigram session convert <STRING-OR-FILE | -> --to FORMAT [--out FILE] [--user-id N] ...
//! oxigram session migrate <FILE> --postgres URL --account NAME [--json]
//! oxigram session leases --postgres URL [--json]
//! oxigram testdc [--port P] [--dcs N] [--bot TOKEN]... [--user PHONE]... [--json]
//! oxigram login --api-id ID --api-hash HASH [--session NAME] [--bot-token T | --qr] [--dc ID=IP:PORT]...
//! ```
//!
//! Results go to standard output, errors to standard error with a non-zero exit status
//! (2 for bad arguments, 1 for anything else).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[path = "oxigram/error.rs"]
mod error;
#[path = "oxigram/file_id.rs"]
mod file_id;
#[path = "oxigram/input.rs"]
mod input;
#[path = "oxigram/login.rs"]
mod login;
#[path = "oxigram/session.rs"]
mod session;
#[path = "oxigram/testdc.rs"]
mod testdc;
#[path = "oxigram/tl.rs"]
mod tl;

use error::CliError;

/// Tools for Telegram's MTProto: sign in and save a session, decode TL values and Bot
/// API file ids, read and convert session strings and files, run the offline test DC.
#[derive(Debug, Parser)]
#[command(name = "oxigram", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// TL values: decode bytes into named fields.
    #[command(subcommand)]
    Tl(tl::TlCommand),
    /// Bot API file ids: read one into its fields, write one from them.
    #[command(subcommand)]
    FileId(file_id::FileIdCommand),
    /// Session strings: show what one holds, convert between libraries' formats.
    #[command(subcommand)]
    Session(session::SessionCommand),
    /// Run the offline test DC until interrupted.
    Testdc(testdc::TestdcArgs),
    /// Sign in (asking on the terminal for what is missing) and save the session file.
    Login(login::LoginArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Tl(command) => tl::run(command),
        Command::FileId(command) => file_id::run(command),
        Command::Session(command) => session::run(command),
        Command::Testdc(args) => testdc::run(args),
        Command::Login(args) => login::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes `text` and a newline to standard output, reporting a closed pipe as an error
/// rather than panicking as `println!` would.
fn print_line(text: &str) -> Result<(), CliError> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)
}
