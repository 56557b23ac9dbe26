//! The conformance suite on blocking sockets.

use std::time::Duration;

use oxigram_blocking::BlockingConnection;
use oxigram_conformance::BlockingLike;
use oxigram_runtime::{
    Bytes, ClientConfig, ClientEvent, ConnectError, InvokeError, InvokeOptions, Update,
};

struct Blocking(BlockingConnection);

impl BlockingLike for Blocking {
    fn connect(config: ClientConfig) -> Result<Self, ConnectError> {
        BlockingConnection::connect(config).map(Blocking)
    }
    fn invoke_raw_blocking(&self, body: Bytes) -> Result<Bytes, InvokeError> {
        self.0.invoke_raw(body)
    }
    fn next_update_blocking(&self, timeout: Duration) -> Option<Update> {
        self.0.next_update(timeout)
    }
    fn invoke_raw_timeout(&self, body: Bytes, timeout: Duration) -> Result<Bytes, InvokeError> {
        self.0
            .invoke_raw_with(body, InvokeOptions::timeout(timeout))
    }
    fn invoke_raw_options(
        &self,
        body: Bytes,
        options: InvokeOptions,
    ) -> Result<Bytes, InvokeError> {
        self.0.invoke_raw_with(body, options)
    }
    fn pending(&self) -> usize {
        self.0.pending()
    }
    fn next_event_blocking(&self, timeout: Duration) -> Option<ClientEvent> {
        self.0.next_event(timeout)
    }
    fn close_blocking(&mut self) {
        self.0.close();
    }
}

#[test]
fn conformance() {
    let env = oxigram_conformance::Env::new();
    oxigram_conformance::run_blocking::<Blocking>(&env);
}

#[test]
fn failures() {
    let env = oxigram_conformance::Env::new();
    oxigram_conformance::run_failures_blocking::<Blocking>(&env);
}

#[test]
fn proxies() {
    let envs = oxigram_conformance::ProxyEnv::new();
    oxigram_conformance::run_proxies_blocking::<Blocking>(&envs);
}
