//! Telegram's proxy links: `tg://proxy?server=…&port=…&secret=…` and
//! `https://t.me/proxy?…` for an MTProxy, `tg://socks?server=…&port=…&user=…&pass=…` and
//! `https://t.me/socks?…` for a SOCKS5 proxy.

use oxigram_proto::proxy::{Proxy, ProxyKind};
use oxigram_proto::transport::MtProxySecret;

use super::{MtProxy, ProxySetting, ProxySettingError};

/// What a link names, before its parameters are read.
enum Kind {
    MtProxy,
    Socks,
}

/// The link's kind and query, if `text` is a proxy link at all.
fn split(text: &str) -> Option<(Kind, &str)> {
    let lower = text.to_ascii_lowercase();
    let rest_at = ["tg://", "https://", "http://", ""]
        .iter()
        .find_map(|scheme| {
            let after = lower.strip_prefix(scheme)?;
            let path = if scheme.starts_with("tg") {
                after
            } else {
                ["t.me/", "telegram.me/", "telegram.dog/", "www.t.me/"]
                    .iter()
                    .find_map(|host| after.strip_prefix(host))?
            };
            Some(text.len() - path.len())
        })?;
    let (path, query) = text[rest_at..].split_once('?')?;
    let kind = match path.to_ascii_lowercase().trim_end_matches('/') {
        "proxy" => Kind::MtProxy,
        "socks" => Kind::Socks,
        _ => return None,
    };
    Some((kind, query))
}

/// Whether `text` looks like a proxy link (rather than a proxy URL).
pub(super) fn is_link(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.starts_with("tg://")
        || ["t.me/", "telegram.me/", "telegram.dog/", "www.t.me/"]
            .iter()
            .any(|host| {
                lower.starts_with(host)
                    || lower.starts_with(&format!("https://{host}"))
                    || lower.starts_with(&format!("http://{host}"))
            })
}

/// Parses a proxy link into a setting.
pub(super) fn parse(text: &str) -> Result<ProxySetting, ProxySettingError> {
    let text = text.trim();
    let (kind, query) = split(text).ok_or(ProxySettingError::Link(
        "not a tg://proxy, tg://socks or t.me/proxy link",
    ))?;
    let mut server = None;
    let mut port = None;
    let mut secret = None;
    let mut user = None;
    let mut pass = None;
    // A fragment is not part of the query.
    let query = query.split('#').next().unwrap_or(query);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = unescape(value)?;
        // Later duplicates win, as in a browser's query parsing; unknown names are left
        // for newer clients.
        match name {
            "server" => server = Some(value),
            "port" => port = Some(value),
            "secret" => secret = Some(value),
            "user" => user = Some(value),
            "pass" => pass = Some(value),
            _ => {}
        }
    }
    let server = server
        .filter(|s| !s.is_empty())
        .ok_or(ProxySettingError::Link("the link has no server"))?;
    if server
        .bytes()
        .any(|b| b <= b' ' || matches!(b, b'/' | b'@' | b'?' | b'#'))
    {
        return Err(ProxySettingError::Link(
            "the link's server is not a host name",
        ));
    }
    let server = server
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .map_or(server.clone(), str::to_owned);
    let port = port
        .ok_or(ProxySettingError::Link("the link has no port"))?
        .parse::<u16>()
        .ok()
        .filter(|&p| p != 0)
        .ok_or(ProxySettingError::Link("the link's port is not 1 to 65535"))?;
    match kind {
        Kind::MtProxy => {
            let secret = secret.ok_or(ProxySettingError::Link("the link has no secret"))?;
            let secret = MtProxySecret::parse(&secret).map_err(ProxySettingError::Secret)?;
            Ok(ProxySetting::MtProxy(MtProxy {
                host: server,
                port,
                secret,
            }))
        }
        Kind::Socks => {
            let mut proxy = Proxy::new(ProxyKind::Socks5, server, port);
            if let Some(user) = user.filter(|u| !u.is_empty()) {
                proxy = proxy.with_credentials(user, pass.unwrap_or_default());
            }
            Ok(ProxySetting::Proxy(proxy))
        }
    }
}

/// Decodes a query value: `%XX` escapes and `+` for a space.
fn unescape(value: &str) -> Result<String, ProxySettingError> {
    let bad = ProxySettingError::Link("a malformed %-escape in the link");
    let mut bytes = Vec::with_capacity(value.len());
    let mut rest = value.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b'%' => {
                let hex = tail.get(..2).ok_or(bad.clone())?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return Err(bad);
                }
                let hex = std::str::from_utf8(hex).map_err(|_| bad.clone())?;
                bytes.push(u8::from_str_radix(hex, 16).map_err(|_| bad.clone())?);
                rest = &tail[2..];
            }
            b'+' => {
                bytes.push(b' ');
                rest = tail;
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).map_err(|_| bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 16] = [
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
        0xff,
    ];

    fn mtproxy(link: &str) -> MtProxy {
        match parse(link) {
            Ok(ProxySetting::MtProxy(p)) => p,
            other => panic!("{link}: {other:?}"),
        }
    }

    #[test]
    fn mtproxy_links_of_every_secret_kind() {
        let p = mtproxy(
            "tg://proxy?server=proxy.example&port=443&secret=00112233445566778899aabbccddeeff",
        );
        assert_eq!((p.host.as_str(), p.port), ("proxy.example", 443));
        assert_eq!(p.secret, MtProxySecret::Plain(KEY));
        let p = mtproxy(
            "https://t.me/proxy?server=10.0.0.1&port=8443&secret=dd00112233445566778899aabbccddeeff",
        );
        assert_eq!(p.secret, MtProxySecret::Padded(KEY));
        // `ee`, the key, then "example.com" in hex.
        let p = mtproxy(
            "t.me/proxy?secret=ee00112233445566778899aabbccddeeff6578616d706c652e636f6d&server=[::1]&port=1",
        );
        assert_eq!(p.host, "::1");
        assert_eq!(
            p.secret,
            MtProxySecret::FakeTls {
                key: KEY,
                domain: "example.com".into()
            }
        );
        // The same secret in URL-safe base64, as some links carry it, escaped.
        let p = mtproxy(
            "TG://proxy?server=h&port=2&secret=7gARIjNEVWZ3iJmqu8zd7v9leGFtcGxlLmNvbQ%3D%3D&extra=1",
        );
        assert_eq!(
            p.secret,
            MtProxySecret::FakeTls {
                key: KEY,
                domain: "example.com".into()
            }
        );
    }

    #[test]
    fn socks_links() {
        match parse("tg://socks?server=1.2.3.4&port=1080&user=al%20ice&pass=p+w") {
            Ok(ProxySetting::Proxy(p)) => {
                assert_eq!(
                    (p.kind, p.host.as_str(), p.port),
                    (ProxyKind::Socks5, "1.2.3.4", 1080)
                );
                let c = p.credentials.unwrap();
                assert_eq!(
                    (c.username.as_str(), c.password.as_str()),
                    ("al ice", "p w")
                );
            }
            other => panic!("{other:?}"),
        }
        match parse("https://t.me/socks?server=h&port=1") {
            Ok(ProxySetting::Proxy(p)) => assert_eq!(p.credentials, None),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn broken_links_say_why() {
        for link in [
            "tg://proxy?port=1&secret=00112233445566778899aabbccddeeff",
            "tg://proxy?server=h&secret=00112233445566778899aabbccddeeff",
            "tg://proxy?server=h&port=0&secret=00112233445566778899aabbccddeeff",
            "tg://proxy?server=h&port=x&secret=00112233445566778899aabbccddeeff",
            "tg://proxy?server=h&port=1",
            "tg://proxy?server=a/b&port=1&secret=00112233445566778899aabbccddeeff",
            "tg://proxy?server=h&port=1&secret=%zz",
            "tg://resolve?domain=someone",
            "https://example.com/proxy?server=h&port=1&secret=00",
        ] {
            assert!(
                matches!(parse(link), Err(ProxySettingError::Link(_))),
                "{link}"
            );
        }
        assert!(matches!(
            parse("tg://proxy?server=h&port=1&secret=0011"),
            Err(ProxySettingError::Secret(_))
        ));
        assert!(is_link("https://t.me/proxy?server=h"));
        assert!(is_link("tg://proxy"));
        assert!(!is_link("socks5://h:1"));
        assert!(!is_link("http://proxy.example:3128"));
    }
}
