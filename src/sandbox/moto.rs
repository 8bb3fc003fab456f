//! A moto_server process on a free loopback port, stopped when dropped.
//! One server serves EC2, S3, RDS and Route 53 for every region.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What to run: `CUTOVER_MOTO_SERVER`, else `moto_server` on PATH, else
/// `python3 -m moto.server` (pip may put scripts outside PATH).
fn commands() -> Vec<Command> {
    if let Ok(program) = std::env::var("CUTOVER_MOTO_SERVER") {
        return vec![Command::new(program)];
    }
    let mut module = Command::new("python3");
    module.args(["-m", "moto.server"]);
    vec![Command::new("moto_server"), module]
}

pub(crate) const INSTALL_HINT: &str = "install it with: pip install 'moto[server]>=5.2.5'";

#[derive(Debug)]
pub struct MotoServer {
    child: Child,
    port: u16,
}

impl MotoServer {
    /// Starts moto_server on `port` (a free one if None) and waits until it answers.
    pub fn start(port: Option<u16>) -> Result<Self, String> {
        Self::start_with_env(port, &[])
    }

    /// As `start`, with extra moto settings (e.g. INITIAL_NO_AUTH_ACTION_COUNT
    /// to make moto enforce IAM policies).
    pub fn start_with_env(port: Option<u16>, env: &[(&str, &str)]) -> Result<Self, String> {
        let port = match port {
            Some(p) => p,
            None => free_port()?,
        };
        let mut last_error = format!("moto_server not found on PATH: {INSTALL_HINT}");
        for mut cmd in commands() {
            let spawned = cmd
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                // Without this moto lists ~1,170 public AMIs per region, burying the estate.
                .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
                .envs(env.iter().copied())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn();
            let child = match spawned {
                Ok(child) => child,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(format!("cannot start moto_server: {e}")),
            };
            let mut server = MotoServer { child, port };
            match server.wait_ready(Duration::from_secs(30)) {
                Ok(()) => return Ok(server),
                // `python3 -m moto.server` without moto installed exits at once.
                Err(e) => last_error = format!("{e}; {INSTALL_HINT}"),
            }
        }
        Err(last_error)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = self.child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                let last = err.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
                return Err(format!(
                    "moto_server exited ({status}) on port {}: {last}",
                    self.port
                ));
            }
            if self.request("GET", "/moto-api/").is_ok() {
                // Its log goes nowhere from here on; an unread pipe would fill and block it.
                self.child.stderr.take();
                return Ok(());
            }
            if started.elapsed() > limit {
                return Err(format!(
                    "moto_server did not answer on port {} within {limit:?}",
                    self.port
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A bare HTTP/1.0 request: the status line's code.
    fn request(&self, method: &str, path: &str) -> Result<u16, String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        write!(
            s,
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
        )
        .map_err(|e| e.to_string())?;
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        let code = answer
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| format!("no HTTP answer from moto_server: {answer:.80}"))?;
        if code >= 400 {
            return Err(format!("moto_server answered {code} to {method} {path}"));
        }
        Ok(code)
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}
