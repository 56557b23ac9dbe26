//! The conformance suite on tokio.

#[test]
fn conformance() {
    let env = oxigram_conformance::Env::new();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(oxigram_conformance::run(oxigram_tokio::Tokio, &env));
    drop(runtime);
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn failures() {
    let env = oxigram_conformance::Env::new();
    runtime().block_on(oxigram_conformance::run_failures(
        oxigram_tokio::Tokio,
        &env,
    ));
}

#[test]
fn quirks() {
    let envs = oxigram_conformance::QuirkEnvs::new();
    runtime().block_on(oxigram_conformance::run_quirks(oxigram_tokio::Tokio, &envs));
}

#[test]
fn proxies() {
    let envs = oxigram_conformance::ProxyEnv::new();
    runtime().block_on(oxigram_conformance::run_proxies(
        oxigram_tokio::Tokio,
        &envs,
    ));
}
