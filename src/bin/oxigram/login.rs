//! `oxigram login`: signs in interactively (or with a bot token) and leaves a session
//! file, as Pyrogram's first `start()` does.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use oxigram::Client;
use serde_json::json;

use crate::error::CliError;

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The session's name: the file is `<workdir>/<name>.session`.
    #[arg(long, default_value = "oxigram")]
    session: String,
    /// The directory of the session file.
    #[arg(long, default_value = ".")]
    workdir: PathBuf,
    /// The application's api_id (my.telegram.org).
    #[arg(long, env = "OXIGRAM_API_ID")]
    api_id: i32,
    /// The application's api_hash.
    #[arg(long, env = "OXIGRAM_API_HASH")]
    api_hash: String,
    /// Sign a bot in with this token instead of asking.
    #[arg(long, value_name = "TOKEN")]
    bot_token: Option<String>,
    /// Sign in with a QR code drawn in the terminal instead of a phone number.
    #[arg(long, conflicts_with = "bot_token")]
    qr: bool,
    /// Telegram's test DCs.
    #[arg(long)]
    test_mode: bool,
    /// A DC's address, `ID=IP:PORT` (repeatable): for the test DC or a self-hosted
    /// server.
    #[arg(long = "dc", value_name = "ID=IP:PORT", value_parser = parse_dc)]
    dcs: Vec<(i16, SocketAddr)>,
    /// The server's public key as a PEM file (PKCS#1 or SubjectPublicKeyInfo), instead
    /// of Telegram's.
    #[arg(long, value_name = "FILE")]
    server_key: Option<PathBuf>,
    /// Print who signed in and where the session is as one line of JSON.
    #[arg(long)]
    json: bool,
}

fn parse_dc(text: &str) -> Result<(i16, SocketAddr), String> {
    let (id, address) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not ID=IP:PORT"))?;
    let id = id.parse().map_err(|e| format!("DC id {id:?}: {e}"))?;
    let address = address
        .parse()
        .map_err(|e| format!("address {address:?}: {e}"))?;
    Ok((id, address))
}

pub fn run(args: LoginArgs) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    runtime.block_on(login(args))
}

async fn login(args: LoginArgs) -> Result<(), CliError> {
    let mut builder = Client::builder(&args.session)
        .workdir(&args.workdir)
        .api_id(args.api_id)
        .api_hash(&args.api_hash)
        .test_mode(args.test_mode);
    for (id, address) in &args.dcs {
        builder = builder.dc_address(*id, *address);
    }
    if let Some(path) = &args.server_key {
        let pem = std::fs::read_to_string(path).map_err(|source| CliError::File {
            path: path.clone(),
            source,
        })?;
        builder = builder.server_key_pem(pem);
    }
    if let Some(token) = &args.bot_token {
        builder = builder.bot_token(token);
    }
    let client = builder.build().await?;
    let me = if args.qr {
        client.start_qr().await?
    } else {
        client.start().await?
    };
    let path = args.workdir.join(format!("{}.session", args.session));
    let name = me
        .username
        .clone()
        .map(|u| format!("@{u}"))
        .or(me.first_name.clone())
        .unwrap_or_default();
    if args.json {
        let out = json!({
            "user_id": me.id,
            "bot": me.bot(),
            "name": name,
            "dc": client.home_dc(),
            "session": path.display().to_string(),
        });
        crate::print_line(&serde_json::to_string(&out)?)?;
    } else {
        crate::print_line(&format!(
            "signed in as {name} ({}) on DC {}; session saved in {}",
            me.id,
            client.home_dc(),
            path.display()
        ))?;
    }
    client.stop().await?;
    Ok(())
}
