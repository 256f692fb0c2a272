//! In-process HTTPS servers whose certificates a CA made at test time signed, and
//! a `reqwest::Client` that trusts that CA. Included with
//! `#[path = "common/tls.rs"] mod tls;` by the tests that need TLS, so the others
//! do not build a server they do not use.

#![allow(dead_code)]

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio_rustls::rustls;

/// What a server saw of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    /// The path and, if any, `?` and the query, as sent.
    pub target: String,
    /// The `Host` header.
    pub host: Option<String>,
    /// The (first) `Authorization` header.
    pub authorization: Option<String>,
    /// How many `Authorization` headers the request carried.
    pub authorizations: usize,
}

impl Seen {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

/// A response: status, `Content-Type` (if any) and body.
pub type Reply = (u16, Option<&'static str>, Vec<u8>);

/// A test certificate authority.
pub struct Ca(rcgen::CertifiedIssuer<'static, rcgen::KeyPair>);

/// A running server: its address and the requests it saw.
pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<std::sync::atomic::AtomicUsize>,
}

impl Server {
    /// TCP connections accepted so far (a TLS handshake the client gave up on
    /// counts too).
    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The requests seen so far, in order of arrival.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Ca {
    pub fn new() -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "client-tests CA");
        let key = rcgen::KeyPair::generate().unwrap();
        Ca(rcgen::CertifiedIssuer::self_signed(params, key).unwrap())
    }

    /// The CA certificate (DER).
    pub fn der(&self) -> Vec<u8> {
        self.0.der().to_vec()
    }

    /// An HTTPS/1.1 server on 127.0.0.1 (any free port) whose certificate names
    /// `names` (DNS names or IP addresses) and which answers every request with
    /// `respond`.
    pub async fn serve(
        &self,
        names: &[&str],
        respond: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let key = rcgen::KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let cert = rcgen::CertificateParams::new(names)
            .unwrap()
            .signed_by(&key, &self.0)
            .unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
            )
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (log, respond) = (seen.clone(), Arc::new(respond));
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let accepted = connections.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let (acceptor, log, respond) = (acceptor.clone(), log.clone(), respond.clone());
                tokio::spawn(async move {
                    // A client that refuses the certificate ends the handshake here.
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = service_fn(move |req: hyper::Request<Incoming>| {
                        let header = |name: &str| {
                            req.headers()
                                .get(name)
                                .map(|v| v.to_str().unwrap().to_owned())
                        };
                        let seen = Seen {
                            method: req.method().to_string(),
                            target: req
                                .uri()
                                .path_and_query()
                                .map_or_else(String::new, ToString::to_string),
                            host: header("host"),
                            authorization: header("authorization"),
                            authorizations: req.headers().get_all("authorization").iter().count(),
                        };
                        let (status, content_type, body) = respond(&seen);
                        log.lock().unwrap().push(seen);
                        let mut resp = hyper::Response::builder().status(status);
                        if let Some(ct) = content_type {
                            resp = resp.header("content-type", ct);
                        }
                        let resp = resp.body(Full::new(Bytes::from(body))).unwrap();
                        async move { Ok::<_, std::convert::Infallible>(resp) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        Server {
            addr,
            seen,
            connections,
        }
    }
}

/// Installs aws-lc-rs as rustls's process-wide crypto provider, once.
pub fn install_provider() {
    // The runtime's default TLS feature (`rustls-ring`) gives reqwest no crypto
    // provider of its own: an application that builds its own client names one,
    // here process-wide.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// A `reqwest::Client` (the one the crate re-exports) that trusts `ca` besides
/// the usual roots, follows no redirects, ignores proxy settings from the
/// environment and sends requests for each `(host, server)` of `resolve` to that
/// server.
pub fn trusting(ca: &Ca, resolve: &[(&str, &Server)]) -> twilio_rest::reqwest::Client {
    use twilio_rest::reqwest;
    install_provider();
    let mut builder = reqwest::Client::builder()
        .tls_certs_merge([reqwest::Certificate::from_der(&ca.der()).unwrap()])
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    for (host, server) in resolve {
        builder = builder.resolve(host, server.addr);
    }
    builder.build().unwrap()
}
