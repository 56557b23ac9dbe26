//! Proxy URLs: `socks5://user:password@host:port`, `socks4://`, `http://`.

use std::fmt;
use std::net::Ipv6Addr;
use std::str::FromStr;

use super::{Credentials, Proxy, ProxyKind};

/// Why a proxy URL does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyUrlError {
    /// Not `scheme://…`.
    #[error("not a proxy URL (scheme://host:port)")]
    NotAUrl,
    /// A scheme other than `socks5`, `socks5h`, `socks4`, `socks4a` and `http`.
    #[error("unsupported proxy scheme {0:?} (socks5, socks4, http)")]
    Scheme(String),
    /// No host.
    #[error("the proxy URL has no host")]
    NoHost,
    /// A bracketed host that is not an IPv6 address, or a host with forbidden characters.
    #[error("invalid proxy host {0:?}")]
    Host(String),
    /// A port that is not a number from 1 to 65535.
    #[error("invalid proxy port {0:?}")]
    Port(String),
    /// A `%` not followed by two hex digits, or an escape that is not UTF-8.
    #[error("invalid percent-escape in the proxy URL's credentials")]
    Escape,
    /// A path, query or fragment after the port: a proxy URL has none.
    #[error("unexpected {0:?} after the proxy's address")]
    Trailing(String),
}

impl FromStr for Proxy {
    type Err = ProxyUrlError;

    /// Parses `scheme://[user[:password]@]host[:port]`. `socks5h` and `socks4a` mean the
    /// same as `socks5` and `socks4` (names are always left to the proxy); credentials may
    /// be percent-escaped; an IPv6 host goes in brackets; without a port, SOCKS means
    /// 1080 and HTTP 80.
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let (scheme, rest) = url.split_once("://").ok_or(ProxyUrlError::NotAUrl)?;
        let kind = match scheme.to_ascii_lowercase().as_str() {
            "socks5" | "socks5h" => ProxyKind::Socks5,
            "socks4" | "socks4a" => ProxyKind::Socks4,
            "http" => ProxyKind::Http,
            _ => return Err(ProxyUrlError::Scheme(scheme.to_owned())),
        };
        // A single trailing slash is how many tools write such URLs.
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if let Some(at) = rest.find(['/', '?', '#']) {
            return Err(ProxyUrlError::Trailing(rest[at..].to_owned()));
        }
        let (userinfo, address) = match rest.rsplit_once('@') {
            Some((userinfo, address)) => (Some(userinfo), address),
            None => (None, rest),
        };
        let credentials = userinfo
            .map(|userinfo| {
                let (user, pass) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                Ok::<_, ProxyUrlError>(Credentials {
                    username: unescape(user)?,
                    password: unescape(pass)?,
                })
            })
            .transpose()?;
        let (host, port) = split_host_port(address)?;
        let port = match port {
            None => kind.default_port(),
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n != 0 => n,
                _ => return Err(ProxyUrlError::Port(p.to_owned())),
            },
        };
        Ok(Proxy {
            kind,
            host,
            port,
            credentials,
        })
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(address: &str) -> Result<(String, Option<&str>), ProxyUrlError> {
    if let Some(bracketed) = address.strip_prefix('[') {
        let (ip, after) = bracketed
            .split_once(']')
            .ok_or_else(|| ProxyUrlError::Host(address.to_owned()))?;
        let ip: Ipv6Addr = ip
            .parse()
            .map_err(|_| ProxyUrlError::Host(address.to_owned()))?;
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| ProxyUrlError::Host(address.to_owned()))?,
            ),
        };
        return Ok((ip.to_string(), port));
    }
    let (host, port) = match address.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (address, None),
    };
    if host.is_empty() {
        return Err(ProxyUrlError::NoHost);
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_');
    if !host.chars().all(allowed) {
        return Err(ProxyUrlError::Host(host.to_owned()));
    }
    Ok((host.to_ascii_lowercase(), port))
}

/// Decodes `%XX` escapes.
fn unescape(s: &str) -> Result<String, ProxyUrlError> {
    let mut bytes = Vec::with_capacity(s.len());
    let mut rest = s.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = tail.get(..2).ok_or(ProxyUrlError::Escape)?;
            // Checked first: `from_str_radix` would take a sign.
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err(ProxyUrlError::Escape);
            }
            let hex = std::str::from_utf8(hex).map_err(|_| ProxyUrlError::Escape)?;
            let byte = u8::from_str_radix(hex, 16).map_err(|_| ProxyUrlError::Escape)?;
            bytes.push(byte);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).map_err(|_| ProxyUrlError::Escape)
}

/// Escapes what would end the username in a URL, for showing it.
pub(super) fn escape(s: &str) -> impl fmt::Display + '_ {
    struct Escaped<'a>(&'a str);
    impl fmt::Display for Escaped<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            for b in self.0.bytes() {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                    write!(f, "{}", b as char)?;
                } else {
                    write!(f, "%{b:02X}")?;
                }
            }
            Ok(())
        }
    }
    Escaped(s)
}
