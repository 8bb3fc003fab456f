//! Just enough HTTP/1.1 for a proxy between the SDK and moto_server:
//! request heads parsed with httparse, bodies by Content-Length or chunked,
//! answers read whole (moto may send them chunked or close-delimited) and
//! written back whole with a Content-Length, so they can be edited.

use std::io;
use std::net::SocketAddr;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// Heads bigger than this are refused: no SDK request comes close.
const MAX_HEAD: usize = 64 * 1024;

pub(crate) type Headers = Vec<(String, Vec<u8>)>;

#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: Headers,
    pub(crate) body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) reason: String,
    pub(crate) headers: Headers,
    pub(crate) body: Vec<u8>,
}

pub(crate) fn header<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| std::str::from_utf8(v).ok())
}

fn is_chunked(headers: &Headers) -> bool {
    header(headers, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
}

fn content_length(headers: &Headers) -> io::Result<Option<usize>> {
    match header(headers, "content-length") {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| bad("bad Content-Length")),
    }
}

fn bad(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.to_string())
}

impl Request {
    /// The client asked to close the connection after this answer.
    pub(crate) fn wants_close(&self) -> bool {
        header(&self.headers, "connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// Reads the next request on a kept-alive connection; None when the client
/// closed it between requests. `buf` keeps bytes read past this request.
pub(crate) async fn read_request<S>(conn: &mut S, buf: &mut Vec<u8>) -> io::Result<Option<Request>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (method, path, headers) = loop {
        let mut slots = [httparse::EMPTY_HEADER; 96];
        let mut parsed = httparse::Request::new(&mut slots);
        match parsed.parse(buf).map_err(|e| bad(&e.to_string()))? {
            httparse::Status::Complete(n) => {
                let head = (
                    parsed.method.unwrap_or("GET").to_string(),
                    parsed.path.unwrap_or("/").to_string(),
                    parsed
                        .headers
                        .iter()
                        .map(|h| (h.name.to_string(), h.value.to_vec()))
                        .collect::<Headers>(),
                );
                buf.drain(..n);
                break head;
            }
            httparse::Status::Partial if buf.len() > MAX_HEAD => return Err(bad("head too big")),
            httparse::Status::Partial => {
                if read_more(conn, buf).await? == 0 {
                    return if buf.is_empty() {
                        Ok(None)
                    } else {
                        Err(io::ErrorKind::UnexpectedEof.into())
                    };
                }
            }
        }
    };
    if header(&headers, "expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        conn.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    let body = if is_chunked(&headers) {
        loop {
            if let Some((body, used)) = decode_chunked(buf)? {
                buf.drain(..used);
                break body;
            }
            if read_more(conn, buf).await? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    } else {
        let len = content_length(&headers)?.unwrap_or(0);
        while buf.len() < len {
            if read_more(conn, buf).await? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        buf.drain(..len).collect()
    };
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

async fn read_more<S: AsyncRead + Unpin>(conn: &mut S, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut chunk = [0u8; 16 * 1024];
    let n = conn.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

/// A chunked body at the start of `data`: the body and the bytes it took,
/// or None while it is incomplete.
pub(crate) fn decode_chunked(data: &[u8]) -> io::Result<Option<(Vec<u8>, usize)>> {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let Some(eol) = find(&data[at..], b"\r\n") else {
            return Ok(None);
        };
        let line = std::str::from_utf8(&data[at..at + eol]).map_err(|_| bad("chunk size"))?;
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad("chunk size"))?;
        at += eol + 2;
        if size == 0 {
            // Trailers, if any, end with an empty line.
            loop {
                let Some(eol) = find(&data[at..], b"\r\n") else {
                    return Ok(None);
                };
                at += eol + 2;
                if eol == 0 {
                    return Ok(Some((body, at)));
                }
            }
        }
        if data.len() < at + size + 2 {
            return Ok(None);
        }
        body.extend_from_slice(&data[at..at + size]);
        at += size + 2;
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Headers that describe one hop, not the message: the proxy sets its own.
fn hop_by_hop(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
        "expect",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

/// Sends the request to moto on a connection of its own and reads the
/// answer to the end (`Connection: close`, so moto's framing cannot matter).
pub(crate) async fn forward(upstream: SocketAddr, req: &Request) -> io::Result<Response> {
    let mut conn = TcpStream::connect(upstream).await?;
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.path).into_bytes();
    for (name, value) in req.headers.iter().filter(|(n, _)| !hop_by_hop(n)) {
        head.extend_from_slice(name.as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            req.body.len()
        )
        .as_bytes(),
    );
    conn.write_all(&head).await?;
    conn.write_all(&req.body).await?;
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).await?;
    parse_response(&raw, req.method == "HEAD")
}

/// A whole answer as read to the end of its connection.
pub(crate) fn parse_response(raw: &[u8], to_head: bool) -> io::Result<Response> {
    let mut slots = [httparse::EMPTY_HEADER; 96];
    let mut parsed = httparse::Response::new(&mut slots);
    let n = match parsed.parse(raw).map_err(|e| bad(&e.to_string()))? {
        httparse::Status::Complete(n) => n,
        httparse::Status::Partial => return Err(bad("answer ended inside its head")),
    };
    let status = parsed.code.unwrap_or(502);
    let headers: Headers = parsed
        .headers
        .iter()
        .map(|h| (h.name.to_string(), h.value.to_vec()))
        .collect();
    let rest = &raw[n..];
    let body = if to_head || status < 200 || status == 204 || status == 304 {
        Vec::new()
    } else if is_chunked(&headers) {
        decode_chunked(rest)?
            .ok_or_else(|| bad("chunked answer ended early"))?
            .0
    } else {
        match content_length(&headers)? {
            Some(len) if rest.len() >= len => rest[..len].to_vec(),
            Some(_) => return Err(bad("answer shorter than its Content-Length")),
            None => rest.to_vec(),
        }
    };
    Ok(Response {
        status,
        reason: parsed.reason.unwrap_or("").to_string(),
        headers,
        body,
    })
}

/// Writes an answer whole. A HEAD answer keeps moto's Content-Length (that
/// of the object) and sends no body.
pub(crate) async fn write_response<S>(
    conn: &mut S,
    answer: &Response,
    to_head: bool,
) -> io::Result<()>
where
    S: AsyncWrite + Unpin,
{
    let mut out = format!("HTTP/1.1 {} {}\r\n", answer.status, answer.reason).into_bytes();
    for (name, value) in &answer.headers {
        let keep = if to_head {
            !name.eq_ignore_ascii_case("connection")
                && !name.eq_ignore_ascii_case("transfer-encoding")
        } else {
            !hop_by_hop(name)
        };
        if keep {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
    }
    let bodiless = answer.status < 200 || answer.status == 204 || answer.status == 304;
    if !to_head && !bodiless {
        out.extend_from_slice(format!("Content-Length: {}\r\n", answer.body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    if !to_head && !bodiless {
        out.extend_from_slice(&answer.body);
    }
    conn.write_all(&out).await?;
    conn.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_decode_and_wait_for_their_end() {
        let data = b"4\r\nWiki\r\n6;ext=1\r\npedia \r\n0\r\n\r\nNEXT";
        let (body, used) = decode_chunked(data).unwrap().unwrap();
        assert_eq!(body, b"Wikipedia ");
        assert_eq!(&data[used..], b"NEXT");
        assert!(decode_chunked(&data[..12]).unwrap().is_none());
        assert!(decode_chunked(b"zz\r\n").is_err());
    }

    #[test]
    fn answers_parse_by_length_by_chunks_and_to_the_close() {
        let sized = parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", false);
        assert_eq!(sized.unwrap().body, b"abc");
        let chunked = parse_response(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            false,
        );
        assert_eq!(chunked.unwrap().body, b"abc");
        let closed = parse_response(b"HTTP/1.0 500 Oops\r\n\r\n<html>", false).unwrap();
        assert_eq!(
            (closed.status, closed.body.as_slice()),
            (500, &b"<html>"[..])
        );
        let head = parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", true);
        assert!(head.unwrap().body.is_empty());
        assert!(parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab", false).is_err());
    }
}
