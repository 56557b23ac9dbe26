//! An HTTP proxy's `CONNECT` tunnel (RFC 9110, section 9.3.6), with basic authentication.

use std::net::SocketAddr;

use base64::Engine;

use super::{Credentials, ProxyError, Refusal, Step, Target, check_name};

/// The longest answer head read: a proxy that says more is not answering a `CONNECT`.
const MAX_HEAD: usize = 16 << 10;

fn malformed(why: &'static str) -> ProxyError {
    ProxyError::Malformed {
        protocol: "HTTP",
        why,
    }
}

#[derive(Debug)]
pub(super) struct Http {
    /// Credentials were sent (a 407 then means they were refused).
    authenticated: bool,
    /// Of the answer, the bytes already searched for the blank line ending the head.
    searched: usize,
}

impl Http {
    pub(super) fn new(
        credentials: Option<&Credentials>,
        target: &Target,
        out: &mut Vec<u8>,
    ) -> Result<Self, ProxyError> {
        let authority = match target {
            Target::Addr(SocketAddr::V4(a)) => a.to_string(),
            // Displayed as `[ip]:port`, as the authority form wants.
            Target::Addr(SocketAddr::V6(a)) => format!("[{}]:{}", a.ip(), a.port()),
            Target::Name(name, port) => {
                check_name(name)?;
                format!("{name}:{port}")
            }
        };
        let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
        if let Some(c) = credentials {
            let control = |s: &str| s.bytes().any(|b| b < b' ' || b == 0x7f);
            if c.username.contains(':') || control(&c.username) || control(&c.password) {
                return Err(ProxyError::Setting(
                    "HTTP proxy username without ':' and credentials without control characters",
                ));
            }
            let token = base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", c.username, c.password));
            request.push_str("Proxy-Authorization: Basic ");
            request.push_str(&token);
            request.push_str("\r\n");
        }
        request.push_str("\r\n");
        out.extend_from_slice(request.as_bytes());
        Ok(Http {
            authenticated: credentials.is_some(),
            searched: 0,
        })
    }

    pub(super) fn step(&mut self, input: &[u8]) -> Result<Step, ProxyError> {
        // Search from a little before where the last search stopped: the blank line may
        // straddle two reads.
        let from = self.searched.saturating_sub(3);
        let end = match input[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            Some(at) => from + at + 4,
            None if input.len() > MAX_HEAD => return Err(malformed("answer head too long")),
            None => {
                self.searched = input.len();
                return Ok(Step::More);
            }
        };
        if end > MAX_HEAD {
            return Err(malformed("answer head too long"));
        }
        let head = &input[..end];
        let line_end = head
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("the head ends with a blank line");
        let (status, reason) = status_line(&head[..line_end])?;
        match status {
            200..=299 => Ok(Step::Finished(end)),
            407 if self.authenticated => Err(ProxyError::AuthFailed),
            407 => Err(ProxyError::AuthRequired),
            _ => Err(ProxyError::Refused(Refusal::Http { status, reason })),
        }
    }
}

/// `HTTP/1.x SSS reason`: the status and the reason phrase.
fn status_line(line: &[u8]) -> Result<(u16, String), ProxyError> {
    let rest = line
        .strip_prefix(b"HTTP/1.")
        .ok_or(malformed("answer does not start with HTTP/1.x"))?;
    let (code, reason) = match rest {
        [b'0' | b'1', b' ', a, b, c, rest @ ..] => ([*a, *b, *c], rest),
        _ => return Err(malformed("malformed status line")),
    };
    if !code.iter().all(u8::is_ascii_digit) || !rest_ok(reason) {
        return Err(malformed("malformed status line"));
    }
    let status = code.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    let reason = reason.strip_prefix(b" ").unwrap_or(reason);
    let reason = String::from_utf8_lossy(&reason[..reason.len().min(128)]).into_owned();
    Ok((status, reason))
}

/// After the code comes nothing, or a space and the reason.
fn rest_ok(reason: &[u8]) -> bool {
    reason.is_empty() || reason[0] == b' '
}
