//! The conformance suite on async-std.

#[test]
fn conformance() {
    let env = oxigram_conformance::Env::new();
    async_std::task::block_on(oxigram_conformance::run(oxigram_async_std::AsyncStd, &env));
}

#[test]
fn failures() {
    let env = oxigram_conformance::Env::new();
    async_std::task::block_on(oxigram_conformance::run_failures(
        oxigram_async_std::AsyncStd,
        &env,
    ));
}

#[test]
fn quirks() {
    let envs = oxigram_conformance::QuirkEnvs::new();
    async_std::task::block_on(oxigram_conformance::run_quirks(
        oxigram_async_std::AsyncStd,
        &envs,
    ));
}

#[test]
fn proxies() {
    let envs = oxigram_conformance::ProxyEnv::new();
    async_std::task::block_on(oxigram_conformance::run_proxies(
        oxigram_async_std::AsyncStd,
        &envs,
    ));
}
