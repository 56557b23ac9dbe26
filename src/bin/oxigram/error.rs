//! Everything a command can fail with.

use std::path::PathBuf;

/// Why a command failed; printed as `error: …` before exiting with status 1.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Reading standard input failed.
    #[error("cannot read standard input: {0}")]
    Stdin(#[source] std::io::Error),
    /// Writing standard output failed.
    #[error("cannot write to standard output: {0}")]
    Stdout(#[source] std::io::Error),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The input is not what the command reads.
    #[error("{0}")]
    Input(String),
    /// A bundled TL schema does not parse (a build of a broken checkout).
    #[error("the bundled {file} does not parse: {source}")]
    Schema {
        /// Which schema file.
        file: &'static str,
        /// The parser's complaint.
        #[source]
        source: oxigram_tl_parser::ParseError,
    },
    /// The bytes are not a TL value of the schema.
    #[error("cannot decode: {0}")]
    Decode(#[from] oxigram_tl_parser::dynamic::DecodeError),
    /// A session string that cannot be read or written.
    #[error("{0}")]
    Session(#[from] oxigram::storage::SessionStringError),
    /// A session file that cannot be read or written.
    #[error("{}: {source}", path.display())]
    Storage {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: oxigram::storage::StorageError,
    },
    /// The PostgreSQL storage failed.
    #[error("account {account} in PostgreSQL: {source}")]
    Database {
        /// The account.
        account: String,
        /// What went wrong.
        #[source]
        source: oxigram::storage::StorageError,
    },
    /// JSON output could not be produced.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The client failed (connecting, signing in, the session).
    #[error("{0}")]
    Client(#[from] oxigram::Error),
    /// The async runtime could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The test DC could not start.
    #[error("cannot start the test DC: {0}")]
    Testdc(#[source] std::io::Error),
}
