//! A hand-written HTTP/1.1 server on 127.0.0.1 for the faults wiremock cannot
//! produce (resets, truncated bodies, stalled headers, closed keep-alive
//! connections, endless bodies) and for the load test and overhead benchmark,
//! where a minimal server keeps the client's cost visible. Each request is
//! answered by a handler that is told the request's number, the number of its
//! connection and its head.
//!
//! Hand-written rather than hyper: the faults need byte-level control of what is
//! written and when the socket is closed or reset, which a conforming server
//! library exists to prevent.

#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    /// 0-based number of the request, over all connections.
    pub request: usize,
    /// 0-based number of the connection it came on.
    pub connection: usize,
    /// The request line and headers.
    pub head: String,
}

impl Hit {
    /// The request line's method.
    pub fn method(&self) -> &str {
        self.head.split(' ').next().unwrap_or_default()
    }

    /// The request line's path (query included).
    pub fn path(&self) -> &str {
        self.head.split(' ').nth(1).unwrap_or_default()
    }
}

/// What happens after a reply's bytes are written.
#[derive(Debug, Clone, Copy)]
pub enum Then {
    /// Keep the connection for the next request.
    KeepAlive,
    /// Close it (FIN).
    Close,
    /// Wait, then reset it (RST: `SO_LINGER` 0, then close).
    ResetAfter(Duration),
    /// Write nothing more for this long, then close.
    Stall(Duration),
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Write these bytes (possibly an incomplete response), then `Then`.
    Write(Vec<u8>, Then),
    /// A chunked `200` whose body never ends: `chunk` every `every` until the
    /// client goes away.
    Endless { chunk: Vec<u8>, every: Duration },
}

impl Reply {
    /// A complete response, keeping the connection.
    pub fn ok(body: &str) -> Self {
        Reply::Write(response(200, &[], body.as_bytes()), Then::KeepAlive)
    }

    /// Reset the connection without writing anything.
    pub fn reset() -> Self {
        Reply::Write(Vec::new(), Then::ResetAfter(Duration::ZERO))
    }
}

/// A response with a `Content-Length` and `Content-Type: application/json` unless
/// `headers` names another content type.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        201 => "Created",
        429 => "Too Many Requests",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

type Handler = dyn Fn(Hit) -> Pin<Box<dyn Future<Output = Reply> + Send>> + Send + Sync;

/// A server listening on 127.0.0.1; stops accepting when dropped.
pub struct RawServer {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl RawServer {
    /// Starts a server answering every request with `handler`.
    pub async fn start<F, Fut>(handler: F) -> Self
    where
        F: Fn(Hit) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reply> + Send + 'static,
    {
        let handler: Arc<Handler> = Arc::new(move |hit| Box::pin(handler(hit)));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let (reqs, conns) = (requests.clone(), connections.clone());
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let connection = conns.fetch_add(1, SeqCst);
                tokio::spawn(serve(stream, connection, reqs.clone(), handler.clone()));
            }
        });
        RawServer {
            addr,
            requests,
            connections,
            accept,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.requests.load(SeqCst)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(SeqCst)
    }
}

/// Serves the requests of one connection until the client or a reply closes it.
async fn serve(
    mut stream: TcpStream,
    connection: usize,
    requests: Arc<AtomicUsize>,
    handler: Arc<Handler>,
) {
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::new();
    while let Some(head) = read_request(&mut stream, &mut buf).await {
        let hit = Hit {
            request: requests.fetch_add(1, SeqCst),
            connection,
            head,
        };
        match handler(hit).await {
            Reply::Write(bytes, then) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
                match then {
                    Then::KeepAlive => {}
                    Then::Close => return,
                    Then::ResetAfter(pause) => {
                        tokio::time::sleep(pause).await;
                        let _ = stream.set_zero_linger();
                        return;
                    }
                    Then::Stall(d) => {
                        tokio::time::sleep(d).await;
                        return;
                    }
                }
            }
            Reply::Endless { chunk, every } => {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                framed.extend_from_slice(&chunk);
                framed.extend_from_slice(b"\r\n");
                while stream.write_all(&framed).await.is_ok() {
                    tokio::time::sleep(every).await;
                }
                return;
            }
        }
    }
}

/// Reads one request (head, then a `Content-Length` body, which is discarded);
/// `None` at the end of the stream. `buf` keeps bytes read past the request.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<String> {
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    buf.drain(..end + length);
    Some(head)
}

/// A Proxy Service as Twilio returns it, with `sid`.
pub fn service_json(sid: &str) -> String {
    format!(
        r#"{{"sid":"{sid}","unique_name":"support","account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","chat_instance_sid":"ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","callback_url":"https://www.example.com/callback","default_ttl":3600,"number_selection_behavior":"prefer-sticky","geo_match_level":"country","intercept_callback_url":"https://www.example.com/intercept","out_of_session_callback_url":"https://www.example.com/oos","date_created":"2015-07-30T20:00:00Z","date_updated":"2015-07-30T20:00:00Z","url":"https://proxy.twilio.com/v1/Services/{sid}","links":{{"sessions":"https://proxy.twilio.com/v1/Services/{sid}/Sessions","phone_numbers":"https://proxy.twilio.com/v1/Services/{sid}/PhoneNumbers","short_codes":"https://proxy.twilio.com/v1/Services/{sid}/ShortCodes"}}}}"#
    )
}

/// Reads `VmHWM` (peak resident set) and `VmRSS` from /proc/self/status, in KiB.
pub fn memory_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}
