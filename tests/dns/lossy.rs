//! A pass-through proxy in front of moto_server that forwards a Route 53
//! change batch and then drops the connection before the answer: the change
//! is applied, the client never hears so. Plain std threads (one request per
//! connection) so it needs nothing beyond what the suite already has.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub struct LossyProxy {
    pub endpoint: String,
    /// Change batches (POST .../rrset) whose answers are still to be lost.
    pub lose: Arc<AtomicUsize>,
    /// Change batches that reached moto.
    pub batches: Arc<AtomicUsize>,
}

impl LossyProxy {
    pub fn start(upstream: &str) -> LossyProxy {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let lose = Arc::new(AtomicUsize::new(0));
        let batches = Arc::new(AtomicUsize::new(0));
        let (l, b) = (lose.clone(), batches.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (upstream, l, b) = (upstream.clone(), l.clone(), b.clone());
                std::thread::spawn(move || {
                    let _ = serve(client, &upstream, &l, &b);
                });
            }
        });
        LossyProxy {
            endpoint,
            lose,
            batches,
        }
    }
}

fn serve(
    client: TcpStream,
    upstream: &str,
    lose: &AtomicUsize,
    batches: &AtomicUsize,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = Vec::new();
    let mut length = 0usize;
    let mut first = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if first.is_empty() {
            first = line.clone();
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            head.extend_from_slice(b"Connection: close\r\n\r\n");
            break;
        }
        if !lower.starts_with("connection:") {
            head.extend_from_slice(line.as_bytes());
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let mut up = TcpStream::connect(upstream)?;
    up.write_all(&head)?;
    up.write_all(&body)?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)?;
    let is_batch = first.starts_with("POST ") && first.contains("/rrset");
    if is_batch {
        batches.fetch_add(1, Ordering::SeqCst);
        let lost = lose
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if lost {
            // Applied by moto; the client hears only a closed connection.
            return client.shutdown(std::net::Shutdown::Both);
        }
    }
    let mut client = client;
    client.write_all(&with_connection_close(answer))?;
    client.shutdown(std::net::Shutdown::Both)
}

/// The answer with `Connection: close`, so the client opens a new
/// connection for its next request instead of reusing a closed one.
fn with_connection_close(answer: Vec<u8>) -> Vec<u8> {
    let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return answer;
    };
    let head = String::from_utf8_lossy(&answer[..end]).to_string();
    let kept: Vec<&str> = head
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    let mut out = kept.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    out.extend_from_slice(&answer[end + 4..]);
    out
}
