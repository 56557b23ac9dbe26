//! The SOCKS5, SOCKS4 and HTTP CONNECT handshakes against any answer, and proxy URLs: the
//! first byte picks the protocol, the login and the destination, the rest arrives in pieces
//! whose size the same byte picks. A handshake must end (done or refused) without
//! panicking, and never ask for unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxigram_proto::proxy::{Handshake, Proxy, ProxyKind, Target};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    if pick == 0xff {
        // The rest is a URL instead.
        if let Ok(url) = std::str::from_utf8(rest)
            && let Ok(proxy) = url.parse::<Proxy>()
        {
            assert!(proxy.port != 0);
            assert!(!proxy.host.is_empty());
        }
        return;
    }
    let kind = [ProxyKind::Socks5, ProxyKind::Socks4, ProxyKind::Http][usize::from(pick % 3)];
    let mut proxy = Proxy::new(kind, "127.0.0.1", 1080);
    if pick & 4 != 0 {
        let password = if kind == ProxyKind::Socks4 { "" } else { "pw" };
        proxy = proxy.with_credentials("user", password);
    }
    let target = if pick & 8 != 0 {
        Target::Name("dc.example".into(), 443)
    } else {
        Target::Addr("127.0.0.1:443".parse().expect("an address"))
    };
    let mut handshake = Handshake::new(&proxy, &target).expect("valid settings");
    let mut out = Vec::new();
    for piece in rest.chunks(usize::from(pick >> 4) * 13 + 1) {
        handshake.take_output(&mut out);
        // Nothing a proxy says makes the client send much.
        assert!(out.len() < 4096);
        out.clear();
        if handshake.receive(piece).is_err() {
            return;
        }
    }
});
