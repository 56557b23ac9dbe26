//! The handshakes against answers written byte by byte from the protocols' RFCs.

use proptest::prelude::*;

use super::*;

fn dc() -> Target {
    Target::Addr("149.154.167.51:443".parse().unwrap())
}

fn start(proxy: &Proxy, target: &Target) -> (Handshake, Vec<u8>) {
    let mut h = Handshake::new(proxy, target).unwrap();
    let mut out = Vec::new();
    h.take_output(&mut out);
    (h, out)
}

fn output(h: &mut Handshake) -> Vec<u8> {
    let mut out = Vec::new();
    h.take_output(&mut out);
    out
}

/// A SOCKS5 success reply bound to 10.0.0.1:40000.
const SOCKS5_OK: [u8; 10] = [5, 0, 0, 1, 10, 0, 0, 1, 0x9c, 0x40];

#[test]
fn socks5_with_a_login() {
    let proxy =
        Proxy::new(ProxyKind::Socks5, "127.0.0.1", 1080).with_credentials("alice", "s3cret");
    let (mut h, greeting) = start(&proxy, &dc());
    assert_eq!(greeting, [5, 2, 0, 2]);
    assert_eq!(h.receive(&[5, 2]).unwrap(), Progress::Pending);
    assert_eq!(output(&mut h), b"\x01\x05alice\x06s3cret");
    assert_eq!(h.receive(&[1, 0]).unwrap(), Progress::Pending);
    assert_eq!(output(&mut h), [5, 1, 0, 1, 149, 154, 167, 51, 1, 187]);
    // A reply whose bound address is a name, one byte at a time.
    let reply = b"\x05\x00\x00\x03\x09localhost\x00\x50";
    for (i, b) in reply.iter().enumerate() {
        let expected = if i + 1 == reply.len() {
            Progress::Done
        } else {
            Progress::Pending
        };
        assert_eq!(h.receive(&[*b]).unwrap(), expected, "byte {i}");
    }
    assert!(h.is_done());
    assert!(output(&mut h).is_empty());
}

#[test]
fn socks5_proxy_that_needs_no_login_skips_it() {
    let proxy = Proxy::new(ProxyKind::Socks5, "::1", 1080).with_credentials("alice", "s3cret");
    let target = Target::Addr("[2001:db8::1]:443".parse().unwrap());
    let (mut h, _) = start(&proxy, &target);
    assert_eq!(h.receive(&[5, 0]).unwrap(), Progress::Pending);
    let mut request = vec![5, 1, 0, 4, 0x20, 0x01, 0x0d, 0xb8];
    request.extend_from_slice(&[0; 11]);
    request.extend_from_slice(&[1, 1, 187]);
    assert_eq!(output(&mut h), request);
    let mut reply = vec![5, 0, 0, 4];
    reply.extend_from_slice(&[0; 18]);
    assert_eq!(h.receive(&reply).unwrap(), Progress::Done);
}

#[test]
fn socks5_names_go_to_the_proxy() {
    let proxy = Proxy::new(ProxyKind::Socks5, "127.0.0.1", 1080);
    let (mut h, _) = start(&proxy, &Target::Name("venus.web.telegram.org".into(), 443));
    h.receive(&[5, 0]).unwrap();
    assert_eq!(
        output(&mut h),
        b"\x05\x01\x00\x03\x16venus.web.telegram.org\x01\xbb"
    );
    let long = "a".repeat(256);
    assert!(matches!(
        Handshake::new(&proxy, &Target::Name(long, 443)),
        Err(ProxyError::Setting(_))
    ));
    assert!(matches!(
        Handshake::new(&proxy, &Target::Name("a b".into(), 443)),
        Err(ProxyError::Setting(_))
    ));
}

#[test]
fn socks5_refusals_are_typed() {
    let plain = Proxy::new(ProxyKind::Socks5, "127.0.0.1", 1080);
    let login = plain.clone().with_credentials("alice", "wrong");
    let (mut h, _) = start(&plain, &dc());
    assert_eq!(h.receive(&[5, 0xff]), Err(ProxyError::AuthRequired));
    let (mut h, _) = start(&login, &dc());
    assert_eq!(h.receive(&[5, 0xff]), Err(ProxyError::NoAcceptableAuth));
    let (mut h, _) = start(&login, &dc());
    assert_eq!(h.closed(), ProxyError::Closed);
    h.receive(&[5, 2]).unwrap();
    // Closing instead of a verdict on the login refuses it too.
    assert_eq!(h.closed(), ProxyError::AuthFailed);
    assert_eq!(h.receive(&[1, 1]), Err(ProxyError::AuthFailed));
    // The proxy may not pick a method that was not offered.
    let (mut h, _) = start(&plain, &dc());
    assert!(matches!(
        h.receive(&[5, 2]),
        Err(ProxyError::Malformed { .. })
    ));
    let (mut h, _) = start(&plain, &dc());
    assert!(matches!(
        h.receive(&[4, 0]),
        Err(ProxyError::Malformed { .. })
    ));
    for (code, refusal) in [
        (1, Refusal::General),
        (2, Refusal::NotAllowed),
        (3, Refusal::NetworkUnreachable),
        (4, Refusal::HostUnreachable),
        (5, Refusal::ConnectionRefused),
        (6, Refusal::TtlExpired),
        (7, Refusal::Unsupported),
        (8, Refusal::Unsupported),
        (9, Refusal::Code(9)),
    ] {
        let (mut h, _) = start(&plain, &dc());
        h.receive(&[5, 0]).unwrap();
        let reply = [5, code, 0, 1, 0, 0, 0, 0, 0, 0];
        assert_eq!(h.receive(&reply), Err(ProxyError::Refused(refusal)));
    }
    let (mut h, _) = start(&plain, &dc());
    h.receive(&[5, 0]).unwrap();
    assert!(matches!(
        h.receive(&[5, 0, 0, 2, 0]),
        Err(ProxyError::Malformed { .. })
    ));
}

#[test]
fn bytes_after_the_answer_are_refused() {
    let proxy = Proxy::new(ProxyKind::Socks5, "127.0.0.1", 1080);
    let (mut h, _) = start(&proxy, &dc());
    h.receive(&[5, 0]).unwrap();
    let mut reply = SOCKS5_OK.to_vec();
    reply.extend_from_slice(b"xyz");
    assert_eq!(h.receive(&reply), Err(ProxyError::TrailingData(3)));
    // And after the handshake ended.
    let (mut h, _) = start(&proxy, &dc());
    h.receive(&[5, 0]).unwrap();
    h.receive(&SOCKS5_OK).unwrap();
    assert_eq!(h.receive(b"late"), Err(ProxyError::TrailingData(4)));
}

#[test]
fn socks5_long_logins_are_refused_before_sending() {
    let proxy =
        Proxy::new(ProxyKind::Socks5, "127.0.0.1", 1080).with_credentials("u".repeat(256), "p");
    assert!(matches!(
        Handshake::new(&proxy, &dc()),
        Err(ProxyError::Setting(_))
    ));
    let proxy = Proxy::new(ProxyKind::Socks5, "127.0.0.1", 1080).with_credentials("", "p");
    assert!(matches!(
        Handshake::new(&proxy, &dc()),
        Err(ProxyError::Setting(_))
    ));
}

#[test]
fn socks4_and_4a() {
    let proxy = Proxy::new(ProxyKind::Socks4, "127.0.0.1", 1080).with_credentials("bob", "");
    let (mut h, request) = start(&proxy, &dc());
    assert_eq!(request, b"\x04\x01\x01\xbb\x95\x9a\xa7\x33bob\x00");
    assert_eq!(h.receive(&[0, 90, 0, 0]).unwrap(), Progress::Pending);
    assert_eq!(h.receive(&[0, 0, 0, 0]).unwrap(), Progress::Done);

    let anonymous = Proxy::new(ProxyKind::Socks4, "127.0.0.1", 1080);
    let (_, request) = start(&anonymous, &Target::Name("example.org".into(), 80));
    assert_eq!(
        request,
        b"\x04\x01\x00\x50\x00\x00\x00\x01\x00example.org\x00"
    );

    for (code, error) in [
        (91, ProxyError::Refused(Refusal::General)),
        (92, ProxyError::AuthFailed),
        (93, ProxyError::AuthFailed),
        (7, ProxyError::Refused(Refusal::Code(7))),
    ] {
        let (mut h, _) = start(&anonymous, &dc());
        assert_eq!(h.receive(&[0, code, 0, 0, 0, 0, 0, 0]), Err(error));
    }
    let (mut h, _) = start(&anonymous, &dc());
    assert!(matches!(
        h.receive(&[4, 90, 0, 0, 0, 0, 0, 0]),
        Err(ProxyError::Malformed { .. })
    ));

    let v6 = Target::Addr("[::1]:443".parse().unwrap());
    assert!(matches!(
        Handshake::new(&anonymous, &v6),
        Err(ProxyError::Setting(_))
    ));
    let with_password = anonymous.clone().with_credentials("bob", "pw");
    assert!(matches!(
        Handshake::new(&with_password, &dc()),
        Err(ProxyError::Setting(_))
    ));
}

#[test]
fn http_connect() {
    // The credentials of RFC 7617's example, and their encoding there.
    let proxy =
        Proxy::new(ProxyKind::Http, "127.0.0.1", 8080).with_credentials("Aladdin", "open sesame");
    let (mut h, request) = start(&proxy, &dc());
    assert_eq!(
        request,
        b"CONNECT 149.154.167.51:443 HTTP/1.1\r\nHost: 149.154.167.51:443\r\n\
          Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n"
    );
    // The blank line split between reads.
    assert_eq!(
        h.receive(b"HTTP/1.1 200 Connection established\r\nVia: x\r\n\r")
            .unwrap(),
        Progress::Pending
    );
    assert_eq!(h.receive(b"\n").unwrap(), Progress::Done);

    let anonymous = Proxy::new(ProxyKind::Http, "127.0.0.1", 8080);
    let v6 = Target::Addr("[2001:db8::1]:443".parse().unwrap());
    let (mut h, request) = start(&anonymous, &v6);
    assert_eq!(
        request,
        b"CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n"
    );
    assert_eq!(h.receive(b"HTTP/1.0 200\r\n\r\n").unwrap(), Progress::Done);
}

#[test]
fn http_refusals_are_typed() {
    let anonymous = Proxy::new(ProxyKind::Http, "127.0.0.1", 8080);
    let login = anonymous.clone().with_credentials("alice", "wrong");
    let auth = b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n";
    let (mut h, _) = start(&anonymous, &dc());
    assert_eq!(h.receive(auth), Err(ProxyError::AuthRequired));
    let (mut h, _) = start(&login, &dc());
    assert_eq!(h.receive(auth), Err(ProxyError::AuthFailed));
    let (mut h, _) = start(&anonymous, &dc());
    assert_eq!(
        h.receive(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
        Err(ProxyError::Refused(Refusal::Http {
            status: 403,
            reason: "Forbidden".into()
        }))
    );
    for garbage in [
        &b"SSH-2.0-OpenSSH\r\n\r\n"[..],
        b"HTTP/1.1 2x0 OK\r\n\r\n",
        b"HTTP/2 200\r\n\r\n",
        b"HTTP/1.1 200OK\r\n\r\n",
    ] {
        let (mut h, _) = start(&anonymous, &dc());
        assert!(
            matches!(h.receive(garbage), Err(ProxyError::Malformed { .. })),
            "{garbage:?}"
        );
    }
    // A head that never ends is cut off.
    let (mut h, _) = start(&anonymous, &dc());
    let mut result = Ok(Progress::Pending);
    for _ in 0..20 {
        result = h.receive(&[b'a'; 1024]);
        if result.is_err() {
            break;
        }
    }
    assert!(matches!(result, Err(ProxyError::Malformed { .. })));
    let (mut h, _) = start(&anonymous, &dc());
    assert_eq!(
        h.receive(b"HTTP/1.1 200 OK\r\n\r\nhello"),
        Err(ProxyError::TrailingData(5))
    );
    let colon = anonymous.with_credentials("a:b", "c");
    assert!(matches!(
        Handshake::new(&colon, &dc()),
        Err(ProxyError::Setting(_))
    ));
}

#[test]
fn urls() {
    let p: Proxy = "socks5://user%40mail:p%3Ass@proxy.example:1081"
        .parse()
        .unwrap();
    assert_eq!(p.kind, ProxyKind::Socks5);
    assert_eq!(p.host, "proxy.example");
    assert_eq!(p.port, 1081);
    let c = p.credentials.clone().unwrap();
    assert_eq!(
        (c.username.as_str(), c.password.as_str()),
        ("user@mail", "p:ss")
    );
    assert_eq!(p.to_string(), "socks5://user%40mail:..@proxy.example:1081");
    assert!(!format!("{p:?}").contains("p:ss"));
    assert_eq!(p.socket_addr(), None);

    let p: Proxy = "http://[::1]:3128/".parse().unwrap();
    assert_eq!(
        (p.kind, p.host.as_str(), p.port),
        (ProxyKind::Http, "::1", 3128)
    );
    assert_eq!(p.socket_addr(), Some("[::1]:3128".parse().unwrap()));
    assert_eq!(p.to_string(), "http://[::1]:3128");
    let p: Proxy = "SOCKS4A://10.1.2.3".parse().unwrap();
    assert_eq!(
        (p.kind, p.port, p.credentials),
        (ProxyKind::Socks4, 1080, None)
    );
    let p: Proxy = "socks5h://u@h".parse().unwrap();
    assert_eq!(p.credentials.unwrap().password, "");

    for (url, error) in [
        ("127.0.0.1:1080", ProxyUrlError::NotAUrl),
        ("https://h:1", ProxyUrlError::Scheme("https".into())),
        ("socks5://:1080", ProxyUrlError::NoHost),
        ("socks5://h:0", ProxyUrlError::Port("0".into())),
        ("socks5://h:65536", ProxyUrlError::Port("65536".into())),
        ("socks5://h:x", ProxyUrlError::Port("x".into())),
        ("socks5://[::g]:1", ProxyUrlError::Host("[::g]:1".into())),
        ("socks5://h%41:1", ProxyUrlError::Host("h%41".into())),
        ("socks5://u%4:p@h:1", ProxyUrlError::Escape),
        ("socks5://u%+1:p@h:1", ProxyUrlError::Escape),
        ("socks5://u%ff:p@h:1", ProxyUrlError::Escape),
        ("http://h:1/path", ProxyUrlError::Trailing("/path".into())),
    ] {
        assert_eq!(url.parse::<Proxy>(), Err(error), "{url}");
    }
}

fn kind() -> impl Strategy<Value = ProxyKind> {
    prop_oneof![
        Just(ProxyKind::Socks5),
        Just(ProxyKind::Socks4),
        Just(ProxyKind::Http)
    ]
}

proptest! {
    /// Whatever a proxy sends, in whatever pieces, the handshake answers without
    /// panicking, and an error ends it.
    #[test]
    fn any_answer_is_handled(kind in kind(), login in any::<bool>(),
                             chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..64), 0..16)) {
        let mut proxy = Proxy::new(kind, "127.0.0.1", 1);
        if login {
            proxy = proxy.with_credentials("u", if kind == ProxyKind::Socks4 { "" } else { "p" });
        }
        let mut h = Handshake::new(&proxy, &dc()).unwrap();
        let mut out = Vec::new();
        for chunk in chunks {
            h.take_output(&mut out);
            if h.receive(&chunk).is_err() {
                break;
            }
        }
    }

    #[test]
    fn urls_parse_back_from_their_display(url in "(socks5|http)://[a-z0-9:/@%\\[\\]\\.]{0,40}") {
        // Without credentials (shown with the password hidden), what a proxy displays
        // parses back to it.
        if let Ok(proxy) = url.parse::<Proxy>()
            && proxy.credentials.is_none()
        {
            prop_assert_eq!(proxy.to_string().parse::<Proxy>(), Ok(proxy));
        }
    }
}
