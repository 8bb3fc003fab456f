//! A pass-through between cutover and moto that keeps what the client
//! sent, to count calls on the wire (e.g. "--read-only made no write").
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A pass-through between cutover and moto that keeps every byte the
/// client sent, to read the calls back.
pub struct Recorder {
    pub port: u16,
    /// What the client sent, one buffer per connection: connections run at
    /// once, and one shared buffer would interleave their requests.
    sent: Arc<Mutex<Vec<Connection>>>,
}

/// The bytes one client connection sent.
type Connection = Arc<Mutex<Vec<u8>>>;

impl Recorder {
    pub fn start(upstream: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let log = sent.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                let (mut c_read, mut s_write) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let conn = Arc::new(Mutex::new(Vec::new()));
                log.lock().unwrap().push(conn.clone());
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16384];
                    while let Ok(n) = c_read.read(&mut buf) {
                        if n == 0 || s_write.write_all(&buf[..n]).is_err() {
                            break;
                        }
                        conn.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                    let _ = s_write.shutdown(std::net::Shutdown::Write);
                });
                let (mut s_read, mut c_write) = (server, client);
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut s_read, &mut c_write);
                    let _ = c_write.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        Recorder { port, sent }
    }

    pub fn text(&self) -> String {
        let conns = self.sent.lock().unwrap();
        conns
            .iter()
            .map(|c| String::from_utf8_lossy(&c.lock().unwrap()).into_owned())
            .collect::<Vec<_>>()
            .join("\r\n")
    }

    /// Every call as "METHOD /path" or "Action=Name" (EC2 and RDS put the
    /// action in a form body), and which of them write.
    pub fn calls(&self) -> (Vec<String>, Vec<String>) {
        let text = self.text();
        let mut calls = Vec::new();
        for line in text.split("\r\n") {
            for method in ["GET ", "HEAD ", "PUT ", "POST ", "DELETE ", "PATCH "] {
                if let Some(rest) = line.strip_prefix(method) {
                    if rest.ends_with(" HTTP/1.1") {
                        calls.push(format!("{method}{}", rest.trim_end_matches(" HTTP/1.1")));
                    }
                }
            }
        }
        let actions: Vec<String> = text
            .match_indices("Action=")
            .map(|(at, _)| {
                text[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
            })
            .collect();
        let reads = ["Describe", "List", "Get"];
        let mut writes: Vec<String> = actions
            .iter()
            .filter(|a| !reads.iter().any(|r| a.starts_with(r)))
            .cloned()
            .collect();
        // S3 and Route 53 say it with the method; EC2 and RDS POST every call.
        writes.extend(
            calls
                .iter()
                .filter(|c| {
                    c.starts_with("PUT ") || c.starts_with("DELETE ") || c.starts_with("PATCH ")
                })
                .cloned(),
        );
        writes.extend(
            calls
                .iter()
                .filter(|c| c.starts_with("POST ") && c.contains("/2013-04-01/"))
                .cloned(),
        );
        calls.extend(actions);
        (calls, writes)
    }
}
