//! SOCKS5 (RFC 1928) with username and password authentication (RFC 1929).

use std::net::SocketAddr;

use super::{Credentials, ProxyError, Refusal, Step, Target, check_name};

const VERSION: u8 = 5;
const NO_AUTH: u8 = 0x00;
const USER_PASS: u8 = 0x02;
const NONE_ACCEPTABLE: u8 = 0xff;
const CONNECT: u8 = 1;
const IPV4: u8 = 1;
const NAME: u8 = 3;
const IPV6: u8 = 4;

fn malformed(why: &'static str) -> ProxyError {
    ProxyError::Malformed {
        protocol: "SOCKS5",
        why,
    }
}

#[derive(Debug)]
pub(super) struct Socks5 {
    phase: Phase,
    /// The login, already encoded (`1 ‖ len ‖ user ‖ len ‖ password`).
    login: Option<Vec<u8>>,
    /// The `CONNECT` request, sent once authentication is settled.
    request: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for the method the proxy chose.
    Method,
    /// Waiting for the verdict on the username and password.
    Login,
    /// Waiting for the answer to `CONNECT`.
    Reply,
}

impl Socks5 {
    pub(super) fn new(
        credentials: Option<&Credentials>,
        target: &Target,
        out: &mut Vec<u8>,
    ) -> Result<Self, ProxyError> {
        let login = credentials.map(encode_login).transpose()?;
        let mut request = vec![VERSION, CONNECT, 0];
        match target {
            Target::Addr(SocketAddr::V4(a)) => {
                request.push(IPV4);
                request.extend_from_slice(&a.ip().octets());
                request.extend_from_slice(&a.port().to_be_bytes());
            }
            Target::Addr(SocketAddr::V6(a)) => {
                request.push(IPV6);
                request.extend_from_slice(&a.ip().octets());
                request.extend_from_slice(&a.port().to_be_bytes());
            }
            Target::Name(name, port) => {
                check_name(name)?;
                request.push(NAME);
                request.push(name.len() as u8);
                request.extend_from_slice(name.as_bytes());
                request.extend_from_slice(&port.to_be_bytes());
            }
        }
        // With credentials, both ways are offered: a proxy that needs none may say so.
        match login {
            Some(_) => out.extend_from_slice(&[VERSION, 2, NO_AUTH, USER_PASS]),
            None => out.extend_from_slice(&[VERSION, 1, NO_AUTH]),
        }
        Ok(Socks5 {
            phase: Phase::Method,
            login,
            request,
        })
    }

    /// The login was sent and its verdict is due.
    pub(super) fn awaiting_login(&self) -> bool {
        self.phase == Phase::Login
    }

    pub(super) fn step(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<Step, ProxyError> {
        match self.phase {
            Phase::Method => {
                let [version, method, ..] = *input else {
                    return Ok(Step::More);
                };
                if version != VERSION {
                    return Err(malformed("version is not 5"));
                }
                match method {
                    NO_AUTH => {
                        out.extend_from_slice(&self.request);
                        self.phase = Phase::Reply;
                    }
                    USER_PASS => {
                        let login = self
                            .login
                            .take()
                            .ok_or(malformed("chose a method not offered"))?;
                        out.extend_from_slice(&login);
                        self.phase = Phase::Login;
                    }
                    // Without credentials only "none" was offered: the proxy wants a login.
                    NONE_ACCEPTABLE if self.login.is_none() => {
                        return Err(ProxyError::AuthRequired);
                    }
                    NONE_ACCEPTABLE => return Err(ProxyError::NoAcceptableAuth),
                    _ => return Err(malformed("chose a method not offered")),
                }
                Ok(Step::Consumed(2))
            }
            Phase::Login => {
                let [version, status, ..] = *input else {
                    return Ok(Step::More);
                };
                // RFC 1929 says version 1; some proxies answer with the SOCKS version.
                if version != 1 && version != VERSION {
                    return Err(malformed("login answer version is not 1"));
                }
                if status != 0 {
                    return Err(ProxyError::AuthFailed);
                }
                out.extend_from_slice(&self.request);
                self.phase = Phase::Reply;
                Ok(Step::Consumed(2))
            }
            Phase::Reply => {
                let [version, reply, _reserved, kind, ..] = *input else {
                    return Ok(Step::More);
                };
                if version != VERSION {
                    return Err(malformed("version is not 5"));
                }
                if reply != 0 {
                    return Err(ProxyError::Refused(refusal(reply)));
                }
                // The bound address follows; it is of no use here but must be read whole.
                let len = match kind {
                    IPV4 => 4 + 4 + 2,
                    IPV6 => 4 + 16 + 2,
                    NAME => match input.get(4) {
                        Some(&n) => 4 + 1 + usize::from(n) + 2,
                        None => return Ok(Step::More),
                    },
                    _ => return Err(malformed("unknown address type")),
                };
                if input.len() < len {
                    return Ok(Step::More);
                }
                Ok(Step::Finished(len))
            }
        }
    }
}

fn encode_login(c: &Credentials) -> Result<Vec<u8>, ProxyError> {
    let (user, pass) = (c.username.as_bytes(), c.password.as_bytes());
    if user.is_empty() || user.len() > 255 || pass.len() > 255 {
        return Err(ProxyError::Setting(
            "SOCKS5 username of 1 to 255 bytes and password of at most 255",
        ));
    }
    let mut login = Vec::with_capacity(3 + user.len() + pass.len());
    login.push(1);
    login.push(user.len() as u8);
    login.extend_from_slice(user);
    login.push(pass.len() as u8);
    login.extend_from_slice(pass);
    Ok(login)
}

fn refusal(code: u8) -> Refusal {
    match code {
        1 => Refusal::General,
        2 => Refusal::NotAllowed,
        3 => Refusal::NetworkUnreachable,
        4 => Refusal::HostUnreachable,
        5 => Refusal::ConnectionRefused,
        6 => Refusal::TtlExpired,
        7 | 8 => Refusal::Unsupported,
        other => Refusal::Code(other),
    }
}
