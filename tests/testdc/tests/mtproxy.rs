//! The test DC as an MTProxy: a client with the proxy's secret, of each kind, gets a key
//! and answers over loopback sockets.

mod common;

use common::Client;
use oxigram_proto::transport::{Kind, MtProxySecret, Obfuscation};
use oxigram_testdc::{TestDc, TestDcConfig};
use oxigram_tl::{enums, functions};

#[tokio::test]
async fn clients_reach_the_test_dc_through_each_kind_of_mtproxy_secret() {
    let key = [0x44; 16];
    for secret in [
        MtProxySecret::Plain(key),
        MtProxySecret::Padded(key),
        MtProxySecret::FakeTls {
            key,
            domain: "example.com".into(),
        },
    ] {
        let dc = TestDc::start(TestDcConfig {
            seed: 11,
            dcs: 1,
            proxy_secret: Some(secret.clone()),
            ..TestDcConfig::default()
        })
        .await
        .unwrap();
        let mut client = Client::connect_hidden(
            dc.address(1).unwrap(),
            1,
            dc.public_key(),
            Kind::Intermediate,
            Obfuscation::MtProxy(secret.clone()),
            None,
            5,
        )
        .await;
        let enums::Config::Config(config) = client
            .invoke(&functions::help::GetConfig {})
            .await
            .unwrap_or_else(|e| panic!("{secret:?}: {e}"));
        assert_eq!(config.this_dc, 1, "{secret:?}");
        assert!(client.auth.is_some());
    }
}
