//! The test DC a bench example talks to, given on its command line as
//! `--key PEM_FILE` (the server's RSA key) and one or more `--dc ID=IP:PORT`.

use std::net::SocketAddr;

use oxigram::{Client, ClientBuilder};

/// The same as the Python side's.
const API_ID: i32 = 17349;
const API_HASH: &str = "interop";

/// The server's key and addresses.
pub struct BenchServer {
    key_pem: String,
    dcs: Vec<(i16, SocketAddr)>,
}

impl BenchServer {
    /// Reads the options from `args` (what follows the example's own arguments);
    /// `usage` is part of the error for a mistake.
    pub fn parse(mut args: impl Iterator<Item = String>, usage: &str) -> Result<Self, String> {
        let mut key = None;
        let mut dcs = Vec::new();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--key" => {
                    let path = args.next().ok_or(usage)?;
                    let pem = std::fs::read_to_string(&path)
                        .map_err(|e| format!("cannot read {path}: {e}"))?;
                    key = Some(pem);
                }
                "--dc" => {
                    let value = args.next().ok_or(usage)?;
                    let (id, address) = value
                        .split_once('=')
                        .ok_or_else(|| format!("--dc {value}: expected ID=IP:PORT"))?;
                    let id: i16 = id.parse().map_err(|e| format!("--dc {value}: {e}"))?;
                    let address: SocketAddr =
                        address.parse().map_err(|e| format!("--dc {value}: {e}"))?;
                    dcs.push((id, address));
                }
                _ => return Err(format!("unexpected argument {arg}\n{usage}")),
            }
        }
        if dcs.is_empty() {
            return Err(format!("no --dc given\n{usage}"));
        }
        Ok(BenchServer {
            key_pem: key.ok_or_else(|| format!("no --key given\n{usage}"))?,
            dcs,
        })
    }

    /// A client named `name`, kept in memory, that trusts this server's key and
    /// reaches its DCs at the given addresses.
    pub fn builder(self, name: &str) -> ClientBuilder {
        let mut builder = Client::builder(name)
            .api_id(API_ID)
            .api_hash(API_HASH)
            .test_mode(true)
            .in_memory()
            .server_key_pem(self.key_pem);
        for (id, address) in self.dcs {
            builder = builder.dc_address(id, address);
        }
        builder
    }
}
