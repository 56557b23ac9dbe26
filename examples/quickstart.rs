//! The main job of the README.
//!
//! Until the runtimes and the embedded test DC land, it shows what the typed API covers
//! and encodes the request every session starts with.

use oxigram::tl::{self, Serialize, functions};

fn main() {
    println!("oxigram speaks Telegram API layer {}", tl::LAYER);
    println!(
        "  API schema:     {} types, {} constructors, {} functions",
        tl::TYPE_COUNT,
        tl::CONSTRUCTOR_COUNT,
        tl::FUNCTION_COUNT
    );
    println!(
        "  MTProto schema: {} types, {} constructors, {} functions",
        tl::mtproto::TYPE_COUNT,
        tl::mtproto::CONSTRUCTOR_COUNT,
        tl::mtproto::FUNCTION_COUNT
    );

    let first_request = functions::InvokeWithLayer {
        layer: tl::LAYER,
        query: functions::InitConnection {
            api_id: 12345,
            device_model: "quickstart".into(),
            system_version: std::env::consts::OS.into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            system_lang_code: "en".into(),
            lang_pack: String::new(),
            lang_code: "en".into(),
            proxy: None,
            params: None,
            query: functions::help::GetConfig {},
        },
    };
    let bytes = first_request.to_bytes();
    println!(
        "  invokeWithLayer(initConnection(help.getConfig)) encodes to {} bytes: {}",
        bytes.len(),
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
}
