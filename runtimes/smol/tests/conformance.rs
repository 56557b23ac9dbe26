//! The conformance suite on smol.

#[test]
fn conformance() {
    let env = oxigram_conformance::Env::new();
    smol::block_on(oxigram_conformance::run(oxigram_smol::Smol, &env));
}
