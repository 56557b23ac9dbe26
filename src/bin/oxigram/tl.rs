//! `oxigram tl`: TL values decoded with the bundled schemas.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clap::{Args, Subcommand};
use oxigram_tl_parser::dynamic::{Registry, Value, to_hex};
use serde_json::{Map, Value as Json};

use crate::error::CliError;
use crate::input::{self, Encoding};

const API: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/tl/api.tl"));
const MTPROTO: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/tl/mtproto.tl"));

#[derive(Debug, Subcommand)]
pub enum TlCommand {
    /// Decode a boxed constructor or function of the API or MTProto schema (also
    /// `gzip_packed`, `rpc_result`, `msg_container`) and print it with its field names.
    Decode(DecodeArgs),
}

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The bytes, in hex or base64; `-` reads them from standard input.
    input: String,
    /// How the input writes the bytes.
    #[arg(long, value_enum, default_value_t = Encoding::Auto)]
    encoding: Encoding,
    /// Print a JSON tree: `{"_": "user", "id": 1, ...}`, bytes and int128/int256 as
    /// base64 and hex strings.
    #[arg(long)]
    json: bool,
}

pub fn run(command: TlCommand) -> Result<(), CliError> {
    match command {
        TlCommand::Decode(args) => decode(args),
    }
}

fn decode(args: DecodeArgs) -> Result<(), CliError> {
    let bytes = input::bytes(&args.input, args.encoding)?;
    let value = registry()?.decode(&bytes)?;
    if args.json {
        crate::print_line(&serde_json::to_string_pretty(&to_json(&value))?)
    } else {
        crate::print_line(&format!("{value:#}"))
    }
}

/// The API schema and the MTProto one, parsed from the text built into the binary.
fn registry() -> Result<Registry, CliError> {
    let parse = |file, text| {
        oxigram_tl_parser::parse(text).map_err(|source| CliError::Schema { file, source })
    };
    Ok(Registry::new([
        parse("api.tl", API)?,
        parse("mtproto.tl", MTPROTO)?,
    ]))
}

/// The JSON form of a decoded value: objects as maps with the constructor name under `_`,
/// in wire order; `bytes` as base64; `int128` / `int256` as hex; non-finite doubles as
/// `null` (JSON has no NaN).
pub fn to_json(value: &Value) -> Json {
    match value {
        Value::Int(n) => Json::from(*n),
        Value::Long(n) => Json::from(*n),
        Value::Double(x) => Json::from(*x),
        Value::Int128(bytes) => Json::from(to_hex(bytes)),
        Value::Int256(bytes) => Json::from(to_hex(bytes)),
        Value::Bool(b) => Json::from(*b),
        Value::String(s) => Json::from(s.as_str()),
        Value::Bytes(bytes) => Json::from(STANDARD.encode(bytes)),
        Value::Vector(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Object(object) => {
            let mut map = Map::with_capacity(object.fields.len() + 1);
            map.insert("_".into(), Json::from(object.name.as_str()));
            for field in &object.fields {
                map.insert(field.name.clone(), to_json(&field.value));
            }
            Json::Object(map)
        }
        // Kinds a newer parser adds print as their text form rather than being lost.
        other => Json::from(other.to_string()),
    }
}
