//! Reaching a DC through a SOCKS5, SOCKS4(a) or HTTP CONNECT proxy, as sans-IO handshakes.
//!
//! A [`Handshake`] is made for one proxy and one destination. The caller opens a socket to
//! the proxy, sends what [`Handshake::take_output`] gives, feeds what the proxy answers to
//! [`Handshake::receive`], and repeats until the handshake is done; from then on the socket
//! is a plain pipe to the destination and the MTProto transport starts on it. Every
//! runtime drives the same handshake, so the protocols exist once.
//!
//! The client speaks first in MTProto, so a proxy has nothing to say after its answer: bytes
//! that follow it are refused ([`ProxyError::TrailingData`]) rather than lost.

mod http;
mod socks4;
mod socks5;
mod url;

use std::fmt;
use std::net::{IpAddr, SocketAddr};

pub use url::ProxyUrlError;

use crate::transport::MtProxySecret;

/// The protocol a proxy speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyKind {
    /// SOCKS5 (RFC 1928), without authentication or with a username and password
    /// (RFC 1929). Destinations given by name are resolved by the proxy.
    Socks5,
    /// SOCKS4, and SOCKS4a for destinations given by name (resolved by the proxy). It has
    /// no passwords: a username is sent as the user id.
    Socks4,
    /// An HTTP proxy's `CONNECT` tunnel, with basic authentication when credentials are
    /// given. Destinations given by name are resolved by the proxy.
    Http,
}

impl ProxyKind {
    /// The URL scheme for the kind (`socks5`, `socks4`, `http`).
    pub fn scheme(self) -> &'static str {
        match self {
            ProxyKind::Socks5 => "socks5",
            ProxyKind::Socks4 => "socks4",
            ProxyKind::Http => "http",
        }
    }

    /// The port a URL without one means.
    pub fn default_port(self) -> u16 {
        match self {
            ProxyKind::Socks5 | ProxyKind::Socks4 => 1080,
            ProxyKind::Http => 80,
        }
    }
}

/// A username and password for a proxy. `Debug` does not show the password.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Credentials {
    /// The username (the user id for SOCKS4).
    pub username: String,
    /// The password (empty for SOCKS4, which has none).
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"..")
            .finish()
    }
}

/// A proxy to connect through: its protocol, where it listens and how to log in.
///
/// ```
/// use oxigram_proto::proxy::{Proxy, ProxyKind};
///
/// let proxy: Proxy = "socks5://alice:secret@127.0.0.1:1080".parse().unwrap();
/// assert_eq!(proxy.kind, ProxyKind::Socks5);
/// assert_eq!(proxy.credentials.as_ref().unwrap().username, "alice");
/// // The password stays out of what is shown.
/// assert_eq!(proxy.to_string(), "socks5://alice:..@127.0.0.1:1080");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Proxy {
    /// The protocol.
    pub kind: ProxyKind,
    /// The proxy's host: an IP address or a name to resolve.
    pub host: String,
    /// The proxy's port.
    pub port: u16,
    /// The login, if the proxy wants one.
    pub credentials: Option<Credentials>,
}

impl Proxy {
    /// A proxy of `kind` at `host:port`, without credentials.
    pub fn new(kind: ProxyKind, host: impl Into<String>, port: u16) -> Self {
        Proxy {
            kind,
            host: host.into(),
            port,
            credentials: None,
        }
    }

    /// The same proxy, logging in as `username` with `password`.
    pub fn with_credentials(
        mut self,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Credentials {
            username: username.into(),
            password: password.into(),
        });
        self
    }

    /// The proxy's address, when its host is an IP address (otherwise it must be resolved).
    pub fn socket_addr(&self) -> Option<SocketAddr> {
        self.host
            .parse::<IpAddr>()
            .ok()
            .map(|ip| SocketAddr::new(ip, self.port))
    }
}

/// Shown as a URL, the password replaced by `..`.
impl fmt::Display for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.kind.scheme())?;
        if let Some(c) = &self.credentials {
            write!(f, "{}:..@", url::escape(&c.username))?;
        }
        match self.host.parse::<IpAddr>() {
            Ok(IpAddr::V6(ip)) => write!(f, "[{ip}]:{}", self.port),
            _ => write!(f, "{}:{}", self.host, self.port),
        }
    }
}

/// An MTProxy: Telegram's own proxy, reached with obfuscated2 keyed by its secret (and,
/// for an `ee` secret, dressed as TLS). It forwards each connection to the DC that the
/// connection's obfuscated header names; there is no handshake of its own.
///
/// ```
/// use oxigram_proto::proxy::MtProxy;
/// use oxigram_proto::transport::MtProxySecret;
///
/// let secret = MtProxySecret::parse("dd00112233445566778899aabbccddeeff").unwrap();
/// let proxy = MtProxy::new("127.0.0.1", 443, secret);
/// assert_eq!(proxy.socket_addr(), Some("127.0.0.1:443".parse().unwrap()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MtProxy {
    /// Its host: an IP address or a name to resolve.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// Its secret (whose `Debug` hides the key).
    pub secret: MtProxySecret,
}

impl MtProxy {
    /// The MTProxy at `host:port` with `secret`.
    pub fn new(host: impl Into<String>, port: u16, secret: MtProxySecret) -> Self {
        MtProxy {
            host: host.into(),
            port,
            secret,
        }
    }

    /// Its address, when its host is an IP address (otherwise it must be resolved).
    pub fn socket_addr(&self) -> Option<SocketAddr> {
        self.host
            .parse::<IpAddr>()
            .ok()
            .map(|ip| SocketAddr::new(ip, self.port))
    }
}

/// Where the proxy is asked to connect.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// An address.
    Addr(SocketAddr),
    /// A host name and port, resolved by the proxy.
    Name(String, u16),
}

impl From<SocketAddr> for Target {
    fn from(address: SocketAddr) -> Self {
        Target::Addr(address)
    }
}

/// Why a proxy did not open the tunnel: what it answered, or why its answer is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyError {
    /// The settings cannot be expressed in the proxy's protocol (a name or username over
    /// 255 bytes, an IPv6 destination for SOCKS4, a password for SOCKS4, a control
    /// character in a name).
    #[error("proxy setting unusable: {0}")]
    Setting(&'static str),
    /// The proxy closed the connection before it answered.
    #[error("the proxy closed the connection during its handshake")]
    Closed,
    /// The answer does not follow the proxy's protocol.
    #[error("the proxy's answer is not valid {protocol}: {why}")]
    Malformed {
        /// The protocol expected.
        protocol: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The proxy wants credentials and none were given.
    #[error("the proxy requires credentials")]
    AuthRequired,
    /// The proxy accepts none of the ways to log in that were offered.
    #[error("the proxy accepts none of the authentication methods offered")]
    NoAcceptableAuth,
    /// The proxy refused the credentials.
    #[error("the proxy refused the credentials")]
    AuthFailed,
    /// The proxy could not or would not connect to the destination.
    #[error("the proxy did not connect: {0}")]
    Refused(Refusal),
    /// The proxy sent bytes after its answer, before the client spoke.
    #[error("the proxy sent {0} bytes after its answer")]
    TrailingData(usize),
}

/// What a proxy said when it did not connect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// A failure the proxy does not detail (SOCKS5 reply 1, SOCKS4 reply 91).
    #[error("general failure")]
    General,
    /// Its rules forbid the connection (SOCKS5 reply 2).
    #[error("not allowed by the proxy's rules")]
    NotAllowed,
    /// SOCKS5 reply 3.
    #[error("network unreachable")]
    NetworkUnreachable,
    /// SOCKS5 reply 4.
    #[error("host unreachable")]
    HostUnreachable,
    /// The destination refused the connection (SOCKS5 reply 5).
    #[error("connection refused by the destination")]
    ConnectionRefused,
    /// SOCKS5 reply 6.
    #[error("TTL expired")]
    TtlExpired,
    /// The proxy does not support `CONNECT` or the address type (SOCKS5 replies 7, 8).
    #[error("not supported by the proxy")]
    Unsupported,
    /// A SOCKS reply code with no meaning assigned.
    #[error("reply code {0}")]
    Code(u8),
    /// An HTTP proxy's status other than 2xx and 407.
    #[error("HTTP {status} {reason}")]
    Http {
        /// The status code.
        status: u16,
        /// The reason phrase (at most 128 bytes of it, lossily decoded).
        reason: String,
    },
}

/// Whether a handshake is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// More of the proxy's answer is needed (send [`Handshake::take_output`] first).
    Pending,
    /// The tunnel is open.
    Done,
}

/// A proxy handshake in progress, for one connection.
///
/// ```
/// use oxigram_proto::proxy::{Handshake, Progress, Proxy, ProxyKind, Target};
///
/// let proxy = Proxy::new(ProxyKind::Socks5, "127.0.0.1", 1080);
/// let dc = Target::Addr("149.154.167.51:443".parse().unwrap());
/// let mut handshake = Handshake::new(&proxy, &dc).unwrap();
/// let mut out = Vec::new();
/// handshake.take_output(&mut out);
/// assert_eq!(out, [5, 1, 0]); // SOCKS5, one method: none
/// assert_eq!(handshake.receive(&[5, 0]).unwrap(), Progress::Pending);
/// out.clear();
/// handshake.take_output(&mut out);
/// assert_eq!(out, [5, 1, 0, 1, 149, 154, 167, 51, 1, 187]); // CONNECT 149.154.167.51:443
/// let reply = [5, 0, 0, 1, 10, 0, 0, 1, 0x9c, 0x40];
/// assert_eq!(handshake.receive(&reply).unwrap(), Progress::Done);
/// ```
#[derive(Debug)]
pub struct Handshake {
    state: State,
    /// Bytes to send, appended by the state machine and taken by the caller.
    output: Vec<u8>,
    /// The answer so far (bounded by each protocol's longest answer).
    input: Vec<u8>,
    done: bool,
}

#[derive(Debug)]
enum State {
    Socks5(socks5::Socks5),
    Socks4(socks4::Socks4),
    Http(http::Http),
}

impl Handshake {
    /// Starts a handshake with `proxy` for a tunnel to `target`; fails when the settings
    /// cannot be said in the proxy's protocol.
    pub fn new(proxy: &Proxy, target: &Target) -> Result<Self, ProxyError> {
        let mut output = Vec::new();
        let credentials = proxy.credentials.as_ref();
        let state = match proxy.kind {
            ProxyKind::Socks5 => {
                State::Socks5(socks5::Socks5::new(credentials, target, &mut output)?)
            }
            ProxyKind::Socks4 => {
                State::Socks4(socks4::Socks4::new(credentials, target, &mut output)?)
            }
            ProxyKind::Http => State::Http(http::Http::new(credentials, target, &mut output)?),
        };
        Ok(Handshake {
            state,
            output,
            input: Vec::new(),
            done: false,
        })
    }

    /// Appends what is to be sent to the proxy now to `out`.
    pub fn take_output(&mut self, out: &mut Vec<u8>) {
        out.append(&mut self.output);
    }

    /// Whether the tunnel is open.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// What it means that the proxy closed the connection now: [`ProxyError::Closed`],
    /// except after a SOCKS5 login, which some proxies refuse by closing rather than with
    /// a failure status ([`ProxyError::AuthFailed`]).
    pub fn closed(&self) -> ProxyError {
        match &self.state {
            State::Socks5(s) if s.awaiting_login() => ProxyError::AuthFailed,
            _ => ProxyError::Closed,
        }
    }

    /// Takes bytes the proxy sent. After an error the handshake is over and the socket
    /// must be closed.
    pub fn receive(&mut self, bytes: &[u8]) -> Result<Progress, ProxyError> {
        if self.done {
            return Err(ProxyError::TrailingData(bytes.len()));
        }
        self.input.extend_from_slice(bytes);
        loop {
            let step = match &mut self.state {
                State::Socks5(s) => s.step(&self.input, &mut self.output)?,
                State::Socks4(s) => s.step(&self.input)?,
                State::Http(s) => s.step(&self.input)?,
            };
            match step {
                Step::More => return Ok(Progress::Pending),
                Step::Consumed(n) => {
                    self.input.drain(..n);
                }
                Step::Finished(n) => {
                    self.input.drain(..n);
                    if !self.input.is_empty() {
                        return Err(ProxyError::TrailingData(self.input.len()));
                    }
                    self.done = true;
                    self.input = Vec::new();
                    return Ok(Progress::Done);
                }
            }
        }
    }
}

/// What a protocol made of the answer so far.
#[derive(Debug)]
enum Step {
    /// Wait for more bytes.
    More,
    /// This many bytes were one message, and the next one is due.
    Consumed(usize),
    /// This many bytes were the last message: the tunnel is open.
    Finished(usize),
}

/// A name a proxy may be asked to resolve: 1 to 255 bytes, none of them a control
/// character, a space or a byte HTTP would read as a separator.
fn check_name(name: &str) -> Result<(), ProxyError> {
    if name.is_empty() || name.len() > 255 {
        return Err(ProxyError::Setting("host name of 1 to 255 bytes"));
    }
    let bad = |b: u8| b <= b' ' || b == 0x7f || matches!(b, b'/' | b'@' | b'[' | b']' | b':');
    if name.bytes().any(bad) {
        return Err(ProxyError::Setting("host name with a forbidden character"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
