//! Generates the Rust definitions from `schema/tl/*.tl` at build time.
//!
//! Generating here (rather than committing the output) keeps the schema the single source
//! of truth, and costs about a second: see `schema/README.md` for the measured build times.

use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tl");
    let api = read(&dir.join("api.tl"));
    let mtproto = read(&dir.join("mtproto.tl"));
    let layer = api
        .layer
        .unwrap_or_else(|| fail("api.tl has no `// LAYER N` line"));
    let inputs = [
        oxigram_tl_gen::Input {
            module: "",
            schema: &api,
        },
        oxigram_tl_gen::Input {
            module: "mtproto",
            schema: &mtproto,
        },
    ];
    let code = oxigram_tl_gen::generate(&inputs, layer).unwrap_or_else(|e| fail(&e.to_string()));
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("generated.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| fail(&format!("writing {}: {e}", out.display())));
}

fn read(path: &Path) -> oxigram_tl_parser::Schema {
    println!("cargo::rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| fail(&format!("reading {}: {e}", path.display())));
    oxigram_tl_parser::parse(&text).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())))
}

fn fail(message: &str) -> ! {
    // A schema error names its file and line; make it the whole build failure.
    eprintln!("error: {message}");
    std::process::exit(1)
}
