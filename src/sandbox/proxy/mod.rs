//! A small HTTP proxy of cutover's own between the SDK clients and
//! moto_server, putting back what moto leaves out: AWS's pending states
//! (`pace`) and AWS under stress (`faults`). Runs on a thread and runtime of
//! its own, so tests, the sandbox and a crash campaign all use it alike.

mod call;
mod faults;
mod http;
mod pace;
mod xml;

pub(crate) use call::Call;
pub(crate) use faults::Fault;
pub use faults::SplitMix64;

use faults::{error_answer, Faults};
use http::{forward, read_request, write_response, Response};
use pace::Pace;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};

/// How far from moto's instant, faultless answers the proxy strays.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaceFaults {
    /// How long what AWS reports as in progress stays in progress.
    pub pace: Duration,
    /// The share of requests (0..=1) answered with a fault.
    pub faults: f64,
    pub seed: u64,
}

impl PaceFaults {
    /// True when the proxy would change anything.
    pub(crate) fn is_on(&self) -> bool {
        !self.pace.is_zero() || self.faults > 0.0
    }
}

/// One request the proxy handled, for tests and figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub call: Call,
    /// The fault it got, if any.
    pub fault: Option<&'static str>,
    /// The status moto (or the fault) answered; 0 when the connection was cut first.
    pub(crate) status: u16,
}

const SEEN_KEPT: usize = 100_000;

type CallFilter = Box<dyn Fn(&Call) -> bool + Send + Sync>;

struct Shared {
    upstream: SocketAddr,
    pace: Pace,
    faults: Faults,
    /// The latest requests (at most SEEN_KEPT: a sandbox may serve for days).
    seen: Mutex<std::collections::VecDeque<Seen>>,
    requests: std::sync::atomic::AtomicUsize,
    /// Answers to calls this matches are withheld (after AWS acted) until
    /// released: a crash test kills the client while one is held.
    hold: Mutex<Option<CallFilter>>,
    held: std::sync::atomic::AtomicUsize,
    released: tokio::sync::Notify,
}

/// The running proxy; stops when dropped.
pub struct Proxy {
    endpoint: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    /// Listens on `port` (a free one if None) of the loopback and forwards
    /// to `upstream` (moto_server's endpoint, `http://127.0.0.1:PORT`).
    pub fn start(upstream: &str, port: Option<u16>, options: PaceFaults) -> Result<Proxy, String> {
        let address = upstream.trim_start_matches("http://").trim_end_matches('/');
        let upstream: SocketAddr = address.parse().map_err(|_| {
            format!("the proxy needs an upstream like http://127.0.0.1:PORT, not {upstream}")
        })?;
        let listener = std::net::TcpListener::bind(("127.0.0.1", port.unwrap_or(0)))
            .map_err(|e| format!("cannot listen on port {}: {e}", port.unwrap_or(0)))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let endpoint = format!(
            "http://{}",
            listener.local_addr().map_err(|e| e.to_string())?
        );
        let shared = Arc::new(Shared {
            upstream,
            pace: Pace::new(options.pace),
            faults: Faults::new(options.faults, options.seed),
            seen: Mutex::default(),
            requests: Default::default(),
            hold: Mutex::default(),
            held: Default::default(),
            released: tokio::sync::Notify::new(),
        });
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the proxy's runtime: {e}"))?;
        let serving = shared.clone();
        let thread = std::thread::Builder::new()
            .name("sandbox-proxy".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(listener) else {
                        return;
                    };
                    tokio::select! {
                        _ = accept(listener, serving) => {}
                        _ = stopped => {}
                    }
                });
                // Connections still open are dropped with the runtime.
                runtime.shutdown_background();
            })
            .map_err(|e| e.to_string())?;
        Ok(Proxy {
            endpoint,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where clients send their requests.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The requests handled so far (the latest 100,000), in the order answered.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    /// How many requests were handled so far.
    pub fn requests(&self) -> usize {
        self.shared
            .requests
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// From now on, answers to matching calls are withheld once moto has
    /// acted on them, until `release`: the change is made, the client has
    /// not heard. A test kills the client while one is held.
    pub fn hold_answers(&self, matches: impl Fn(&Call) -> bool + Send + Sync + 'static) {
        *self
            .shared
            .hold
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Box::new(matches));
    }

    /// Answers withheld so far.
    pub fn held(&self) -> usize {
        self.shared.held.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Stops holding and sends the withheld answers (to whoever still listens).
    pub fn release(&self) {
        *self
            .shared
            .hold
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        self.shared.released.notify_waiters();
    }

    /// How many requests so far matched.
    pub fn count(&self, matches: impl Fn(&Seen) -> bool) -> usize {
        self.shared
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter(|s| matches(s))
            .count()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        match listener.accept().await {
            Ok((conn, _)) => {
                let _ = conn.set_nodelay(true);
                tokio::spawn(serve(conn, shared.clone()));
            }
            // Out of descriptors and the like: wait rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Cuts the connection with a reset (not a polite close), as a dropped
/// link or a load balancer giving up does.
fn reset(conn: TcpStream) {
    let _ = conn.set_zero_linger();
    drop(conn);
}

async fn serve(mut conn: TcpStream, shared: Arc<Shared>) {
    let mut buf = Vec::new();
    while let Ok(Some(req)) = read_request(&mut conn, &mut buf).await {
        let call = Call::of(&req);
        let fault = if call.is_aws() {
            shared.faults.draw()
        } else {
            None
        };
        let note = |status| {
            let mut seen = shared
                .seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if seen.len() == SEEN_KEPT {
                seen.pop_front();
            }
            seen.push_back(Seen {
                call: call.clone(),
                fault: fault.map(Fault::name),
                status,
            });
            shared
                .requests
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        };
        let answer = match fault {
            Some(Fault::Reset) => {
                note(0);
                return reset(conn);
            }
            Some(f @ (Fault::Throttle | Fault::ServerError)) => error_answer(&call.service, f),
            Some(Fault::Delay(d)) => {
                tokio::time::sleep(d).await;
                answer_from_moto(&shared, &call, &req).await
            }
            Some(Fault::LostAnswer) | None => answer_from_moto(&shared, &call, &req).await,
        };
        note(answer.status);
        hold_if_asked(&shared, &call).await;
        if fault == Some(Fault::LostAnswer) {
            return reset(conn);
        }
        let to_head = req.method == "HEAD";
        if write_response(&mut conn, &answer, to_head).await.is_err() || req.wants_close() {
            return;
        }
    }
}

async fn hold_if_asked(shared: &Shared, call: &Call) {
    let holding = |shared: &Shared| {
        shared
            .hold
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .is_some_and(|m| m(call))
    };
    if !holding(shared) {
        return;
    }
    shared
        .held
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    loop {
        let released = shared.released.notified();
        if !holding(shared) {
            return;
        }
        released.await;
    }
}

async fn answer_from_moto(shared: &Shared, call: &Call, req: &http::Request) -> Response {
    let mut answer = match forward(shared.upstream, req).await {
        Ok(answer) => answer,
        Err(e) => Response {
            status: 502,
            reason: "Bad Gateway".into(),
            headers: vec![("Content-Type".into(), b"text/plain".to_vec())],
            body: format!("the sandbox proxy could not reach moto_server: {e}").into_bytes(),
        },
    };
    if !shared.pace.is_on() {
        return answer;
    }
    let now = Instant::now();
    if let Ok(text) = std::str::from_utf8(&answer.body) {
        if answer.status == 200 {
            shared.pace.learn(call, text, now);
        }
        if let Some(paced) = shared.pace.rewrite(call, text, now) {
            answer.body = paced.into_bytes();
        }
    }
    answer
}
