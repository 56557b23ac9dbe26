//! How the client reaches Telegram when it cannot connect directly: a proxy setting given
//! to [`ClientBuilder::proxy`](super::ClientBuilder::proxy) as a URL or a value.

use std::fmt;
use std::str::FromStr;

pub use oxigram_proto::proxy::{Credentials, Proxy, ProxyError, ProxyKind, ProxyUrlError};

/// A way to reach Telegram's DCs other than directly.
///
/// ```
/// use oxigram::client::ProxySetting;
///
/// let setting: ProxySetting = "http://user:pw@127.0.0.1:3128".parse().unwrap();
/// assert_eq!(setting.to_string(), "http://user:..@127.0.0.1:3128");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxySetting {
    /// A SOCKS5, SOCKS4(a) or HTTP CONNECT proxy: every connection to a DC is tunnelled
    /// through it.
    Proxy(Proxy),
}

impl From<Proxy> for ProxySetting {
    fn from(proxy: Proxy) -> Self {
        ProxySetting::Proxy(proxy)
    }
}

impl FromStr for ProxySetting {
    type Err = ProxyUrlError;

    /// Parses a proxy URL: `socks5://[user:password@]host:port`, `socks4://…`,
    /// `http://…` (see [`Proxy`]'s `FromStr`).
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        url.parse().map(ProxySetting::Proxy)
    }
}

/// Shown as its URL, without secrets.
impl fmt::Display for ProxySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxySetting::Proxy(p) => p.fmt(f),
        }
    }
}

/// What [`ClientBuilder::proxy`](super::ClientBuilder::proxy) takes: a
/// [`ProxySetting`], a [`Proxy`], or a URL to parse (a bad one fails the build).
pub trait IntoProxy {
    /// The setting, or why the URL does not parse.
    fn into_proxy(self) -> Result<ProxySetting, ProxyUrlError>;
}

impl IntoProxy for ProxySetting {
    fn into_proxy(self) -> Result<ProxySetting, ProxyUrlError> {
        Ok(self)
    }
}

impl IntoProxy for Proxy {
    fn into_proxy(self) -> Result<ProxySetting, ProxyUrlError> {
        Ok(ProxySetting::Proxy(self))
    }
}

impl IntoProxy for &str {
    fn into_proxy(self) -> Result<ProxySetting, ProxyUrlError> {
        self.parse()
    }
}

impl IntoProxy for String {
    fn into_proxy(self) -> Result<ProxySetting, ProxyUrlError> {
        self.parse()
    }
}

impl IntoProxy for &String {
    fn into_proxy(self) -> Result<ProxySetting, ProxyUrlError> {
        self.parse()
    }
}
