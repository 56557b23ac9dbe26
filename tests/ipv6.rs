//! IPv6 on every runtime: a client built with `.ipv6(true)` reaches its home DC on the test
//! DC's `::1` listener and, for another DC, picks the IPv6 option `help.getConfig` lists
//! (the IPv4 listener of that DC serves nothing).

use std::sync::Arc;

use oxigram::Client;
use oxigram::tl::{enums, functions};
use oxigram_conformance::{BOT_TOKEN, Env};

#[macro_use]
mod support;

use support::{API_ID, On};

on_every_runtime!(ipv6_reaches_every_dc);

async fn ipv6_reaches_every_dc(on: On, env: Arc<Env>) {
    let Some(home) = env.dc.ipv6_address(2) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI's machine has an IPv6 loopback: the test DC must listen on ::1"
        );
        eprintln!("skipped: no IPv6 loopback");
        return;
    };
    assert!(home.ip().is_loopback() && home.is_ipv6(), "{home}");
    // Only the home DC's address is given; every other one comes from the DC options.
    let builder = Client::builder("v6")
        .api_id(API_ID)
        .api_hash("hash")
        .test_mode(true)
        .in_memory()
        .ipv6(true)
        .server_key_pem(oxigram_testdc::pem::public_key_pem(env.dc.public_key()))
        .dc_address(2, home);
    let client = on
        .with_runtime(builder)
        .bot_token(BOT_TOKEN)
        .build()
        .await
        .unwrap();
    assert_eq!(client.user_id(), Some(env.bot));
    let enums::Config::Config(config) = client
        .invoke(functions::help::GetConfig {})
        .dc(3)
        .await
        .unwrap();
    assert_eq!(config.this_dc, 3);
    let (v6, v4) = (env.dc.ipv6_address(3).unwrap(), env.dc.address(3).unwrap());
    assert_eq!(
        env.dc.served(v6, "help.getConfig").calls,
        1,
        "DC 3 over {v6}"
    );
    assert_eq!(
        env.dc.served(v4, "help.getConfig").calls,
        0,
        "DC 3 over {v4}"
    );
    assert!(env.dc.served(home, "auth.importBotAuthorization").calls >= 1);
    client.stop().await.unwrap();
}
