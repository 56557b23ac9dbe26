//! `oxigram testdc`: the offline test DC, as the `oxigram-testdc` binary runs it.

use std::path::PathBuf;

use clap::Args;
use oxigram_testdc::{TestDc, TestDcConfig, pem};
use serde_json::json;

use crate::error::CliError;

#[derive(Debug, Args)]
pub struct TestdcArgs {
    /// The first DC's port; the others take the ports after it (0: any free ports).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// How many DCs to run.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=5))]
    dcs: u8,
    /// Seed of the server's RSA key and everything else it makes up.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// A bot token to accept (repeatable).
    #[arg(long = "bot", value_name = "TOKEN")]
    bots: Vec<String>,
    /// A phone number with an account (repeatable).
    #[arg(long = "user", value_name = "PHONE")]
    users: Vec<String>,
    /// The server's RSA private key as PEM (otherwise one made from the seed).
    #[arg(long, value_name = "FILE")]
    rsa_key: Option<PathBuf>,
    /// Connections open at once, over all DCs.
    #[arg(long)]
    max_connections: Option<usize>,
    /// Print the addresses and key as one line of JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: TestdcArgs) -> Result<(), CliError> {
    let mut config = TestDcConfig {
        seed: args.seed,
        dcs: usize::from(args.dcs),
        port: args.port,
        bots: args.bots,
        users: args.users,
        ..TestDcConfig::default()
    };
    if let Some(max) = args.max_connections {
        config.max_connections = max;
    }
    if let Some(path) = &args.rsa_key {
        let text = std::fs::read_to_string(path).map_err(|source| CliError::File {
            path: path.clone(),
            source,
        })?;
        let key = pem::private_key_from_pem(&text)
            .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
        config.rsa_key = Some(key);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::Testdc)?;
    runtime.block_on(serve(config, args.json))
}

async fn serve(config: TestDcConfig, json: bool) -> Result<(), CliError> {
    let dc = TestDc::start(config).await.map_err(CliError::Testdc)?;
    let pem = pem::public_key_pem(dc.public_key());
    let fingerprint = format!("{:016x}", dc.public_key().fingerprint() as u64);
    if json {
        let dcs: Vec<_> = dc
            .addresses()
            .iter()
            .map(|(id, address)| json!({ "id": id, "address": address.to_string() }))
            .collect();
        let out = json!({ "dcs": dcs, "public_key": pem, "fingerprint": fingerprint });
        crate::print_line(&serde_json::to_string(&out)?)?;
    } else {
        let mut text = String::new();
        for (id, address) in dc.addresses() {
            text.push_str(&format!("dc {id} {address}\n"));
        }
        text.push_str(&pem);
        text.push_str(&format!("fingerprint {fingerprint}\nready"));
        crate::print_line(&text)?;
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        // Without a signal handler, serve until killed rather than stop at once.
        eprintln!("cannot wait for Ctrl-C ({e}); serving until killed");
        std::future::pending::<()>().await;
    }
    Ok(())
}
