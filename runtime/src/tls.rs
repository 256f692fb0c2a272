//! The TLS set-up of the built-in HTTP client, by Cargo feature: `rustls-ring`
//! (default), `rustls-aws-lc` or `native-tls`. With several enabled, rustls wins,
//! and aws-lc-rs over ring; with none, the built-in client speaks plain HTTP only.
//!
//! Every choice trusts the platform's roots (rustls through the platform verifier,
//! native-tls by itself) and Mozilla's roots bundled with `webpki-root-certs`, so
//! a corporate CA installed on the machine works and a container without a CA
//! bundle still reaches Twilio.

/// `builder` with the TLS configuration of the enabled feature.
#[cfg(feature = "__rustls")]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
    use std::sync::Arc;
    #[cfg(feature = "rustls-aws-lc")]
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    #[cfg(not(feature = "rustls-aws-lc"))]
    let provider = rustls::crypto::ring::default_provider();
    let provider = Arc::new(provider);
    #[cfg(not(target_os = "android"))]
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
        webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned(),
        provider.clone(),
    );
    // Android's verifier takes no extra roots: the platform's only.
    #[cfg(target_os = "android")]
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone());
    let verifier = verifier.map_err(|e| format!("cannot load the root certificates: {e}"))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

/// `builder` with the TLS configuration of the enabled feature.
#[cfg(all(feature = "native-tls", not(feature = "__rustls")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
    let bundled = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter_map(|der| reqwest::Certificate::from_der(der).ok());
    Ok(builder.tls_backend_native().tls_certs_merge(bundled))
}

/// Without a TLS feature, the built-in client cannot reach `https` URLs.
#[cfg(not(any(feature = "native-tls", feature = "__rustls")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
    Ok(builder)
}
