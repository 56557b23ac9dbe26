//! SOCKS4, and SOCKS4a for destinations given by name.

use std::net::SocketAddr;

use super::{Credentials, ProxyError, Refusal, Step, Target, check_name};

const CONNECT: u8 = 1;
const GRANTED: u8 = 90;
const REJECTED: u8 = 91;
/// The proxy could not reach the client's identd, or identd disagreed with the user id.
const IDENT_UNREACHABLE: u8 = 92;
const IDENT_MISMATCH: u8 = 93;

#[derive(Debug)]
pub(super) struct Socks4;

impl Socks4 {
    pub(super) fn new(
        credentials: Option<&Credentials>,
        target: &Target,
        out: &mut Vec<u8>,
    ) -> Result<Self, ProxyError> {
        let user = match credentials {
            Some(c) if !c.password.is_empty() => {
                return Err(ProxyError::Setting("SOCKS4 has no passwords"));
            }
            Some(c) => c.username.as_bytes(),
            None => &[],
        };
        // The user id ends at a NUL byte, so it cannot hold one; 255 bytes is plenty.
        if user.len() > 255 || user.contains(&0) {
            return Err(ProxyError::Setting(
                "SOCKS4 user id of at most 255 bytes, without NUL",
            ));
        }
        out.extend_from_slice(&[4, CONNECT]);
        match target {
            Target::Addr(SocketAddr::V4(a)) => {
                out.extend_from_slice(&a.port().to_be_bytes());
                out.extend_from_slice(&a.ip().octets());
                out.extend_from_slice(user);
                out.push(0);
            }
            Target::Addr(SocketAddr::V6(_)) => {
                return Err(ProxyError::Setting("SOCKS4 cannot reach an IPv6 address"));
            }
            // SOCKS4a: the address 0.0.0.x (x not 0) says a name follows the user id.
            Target::Name(name, port) => {
                check_name(name)?;
                out.extend_from_slice(&port.to_be_bytes());
                out.extend_from_slice(&[0, 0, 0, 1]);
                out.extend_from_slice(user);
                out.push(0);
                out.extend_from_slice(name.as_bytes());
                out.push(0);
            }
        }
        Ok(Socks4)
    }

    pub(super) fn step(&mut self, input: &[u8]) -> Result<Step, ProxyError> {
        // Version 0, the status, then a port and address that mean nothing for CONNECT.
        let Some(&[version, status, ..]) = input.get(..8) else {
            return Ok(Step::More);
        };
        if version != 0 {
            return Err(ProxyError::Malformed {
                protocol: "SOCKS4",
                why: "reply version is not 0",
            });
        }
        match status {
            GRANTED => Ok(Step::Finished(8)),
            REJECTED => Err(ProxyError::Refused(Refusal::General)),
            IDENT_UNREACHABLE | IDENT_MISMATCH => Err(ProxyError::AuthFailed),
            other => Err(ProxyError::Refused(Refusal::Code(other))),
        }
    }
}
