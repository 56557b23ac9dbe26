//! The conformance suite on async-std.

#[test]
fn conformance() {
    let env = oxigram_conformance::Env::new();
    async_std::task::block_on(oxigram_conformance::run(oxigram_async_std::AsyncStd, &env));
}
