//! The conformance suite on smol.

#[test]
fn conformance() {
    let env = oxigram_conformance::Env::new();
    smol::block_on(oxigram_conformance::run(oxigram_smol::Smol, &env));
}

#[test]
fn failures() {
    let env = oxigram_conformance::Env::new();
    smol::block_on(oxigram_conformance::run_failures(oxigram_smol::Smol, &env));
}

#[test]
fn quirks() {
    let envs = oxigram_conformance::QuirkEnvs::new();
    smol::block_on(oxigram_conformance::run_quirks(oxigram_smol::Smol, &envs));
}

#[test]
fn proxies() {
    let envs = oxigram_conformance::ProxyEnv::new();
    smol::block_on(oxigram_conformance::run_proxies(oxigram_smol::Smol, &envs));
}
