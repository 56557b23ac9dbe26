//! A small SOCKS5, SOCKS4(a) and HTTP CONNECT proxy on plain threads, for the proxy
//! scenarios of the suite: every runtime is checked against the same server without
//! Python (the client suites run the same flows against PyPI `pproxy` as well).
//!
//! It tunnels to loopback only, checks the login it was given, answers as RFC 1928, RFC
//! 1929, the SOCKS4 and 4a notes and RFC 9110 say, and counts the tunnels it opened so
//! that a scenario knows its traffic went through it. It can also cut the network
//! ([`Relay::cut`]), for tests of what a client does when the network goes away.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use base64::Engine;

/// The protocol a [`Relay`] speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// SOCKS5, with username/password when the relay has a login.
    Socks5,
    /// SOCKS4 and 4a (no login: SOCKS4 has only a user id, which is ignored).
    Socks4,
    /// HTTP CONNECT, with basic auth when the relay has a login.
    Http,
}

/// The longest HTTP request head read before the relay gives up on it.
const MAX_HEAD: usize = 8 * 1024;

/// A running proxy on 127.0.0.1; it stops accepting when dropped.
pub struct Relay {
    address: SocketAddr,
    tunnels: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    /// The network is cut: new connections are closed at once.
    cut: Arc<AtomicBool>,
    /// The client side of the tunnels opened since the last cut, to close on the next
    /// (bounded by the tunnels a test opens in between).
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    /// A proxy of `protocol` that wants `login` (username, password), if any.
    pub fn start(protocol: Protocol, login: Option<(&str, &str)>) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let address = listener.local_addr().expect("its address");
        let tunnels = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let login = login.map(|(user, password)| (user.to_owned(), password.to_owned()));
        let cut = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(Vec::new()));
        let (counted, stopped, is_cut, opened) =
            (tunnels.clone(), stop.clone(), cut.clone(), open.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::Acquire) {
                    break;
                }
                // Dropped (closed) unanswered while the network is cut.
                let Ok(stream) = stream else { continue };
                if is_cut.load(Ordering::Acquire) {
                    continue;
                }
                match stream.try_clone() {
                    Ok(handle) => lock(&opened).push(handle),
                    Err(e) => eprintln!("relay: a tunnel that a cut cannot close: {e}"),
                }
                let (login, counted) = (login.clone(), counted.clone());
                thread::spawn(move || {
                    // A client that breaks off, or is refused, ends its own thread only.
                    if let Err(e) = serve(protocol, login, stream, &counted) {
                        eprintln!("relay: a connection ended: {e}");
                    }
                });
            }
        });
        Relay {
            address,
            tunnels,
            stop,
            cut,
            open,
        }
    }

    /// Cuts the network: every open tunnel is closed and new connections are closed
    /// unanswered until [`Relay::restore`].
    pub fn cut(&self) {
        self.cut.store(true, Ordering::Release);
        for stream in lock(&self.open).drain(..) {
            // One that ended already has nothing to close.
            if let Err(e) = stream.shutdown(Shutdown::Both)
                && e.kind() != io::ErrorKind::NotConnected
            {
                eprintln!("relay: cutting a tunnel: {e}");
            }
        }
    }

    /// Ends a [`Relay::cut`].
    pub fn restore(&self) {
        self.cut.store(false, Ordering::Release);
    }

    /// Where the proxy listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// How many tunnels it opened so far.
    pub fn tunnels(&self) -> usize {
        self.tunnels.load(Ordering::Acquire)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // Wakes the accepting thread so that it sees the flag; if the connection fails
        // the thread is blocked in nothing that could hold it.
        if let Err(e) = TcpStream::connect(self.address) {
            eprintln!("relay: could not wake its listener: {e}");
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

fn byte(stream: &mut TcpStream) -> io::Result<u8> {
    let mut b = [0u8; 1];
    stream.read_exact(&mut b)?;
    Ok(b[0])
}

fn bytes(stream: &mut TcpStream, n: usize) -> io::Result<Vec<u8>> {
    let mut v = vec![0u8; n];
    stream.read_exact(&mut v)?;
    Ok(v)
}

/// Resolves a destination and allows it only on loopback.
fn loopback(host: &str, port: u16) -> io::Result<SocketAddr> {
    let address = (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| invalid("a name without addresses"))?;
    if !address.ip().is_loopback() {
        return Err(invalid("the relay tunnels to loopback only"));
    }
    Ok(address)
}

fn serve(
    protocol: Protocol,
    login: Option<(String, String)>,
    mut client: TcpStream,
    tunnels: &AtomicUsize,
) -> io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let upstream = match protocol {
        Protocol::Socks5 => socks5(&mut client, login.as_ref())?,
        Protocol::Socks4 => socks4(&mut client)?,
        Protocol::Http => http(&mut client, login.as_ref())?,
    };
    let Some(upstream) = upstream else {
        return Ok(());
    };
    client.set_read_timeout(None)?;
    tunnels.fetch_add(1, Ordering::AcqRel);
    pipe(client, upstream)
}

/// Copies each way until either side closes, then closes the other.
fn pipe(client: TcpStream, upstream: TcpStream) -> io::Result<()> {
    let (mut client_in, mut upstream_out) = (client.try_clone()?, upstream.try_clone()?);
    let up = thread::spawn(move || {
        let copied = io::copy(&mut client_in, &mut upstream_out);
        // Already closed by the other direction: nothing left to tell.
        if let Err(e) = upstream_out.shutdown(Shutdown::Both)
            && e.kind() != io::ErrorKind::NotConnected
        {
            eprintln!("relay: closing upstream: {e}");
        }
        copied
    });
    let (mut upstream_in, mut client_out) = (upstream, client);
    let down = io::copy(&mut upstream_in, &mut client_out);
    if let Err(e) = client_out.shutdown(Shutdown::Both)
        && e.kind() != io::ErrorKind::NotConnected
    {
        eprintln!("relay: closing the client: {e}");
    }
    let up = up
        .join()
        .map_err(|_| invalid("the copying thread panicked"))?;
    // A reset at the end of a tunnel is how connections often end; only report others.
    for result in [up, down] {
        if let Err(e) = result
            && !matches!(
                e.kind(),
                io::ErrorKind::ConnectionReset | io::ErrorKind::NotConnected
            )
        {
            return Err(e);
        }
    }
    Ok(())
}

/// RFC 1928 with RFC 1929's login; `None` when the client was refused (and told).
fn socks5(
    client: &mut TcpStream,
    login: Option<&(String, String)>,
) -> io::Result<Option<TcpStream>> {
    if byte(client)? != 5 {
        return Err(invalid("not SOCKS5"));
    }
    let count = byte(client)? as usize;
    let methods = bytes(client, count)?;
    let wanted = if login.is_some() { 2 } else { 0 };
    if !methods.contains(&wanted) {
        client.write_all(&[5, 0xff])?;
        return Ok(None);
    }
    client.write_all(&[5, wanted])?;
    if let Some((user, password)) = login {
        if byte(client)? != 1 {
            return Err(invalid("not an RFC 1929 login"));
        }
        let n = byte(client)? as usize;
        let given_user = bytes(client, n)?;
        let n = byte(client)? as usize;
        let given_password = bytes(client, n)?;
        if given_user != user.as_bytes() || given_password != password.as_bytes() {
            client.write_all(&[1, 1])?;
            return Ok(None);
        }
        client.write_all(&[1, 0])?;
    }
    let head = bytes(client, 4)?;
    if head[0] != 5 || head[1] != 1 {
        // Only CONNECT: "command not supported".
        client.write_all(&[5, 7, 0, 1, 0, 0, 0, 0, 0, 0])?;
        return Ok(None);
    }
    let host = match head[3] {
        1 => IpAddr::from(<[u8; 4]>::try_from(bytes(client, 4)?).expect("4 bytes")).to_string(),
        4 => IpAddr::from(<[u8; 16]>::try_from(bytes(client, 16)?).expect("16 bytes")).to_string(),
        3 => {
            let n = byte(client)? as usize;
            String::from_utf8(bytes(client, n)?).map_err(|_| invalid("a name not in UTF-8"))?
        }
        _ => {
            // "address type not supported".
            client.write_all(&[5, 8, 0, 1, 0, 0, 0, 0, 0, 0])?;
            return Ok(None);
        }
    };
    let port = u16::from_be_bytes(bytes(client, 2)?.try_into().expect("2 bytes"));
    match loopback(&host, port).and_then(TcpStream::connect) {
        Ok(upstream) => {
            client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
            Ok(Some(upstream))
        }
        Err(e) => {
            // "connection refused".
            client.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0])?;
            Err(e)
        }
    }
}

/// Reads a NUL-terminated field of at most 255 bytes.
fn nul_terminated(client: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut field = Vec::new();
    loop {
        match byte(client)? {
            0 => return Ok(field),
            _ if field.len() == 255 => return Err(invalid("a field too long")),
            b => field.push(b),
        }
    }
}

/// SOCKS4, and 4a when the address is 0.0.0.x and a name follows the user id.
fn socks4(client: &mut TcpStream) -> io::Result<Option<TcpStream>> {
    let head = bytes(client, 8)?;
    if head[0] != 4 {
        return Err(invalid("not SOCKS4"));
    }
    let port = u16::from_be_bytes([head[2], head[3]]);
    let ip = Ipv4Addr::new(head[4], head[5], head[6], head[7]);
    nul_terminated(client)?;
    let host = if head[4..7] == [0, 0, 0] && head[7] != 0 {
        String::from_utf8(nul_terminated(client)?).map_err(|_| invalid("a name not in UTF-8"))?
    } else {
        ip.to_string()
    };
    if head[1] != 1 {
        client.write_all(&[0, 0x5b, 0, 0, 0, 0, 0, 0])?;
        return Ok(None);
    }
    match loopback(&host, port).and_then(TcpStream::connect) {
        Ok(upstream) => {
            client.write_all(&[0, 0x5a, 0, 0, 0, 0, 0, 0])?;
            Ok(Some(upstream))
        }
        Err(e) => {
            client.write_all(&[0, 0x5b, 0, 0, 0, 0, 0, 0])?;
            Err(e)
        }
    }
}

/// HTTP CONNECT with basic auth; a missing or wrong login gets 407.
fn http(client: &mut TcpStream, login: Option<&(String, String)>) -> io::Result<Option<TcpStream>> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() == MAX_HEAD {
            client.write_all(b"HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n")?;
            return Ok(None);
        }
        head.push(byte(client)?);
    }
    let head = String::from_utf8(head).map_err(|_| invalid("a request head not in UTF-8"))?;
    let mut lines = head.split("\r\n");
    let request = lines.next().unwrap_or_default();
    let mut parts = request.split(' ');
    let (Some("CONNECT"), Some(authority)) = (parts.next(), parts.next()) else {
        client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")?;
        return Ok(None);
    };
    if let Some((user, password)) = login {
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        );
        let authorized = lines.any(|line| {
            line.split_once(':').is_some_and(|(name, value)| {
                name.eq_ignore_ascii_case("proxy-authorization") && value.trim() == expected
            })
        });
        if !authorized {
            client.write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n\
                  Proxy-Authenticate: Basic realm=\"relay\"\r\nContent-Length: 0\r\n\r\n",
            )?;
            return Ok(None);
        }
    }
    let (host, port) = authority
        .rsplit_once(':')
        .and_then(|(host, port)| Some((host.trim_matches(['[', ']']), port.parse().ok()?)))
        .ok_or_else(|| invalid("an authority without a port"))?;
    match loopback(host, port).and_then(TcpStream::connect) {
        Ok(upstream) => {
            client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
            Ok(Some(upstream))
        }
        Err(e) => {
            client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")?;
            Err(e)
        }
    }
}
