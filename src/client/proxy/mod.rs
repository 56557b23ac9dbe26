//! How the client reaches Telegram when it cannot connect directly: a proxy setting given
//! to [`ClientBuilder::proxy`](super::ClientBuilder::proxy) as a URL, a link or a value.

mod link;

use std::fmt;
use std::str::FromStr;

pub use oxigram_proto::proxy::{Credentials, MtProxy, Proxy, ProxyError, ProxyKind, ProxyUrlError};
pub use oxigram_proto::transport::{MtProxySecret, SecretError};

/// A way to reach Telegram's DCs other than directly.
///
/// ```
/// use oxigram::client::ProxySetting;
///
/// let setting: ProxySetting = "http://user:pw@127.0.0.1:3128".parse().unwrap();
/// assert_eq!(setting.to_string(), "http://user:..@127.0.0.1:3128");
/// let link = "tg://proxy?server=127.0.0.1&port=443&secret=dd00112233445566778899aabbccddeeff";
/// let setting: ProxySetting = link.parse().unwrap();
/// assert!(matches!(setting, ProxySetting::MtProxy(_)));
/// // Secrets stay out of what is shown.
/// assert_eq!(setting.to_string(), "tg://proxy?server=127.0.0.1&port=443 (padded secret)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxySetting {
    /// A SOCKS5, SOCKS4(a) or HTTP CONNECT proxy: every connection to a DC is tunnelled
    /// through it.
    Proxy(Proxy),
    /// An MTProxy: every connection goes to it, naming the DC it is for.
    MtProxy(MtProxy),
}

/// Why a proxy URL or link does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxySettingError {
    /// A proxy URL (`socks5://…`, `http://…`) that does not parse.
    #[error(transparent)]
    Url(#[from] ProxyUrlError),
    /// A proxy link (`tg://proxy?…`, `https://t.me/proxy?…`) that does not parse.
    #[error("proxy link: {0}")]
    Link(&'static str),
    /// An MTProxy link whose secret is not one.
    #[error("proxy link: {0}")]
    Secret(SecretError),
}

impl From<Proxy> for ProxySetting {
    fn from(proxy: Proxy) -> Self {
        ProxySetting::Proxy(proxy)
    }
}

impl From<MtProxy> for ProxySetting {
    fn from(proxy: MtProxy) -> Self {
        ProxySetting::MtProxy(proxy)
    }
}

impl FromStr for ProxySetting {
    type Err = ProxySettingError;

    /// Parses a proxy URL (`socks5://[user:password@]host:port`, `socks4://…`,
    /// `http://…`, see [`Proxy`]'s `FromStr`) or a proxy link as Telegram shares them
    /// (`tg://proxy?server=…&port=…&secret=…`, `https://t.me/proxy?…` for an MTProxy with a
    /// hex or base64 secret; `tg://socks?server=…&port=…&user=…&pass=…`, `t.me/socks?…`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if link::is_link(text) {
            return link::parse(text);
        }
        Ok(ProxySetting::Proxy(text.trim().parse()?))
    }
}

/// Shown as its URL or link, without secrets.
impl fmt::Display for ProxySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxySetting::Proxy(p) => p.fmt(f),
            ProxySetting::MtProxy(p) => {
                let kind = match &p.secret {
                    MtProxySecret::Plain(_) => "plain secret".to_owned(),
                    MtProxySecret::Padded(_) => "padded secret".to_owned(),
                    MtProxySecret::FakeTls { domain, .. } => format!("fake TLS as {domain}"),
                };
                write!(f, "tg://proxy?server={}&port={} ({kind})", p.host, p.port)
            }
        }
    }
}

/// What [`ClientBuilder::proxy`](super::ClientBuilder::proxy) takes: a
/// [`ProxySetting`], a [`Proxy`], an [`MtProxy`], or a URL or link to parse (a bad one
/// fails the build).
pub trait IntoProxy {
    /// The setting, or why the text does not parse.
    fn into_proxy(self) -> Result<ProxySetting, ProxySettingError>;
}

impl IntoProxy for ProxySetting {
    fn into_proxy(self) -> Result<ProxySetting, ProxySettingError> {
        Ok(self)
    }
}

impl IntoProxy for Proxy {
    fn into_proxy(self) -> Result<ProxySetting, ProxySettingError> {
        Ok(ProxySetting::Proxy(self))
    }
}

impl IntoProxy for MtProxy {
    fn into_proxy(self) -> Result<ProxySetting, ProxySettingError> {
        Ok(ProxySetting::MtProxy(self))
    }
}

impl IntoProxy for &str {
    fn into_proxy(self) -> Result<ProxySetting, ProxySettingError> {
        self.parse()
    }
}

impl IntoProxy for String {
    fn into_proxy(self) -> Result<ProxySetting, ProxySettingError> {
        self.parse()
    }
}

impl IntoProxy for &String {
    fn into_proxy(self) -> Result<ProxySetting, ProxySettingError> {
        self.parse()
    }
}
