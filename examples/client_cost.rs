//! What a client costs its user: client CPU per request and resident memory per idle
//! connected client, on every runtime, beside Telethon doing the same in the same run.
//! Run by `runtimes/cost.sh`, which builds this and the test DC in release and sets up
//! Telethon:
//!
//! ```text
//! client_cost run TESTDC [PYTHON]               the whole comparison, then the table
//! client_cost measure ADDRESS PEM RUNTIME MODE [COUNT]
//!                                               one measurement in this process
//! client_cost echo | client_cost floor PORT     the kernel's floor (below)
//! ```
//!
//! COUNT (requests, or idle clients) overrides the default, e.g. to profile one mode
//! long enough that sign-in and the key exchange do not show.
//!
//! The test DC runs as a process of its own and every measurement runs in a fresh
//! process, so `getrusage(RUSAGE_SELF)` (user + system) counts the client alone. CPU is
//! read after sign-in and warm-up, around the measured requests only. Memory is VmRSS
//! after connecting IDLE_CLIENTS more clients (each with one request answered) minus
//! VmRSS before them, in the same process after the same setup.
//!
//! The `raw socket floor` row is what one request at a time costs any client in the
//! kernel alone: a blocking send and receive per round trip to an echo process, with no
//! protocol and no runtime. A client's one-at-a-time figure cannot go below it.

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    match cost::main(std::env::args().skip(1).collect()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("client_cost: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn main() -> std::process::ExitCode {
    // The figures come from getrusage and /proc/self/status.
    eprintln!("client_cost measures through Linux interfaces and runs on Linux only");
    std::process::ExitCode::FAILURE
}

#[cfg(target_os = "linux")]
mod cost {
    use std::io::{BufRead, BufReader};
    use std::net::SocketAddr;
    use std::process::{Child, ChildStdout, Command, Stdio};
    use std::time::Instant;

    use futures_util::future::join_all;
    use nix::sys::resource::{UsageWho, getrusage};
    use oxigram::blocking::BlockingConnection;
    use oxigram::proto::handshake::AuthKeyOutcome;
    use oxigram::tl::functions;
    use oxigram::{ClientConfig, ClientEvent, Connection, Runtime};

    type Fallible<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

    const BOT_TOKEN: &str = "7000011:client-cost";
    const API_ID: i32 = 4;
    /// The DC bots live on in the test DC.
    const DC: i16 = 2;
    /// Pipelined: rounds of WINDOW concurrent `updates.getState` (the blocking client:
    /// `invoke_all` of WINDOW requests).
    const PIPELINED: usize = 20_000;
    const WINDOW: usize = 500;
    /// The blocking client also pipelines from this many threads, each waiting on its
    /// answer, as code written for threads would: a thread per request in flight would
    /// measure thread switches, not the client.
    const BLOCKING_THREADS: usize = 50;
    const SEQUENTIAL: usize = 5_000;
    const IDLE_CLIENTS: usize = 1_000;
    /// Each CPU figure is the median of this many processes.
    const REPEATS: usize = 5;
    /// Room for the idle clients, their Telethon twins and the first clients.
    const MAX_CONNECTIONS: usize = 4_096;

    pub fn main(args: Vec<String>) -> Fallible<()> {
        match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["run", testdc] => run(testdc, None),
            ["run", testdc, python] => run(testdc, Some(python)),
            ["measure", address, pem, runtime, mode, ref count @ ..] if count.len() <= 1 => {
                let runtime: Rt = runtime.parse()?;
                let mode: Mode = mode.parse()?;
                let count = match count {
                    [n] => n.parse()?,
                    _ => mode.count(),
                };
                let text = std::fs::read_to_string(pem).map_err(|e| format!("{pem}: {e}"))?;
                let mut config = ClientConfig::new(address.parse()?, DC, API_ID);
                config.test_dc = true;
                config.keys = vec![oxigram_testdc::pem::public_key_from_pem(&text)?];
                println!("{}", measure(runtime, mode, count, config)?);
                Ok(())
            }
            ["echo"] => echo(),
            ["floor", port] => {
                println!("{}", floor(port.parse()?, SEQUENTIAL)?);
                Ok(())
            }
            _ => Err("usage: client_cost run TESTDC [PYTHON] | \
                      client_cost measure ADDRESS PEM RUNTIME MODE [COUNT] | \
                      client_cost echo | client_cost floor PORT"
                .into()),
        }
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Rt {
        Tokio,
        TokioTask,
        TokioCurrentThread,
        Smol,
        AsyncStd,
        Blocking,
        BlockingThreads,
    }

    /// Each runtime's argument and row name. `tokio` makes its requests from `block_on`,
    /// as `#[tokio::main]` code does: the driver task runs on a worker thread, so each
    /// request crosses threads. `tokio-task` makes them from a spawned task, as a bot's
    /// handlers do, and `tokio-1` on a current-thread runtime. `blocking` pipelines with
    /// `invoke_all` from one thread, `blocking-threads` with `invoke` from
    /// BLOCKING_THREADS threads (pipelined only: one at a time and idle it is `blocking`).
    const RUNTIMES: [(Rt, &str, &str); 7] = [
        (Rt::Tokio, "tokio", "oxigram tokio"),
        (Rt::TokioTask, "tokio-task", "oxigram tokio in a task"),
        (Rt::TokioCurrentThread, "tokio-1", "oxigram tokio 1 thread"),
        (Rt::Smol, "smol", "oxigram smol"),
        (Rt::AsyncStd, "async-std", "oxigram async-std"),
        (Rt::Blocking, "blocking", "oxigram blocking"),
        (
            Rt::BlockingThreads,
            "blocking-threads",
            "oxigram blocking threads",
        ),
    ];

    impl std::str::FromStr for Rt {
        type Err = String;
        fn from_str(s: &str) -> Result<Rt, String> {
            RUNTIMES
                .iter()
                .find(|r| r.1 == s)
                .map(|r| r.0)
                .ok_or_else(|| format!("unknown runtime {s}"))
        }
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Mode {
        Pipelined,
        Sequential,
        Idle,
    }

    impl Mode {
        fn name(self) -> &'static str {
            match self {
                Mode::Pipelined => "pipelined",
                Mode::Sequential => "sequential",
                Mode::Idle => "idle",
            }
        }

        /// Requests (or idle clients) measured unless told otherwise.
        fn count(self) -> usize {
            match self {
                Mode::Pipelined => PIPELINED,
                Mode::Sequential => SEQUENTIAL,
                Mode::Idle => IDLE_CLIENTS,
            }
        }
    }

    impl std::str::FromStr for Mode {
        type Err = String;
        fn from_str(s: &str) -> Result<Mode, String> {
            [Mode::Pipelined, Mode::Sequential, Mode::Idle]
                .into_iter()
                .find(|m| m.name() == s)
                .ok_or_else(|| format!("unknown mode {s}"))
        }
    }

    /// One measurement, printed by the measuring process as one line (the Telethon
    /// script prints the same).
    #[derive(Debug, Clone, Copy)]
    enum Sample {
        /// `cpu REQUESTS USER_S SYSTEM_S WALL_S SWITCHES`
        Cpu {
            requests: usize,
            user: f64,
            system: f64,
            wall: f64,
            /// Context switches (voluntary and not): what hand-offs between threads
            /// cost shows here.
            switches: u64,
        },
        /// `rss CLIENTS BEFORE_KIB AFTER_KIB`
        Rss {
            clients: usize,
            before: u64,
            after: u64,
        },
    }

    impl std::fmt::Display for Sample {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Sample::Cpu {
                    requests,
                    user,
                    system,
                    wall,
                    switches,
                } => write!(
                    f,
                    "cpu {requests} {user:.6} {system:.6} {wall:.6} {switches}"
                ),
                Sample::Rss {
                    clients,
                    before,
                    after,
                } => write!(f, "rss {clients} {before} {after}"),
            }
        }
    }

    impl Sample {
        fn parse(line: &str) -> Option<Sample> {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words[..] {
                ["cpu", requests, user, system, wall, switches] => Some(Sample::Cpu {
                    requests: requests.parse().ok()?,
                    user: user.parse().ok()?,
                    system: system.parse().ok()?,
                    wall: wall.parse().ok()?,
                    switches: switches.parse().ok()?,
                }),
                ["rss", clients, before, after] => Some(Sample::Rss {
                    clients: clients.parse().ok()?,
                    before: before.parse().ok()?,
                    after: after.parse().ok()?,
                }),
                _ => None,
            }
        }

        /// Context switches per request (0 for memory samples).
        fn switches_per_request(&self) -> f64 {
            match *self {
                Sample::Cpu {
                    requests, switches, ..
                } => switches as f64 / requests as f64,
                Sample::Rss { .. } => 0.0,
            }
        }

        /// Microseconds of client CPU per request, or KiB per idle client.
        fn per_unit(&self) -> f64 {
            match *self {
                Sample::Cpu {
                    requests,
                    user,
                    system,
                    ..
                } => (user + system) * 1e6 / requests as f64,
                Sample::Rss {
                    clients,
                    before,
                    after,
                } => after.saturating_sub(before) as f64 / clients as f64,
            }
        }
    }

    // ---- the measuring process ----------------------------------------------------

    /// User and system CPU seconds and context switches of this whole process (every
    /// thread).
    fn cpu_seconds() -> Fallible<(f64, f64, u64)> {
        let usage = getrusage(UsageWho::RUSAGE_SELF)?;
        let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
        let switches = usage.voluntary_context_switches() + usage.involuntary_context_switches();
        Ok((
            seconds(usage.user_time()),
            seconds(usage.system_time()),
            u64::try_from(switches)?,
        ))
    }

    /// Resident memory of this process in KiB.
    fn rss_kib() -> Fallible<u64> {
        let status = std::fs::read_to_string("/proc/self/status")?;
        let line = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .ok_or("no VmRSS in /proc/self/status")?;
        Ok(line
            .split_whitespace()
            .nth(1)
            .ok_or("VmRSS without a value")?
            .parse()?)
    }

    /// CPU, wall-clock time and context switches from `start` to `stop`.
    struct Meter {
        cpu: (f64, f64, u64),
        wall: Instant,
    }

    impl Meter {
        fn start() -> Fallible<Meter> {
            Ok(Meter {
                cpu: cpu_seconds()?,
                wall: Instant::now(),
            })
        }

        fn stop(self, requests: usize) -> Fallible<Sample> {
            let wall = self.wall.elapsed().as_secs_f64();
            let (user, system, switches) = cpu_seconds()?;
            Ok(Sample::Cpu {
                requests,
                user: user - self.cpu.0,
                system: system - self.cpu.1,
                wall,
                switches: switches - self.cpu.2,
            })
        }
    }

    // ---- the kernel's floor --------------------------------------------------------

    /// Bytes each way per round trip of the floor: about an encrypted `updates.getState`
    /// and its answer on the abridged transport.
    const FLOOR_MESSAGE: usize = 96;

    /// The floor's server: echoes one connection on loopback until it closes; prints its
    /// port first.
    fn echo() -> Fallible<()> {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        println!("{}", listener.local_addr()?.port());
        let (mut peer, _) = listener.accept()?;
        peer.set_nodelay(true)?;
        let mut buffer = [0; 4096];
        loop {
            let n = peer.read(&mut buffer)?;
            if n == 0 {
                return Ok(());
            }
            peer.write_all(&buffer[..n])?;
        }
    }

    /// What one request at a time costs any client in the kernel: a blocking send and a
    /// blocking receive of [`FLOOR_MESSAGE`] bytes per round trip to [`echo`], no
    /// protocol, no runtime, one thread.
    fn floor(port: u16, n: usize) -> Fallible<Sample> {
        use std::io::{Read, Write};
        let mut socket = std::net::TcpStream::connect(("127.0.0.1", port))?;
        socket.set_nodelay(true)?;
        let message = [0x5a; FLOOR_MESSAGE];
        let mut answer = [0; FLOOR_MESSAGE];
        let mut round_trip = |socket: &mut std::net::TcpStream| -> Fallible<()> {
            socket.write_all(&message)?;
            socket.read_exact(&mut answer)?;
            Ok(())
        };
        for _ in 0..n / 10 {
            round_trip(&mut socket)?;
        }
        let meter = Meter::start()?;
        for _ in 0..n {
            round_trip(&mut socket)?;
        }
        meter.stop(n)
    }

    fn sign_in() -> functions::auth::ImportBotAuthorization {
        functions::auth::ImportBotAuthorization {
            flags: 0,
            api_id: API_ID,
            api_hash: "hash".into(),
            bot_auth_token: BOT_TOKEN.into(),
        }
    }

    fn measure(runtime: Rt, mode: Mode, n: usize, config: ClientConfig) -> Fallible<Sample> {
        match runtime {
            Rt::Tokio => tokio::runtime::Runtime::new()?.block_on(measure_async(
                oxigram::tokio::Tokio,
                mode,
                n,
                config,
            )),
            Rt::TokioTask => tokio::runtime::Runtime::new()?.block_on(async move {
                tokio::spawn(measure_async(oxigram::tokio::Tokio, mode, n, config)).await?
            }),
            Rt::TokioCurrentThread => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(measure_async(oxigram::tokio::Tokio, mode, n, config)),
            Rt::Smol => smol::block_on(measure_async(oxigram::smol::Smol, mode, n, config)),
            Rt::AsyncStd => async_std::task::block_on(measure_async(
                oxigram::async_std::AsyncStd,
                mode,
                n,
                config,
            )),
            Rt::Blocking => measure_blocking(mode, n, config, false),
            Rt::BlockingThreads => measure_blocking(mode, n, config, true),
        }
    }

    async fn measure_async<R: Runtime>(
        runtime: R,
        mode: Mode,
        n: usize,
        config: ClientConfig,
    ) -> Fallible<Sample> {
        let client = Connection::connect(runtime.clone(), config.clone()).await?;
        let key = first_key(&client).await?;
        client.invoke(&sign_in()).await?;
        let sample = match mode {
            Mode::Pipelined => {
                let round = || {
                    join_all((0..WINDOW).map(|_| client.invoke(&functions::updates::GetState {})))
                };
                // Warm-up: a round, so buffers and queues have grown to the window.
                for r in round().await {
                    r?;
                }
                let meter = Meter::start()?;
                for _ in 0..n / WINDOW {
                    for r in round().await {
                        r?;
                    }
                }
                meter.stop(n / WINDOW * WINDOW)?
            }
            Mode::Sequential => {
                for _ in 0..SEQUENTIAL / 10 {
                    client.invoke(&functions::updates::GetState {}).await?;
                }
                let meter = Meter::start()?;
                for _ in 0..n {
                    client.invoke(&functions::updates::GetState {}).await?;
                }
                meter.stop(n)?
            }
            Mode::Idle => {
                client.invoke(&functions::updates::GetState {}).await?;
                let mut config = config;
                // The clients share the first one's key (the test DC takes a key on any
                // number of sessions), so what is measured is the connection, not the
                // key exchange's leftovers.
                config.auth = Some(key);
                let before = rss_kib()?;
                let idle = join_all((0..n).map(|_| async {
                    let c = Connection::connect(runtime.clone(), config.clone()).await?;
                    c.invoke(&functions::updates::GetState {}).await?;
                    Ok::<_, Box<dyn std::error::Error + Send + Sync>>(c)
                }))
                .await
                .into_iter()
                .collect::<Result<Vec<_>, _>>()?;
                let after = rss_kib()?;
                for c in &idle {
                    c.close().await;
                }
                Sample::Rss {
                    clients: idle.len(),
                    before,
                    after,
                }
            }
        };
        client.close().await;
        Ok(sample)
    }

    /// The key the client made on connecting: its first event.
    async fn first_key(client: &Connection) -> Fallible<AuthKeyOutcome> {
        loop {
            match client.next_event().await {
                Some(ClientEvent::AuthKeyCreated(key)) => return Ok(*key),
                Some(_) => continue,
                None => return Err("the client ended before reporting its key".into()),
            }
        }
    }

    fn measure_blocking(
        mode: Mode,
        n: usize,
        config: ClientConfig,
        threaded: bool,
    ) -> Fallible<Sample> {
        let state = || functions::updates::GetState {};
        let client = BlockingConnection::connect(config.clone())?;
        let key = loop {
            match client.next_event(std::time::Duration::from_secs(10)) {
                Some(ClientEvent::AuthKeyCreated(key)) => break *key,
                Some(_) => continue,
                None => return Err("no key reported by the blocking client".into()),
            }
        };
        client.invoke(&sign_in())?;
        let threads = |per_thread: usize| {
            std::thread::scope(|scope| {
                let workers: Vec<_> = (0..BLOCKING_THREADS)
                    .map(|_| {
                        scope.spawn(|| {
                            for _ in 0..per_thread {
                                client.invoke(&state())?;
                            }
                            Ok::<(), oxigram::InvokeError>(())
                        })
                    })
                    .collect();
                for w in workers {
                    w.join().map_err(|_| "a request thread panicked")??;
                }
                Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
            })
        };
        let batch = || {
            for r in client.invoke_all(&vec![state(); WINDOW]) {
                r?;
            }
            Ok::<(), oxigram::InvokeError>(())
        };
        match mode {
            Mode::Pipelined if !threaded => {
                batch()?;
                let meter = Meter::start()?;
                for _ in 0..n / WINDOW {
                    batch()?;
                }
                meter.stop(n / WINDOW * WINDOW)
            }
            Mode::Pipelined => {
                threads(WINDOW / BLOCKING_THREADS)?;
                let meter = Meter::start()?;
                threads(n / BLOCKING_THREADS)?;
                meter.stop(n / BLOCKING_THREADS * BLOCKING_THREADS)
            }
            Mode::Sequential => {
                for _ in 0..SEQUENTIAL / 10 {
                    client.invoke(&state())?;
                }
                let meter = Meter::start()?;
                for _ in 0..n {
                    client.invoke(&state())?;
                }
                meter.stop(n)
            }
            Mode::Idle => {
                client.invoke(&state())?;
                let mut config = config;
                config.auth = Some(key);
                let before = rss_kib()?;
                let idle = (0..IDLE_CLIENTS)
                    .map(|_| {
                        let c = BlockingConnection::connect(config.clone())?;
                        c.invoke(&state())?;
                        Ok(c)
                    })
                    .collect::<Fallible<Vec<_>>>()?;
                let after = rss_kib()?;
                drop(idle);
                Ok(Sample::Rss {
                    clients: n,
                    before,
                    after,
                })
            }
        }
    }

    // ---- the comparison -----------------------------------------------------------

    /// The test DC process; killed when dropped, so a failed run leaves none behind.
    struct TestDc {
        child: Child,
        /// Kept open so the server never writes to a closed pipe.
        _stdout: BufReader<ChildStdout>,
        address: SocketAddr,
        pem: std::path::PathBuf,
    }

    impl TestDc {
        fn start(binary: &str) -> Fallible<TestDc> {
            let mut child = Command::new(binary)
                .args(["--seed", "1", "--bot", BOT_TOKEN])
                .args(["--max-connections", &MAX_CONNECTIONS.to_string()])
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| format!("{binary}: {e}"))?;
            let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
            match banner(stdout) {
                Ok((stdout, address, pem)) => {
                    let path = std::env::temp_dir()
                        .join(format!("oxigram-cost-{}.pem", std::process::id()));
                    let dc = TestDc {
                        child,
                        _stdout: stdout,
                        address,
                        pem: path,
                    };
                    std::fs::write(&dc.pem, pem)?;
                    Ok(dc)
                }
                Err(e) => {
                    // A server that printed something else must not outlive the run.
                    if let Err(kill) = child.kill() {
                        eprintln!("client_cost: cannot stop the test DC: {kill}");
                    }
                    let status = child.wait()?;
                    Err(format!("test DC ({status}): {e}").into())
                }
            }
        }
    }

    /// Reads the test DC's banner up to `ready`: DC 2's address and the key's PEM.
    fn banner(
        mut stdout: BufReader<ChildStdout>,
    ) -> Fallible<(BufReader<ChildStdout>, SocketAddr, String)> {
        let (mut address, mut pem, mut line) = (None, String::new(), String::new());
        loop {
            line.clear();
            if stdout.read_line(&mut line)? == 0 {
                return Err("it ended before it was ready".into());
            }
            let text = line.trim_end();
            if let Some(rest) = text.strip_prefix(&format!("dc {DC} ")) {
                address = Some(rest.parse::<SocketAddr>()?);
            } else if text.starts_with("-----BEGIN") || !pem.is_empty() && !pem.contains("-----END")
            {
                pem.push_str(text);
                pem.push('\n');
            } else if text == "ready" {
                let address = address.ok_or("it printed no address for DC 2")?;
                return Ok((stdout, address, pem));
            }
        }
    }

    impl Drop for TestDc {
        fn drop(&mut self) {
            if let Err(e) = self.child.kill() {
                eprintln!("client_cost: cannot stop the test DC: {e}");
            }
            // Reaps it; its exit status says nothing once killed.
            let _ = self.child.wait();
            if let Err(e) = std::fs::remove_file(&self.pem) {
                eprintln!("client_cost: cannot remove {}: {e}", self.pem.display());
            }
        }
    }

    /// Runs one measuring process and reads its sample.
    fn sample(mut command: Command, what: &str) -> Fallible<Sample> {
        let out = command.output().map_err(|e| format!("{what}: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let found = text.lines().rev().find_map(Sample::parse);
        match found {
            Some(s) if out.status.success() => {
                eprintln!("  {what}: {s}");
                Ok(s)
            }
            _ => Err(format!(
                "{what} failed ({}): {text}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
            .into()),
        }
    }

    /// The medians of the samples' cost per unit and context switches per request.
    fn medians(samples: &[Sample]) -> (f64, f64) {
        (
            median(samples.iter().map(Sample::per_unit).collect()),
            median(samples.iter().map(Sample::switches_per_request).collect()),
        )
    }

    fn median(mut values: Vec<f64>) -> f64 {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    }

    /// One row of the table: µs per request (pipelined, sequential), context switches
    /// per sequential request, KiB per idle client.
    struct Row {
        name: &'static str,
        pipelined: f64,
        sequential: f64,
        switches: f64,
        idle: f64,
    }

    fn run(testdc: &str, python: Option<&str>) -> Fallible<()> {
        let dc = TestDc::start(testdc)?;
        let me = std::env::current_exe()?;
        let ours = |rt: &str, mode: Mode| {
            let mut c = Command::new(&me);
            c.args(["measure", &dc.address.to_string()])
                .arg(&dc.pem)
                .args([rt, mode.name()]);
            c
        };
        let theirs = |python: &str, mode: Mode| {
            let mut c = Command::new(python);
            c.arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/interop/telethon_cost.py"
            ))
            .args([
                mode.name(),
                &dc.address.ip().to_string(),
                &dc.address.port().to_string(),
            ])
            .arg(&dc.pem)
            .arg(BOT_TOKEN);
            match mode {
                Mode::Pipelined => c.args([PIPELINED.to_string(), WINDOW.to_string()]),
                Mode::Sequential => c.arg(SEQUENTIAL.to_string()),
                Mode::Idle => c.arg(IDLE_CLIENTS.to_string()),
            };
            c
        };
        // A row measured pipelined only has NaN elsewhere, printed as "-".
        let row = |name: &'static str,
                   command: &dyn Fn(Mode) -> Command,
                   pipelined_only: bool|
         -> Fallible<Row> {
            let cpu = |mode: Mode| -> Fallible<(f64, f64)> {
                let samples = (0..REPEATS)
                    .map(|_| sample(command(mode), &format!("{name} {}", mode.name())))
                    .collect::<Fallible<Vec<Sample>>>()?;
                Ok(medians(&samples))
            };
            let pipelined = cpu(Mode::Pipelined)?.0;
            if pipelined_only {
                return Ok(Row {
                    name,
                    pipelined,
                    sequential: f64::NAN,
                    switches: f64::NAN,
                    idle: f64::NAN,
                });
            }
            let (sequential, switches) = cpu(Mode::Sequential)?;
            Ok(Row {
                name,
                pipelined,
                sequential,
                switches,
                idle: sample(command(Mode::Idle), &format!("{name} idle"))?.per_unit(),
            })
        };

        let mut rows = Vec::new();
        if let Some(python) = python {
            rows.push(row("telethon", &|mode| theirs(python, mode), false)?);
        }
        rows.push(floor_row(&me)?);
        for (rt, arg, name) in RUNTIMES {
            let pipelined_only = rt == Rt::BlockingThreads;
            rows.push(row(name, &|mode| ours(arg, mode), pipelined_only)?);
        }
        drop(dc);
        print_table(&rows);
        Ok(())
    }

    /// The kernel's floor for one request at a time, as a row: the median of
    /// [`REPEATS`] processes, each against an echo process of its own.
    fn floor_row(me: &std::path::Path) -> Fallible<Row> {
        let samples = (0..REPEATS)
            .map(|_| {
                let mut server = Command::new(me)
                    .arg("echo")
                    .stdout(Stdio::piped())
                    .spawn()?;
                let measured = (|| {
                    let mut port = String::new();
                    BufReader::new(server.stdout.take().ok_or("no stdout")?)
                        .read_line(&mut port)?;
                    let mut client = Command::new(me);
                    client.args(["floor", port.trim()]);
                    sample(client, "raw socket floor")
                })();
                if measured.is_err() {
                    // Nothing may have connected: the echo would wait for it for ever.
                    server.kill()?;
                    server.wait()?;
                    return measured;
                }
                // The echo ends when the measuring process closes its socket.
                let status = server.wait()?;
                if !status.success() {
                    return Err(format!("the echo process failed: {status}").into());
                }
                measured
            })
            .collect::<Fallible<Vec<Sample>>>()?;
        let (sequential, switches) = medians(&samples);
        Ok(Row {
            name: "raw socket floor",
            pipelined: f64::NAN,
            sequential,
            switches,
            idle: f64::NAN,
        })
    }

    fn print_table(rows: &[Row]) {
        let telethon = rows.iter().find(|r| r.name == "telethon");
        let tokio = rows.iter().find(|r| r.name == "oxigram tokio");
        // "1/6.2": the share of the peer's cost, as the targets are written.
        let share = |ours: f64, peer: Option<f64>| match peer {
            Some(p) if ours > 0.0 => format!("1/{:.1}", p / ours),
            _ => "-".into(),
        };
        let times = |ours: f64, peer: Option<f64>| match peer {
            Some(p) if p > 0.0 && !ours.is_nan() => format!("{:.2}x", ours / p),
            _ => "-".into(),
        };
        let figure = |value: f64, decimals: usize| {
            if value.is_nan() {
                "-".to_string()
            } else {
                format!("{value:.decimals$}")
            }
        };
        println!(
            "Connection CPU per updates.getState (user + system of the client process, median of \
             {REPEATS} processes):\n{PIPELINED} pipelined ({WINDOW} in flight; blocking: \
             invoke_all of {WINDOW}, and {BLOCKING_THREADS} threads), {SEQUENTIAL} one at a time (with the client \
             process's context switches per request).\nRaw socket floor: {SEQUENTIAL} round trips \
             of a blocking send and receive of {FLOOR_MESSAGE} bytes to an echo process, no protocol.\n\
             Resident memory per idle connected client: {IDLE_CLIENTS} clients, one request \
             answered each."
        );
        println!();
        println!(
            "{:<24} {:>10} {:>9} {:>7}   {:>10} {:>9} {:>7} {:>9}   {:>10} {:>9}",
            "", "pipelined", "of", "of", "one at a", "of", "of", "switches", "idle", "of"
        );
        println!(
            "{:<24} {:>10} {:>9} {:>7}   {:>10} {:>9} {:>7} {:>9}   {:>10} {:>9}",
            "",
            "µs/req",
            "Telethon",
            "tokio",
            "time µs",
            "Telethon",
            "tokio",
            "/req",
            "KiB/client",
            "Telethon"
        );
        for r in rows {
            let t = |f: fn(&Row) -> f64| telethon.filter(|t| t.name != r.name).map(f);
            let k = |f: fn(&Row) -> f64| {
                tokio
                    .filter(|t| t.name != r.name && r.name != "telethon")
                    .map(f)
            };
            println!(
                "{:<24} {:>10} {:>9} {:>7}   {:>10} {:>9} {:>7} {:>9}   {:>10} {:>9}",
                r.name,
                figure(r.pipelined, 2),
                share(r.pipelined, t(|r| r.pipelined)),
                times(r.pipelined, k(|r| r.pipelined)),
                figure(r.sequential, 2),
                share(r.sequential, t(|r| r.sequential)),
                times(r.sequential, k(|r| r.sequential)),
                figure(r.switches, 1),
                figure(r.idle, 1),
                share(r.idle, t(|r| r.idle)),
            );
        }
    }
}
