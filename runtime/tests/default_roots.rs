//! The default HTTP client trusts Mozilla's bundled roots as well as the
//! platform's: with no platform roots at all (as in a container without a CA
//! bundle) it still builds, where reqwest's own default, which has only the
//! platform's, does not. Its own test binary: it changes the environment.

use twilio_rest_runtime::{reqwest, Client};

// Where the platform's roots come from files (not macOS, Windows or Android), with
// rustls (OpenSSL, under `native-tls`, builds a client with an empty store).
#[cfg(all(
    unix,
    not(target_vendor = "apple"),
    not(target_os = "android"),
    any(feature = "rustls-ring", feature = "rustls-aws-lc")
))]
#[test]
fn the_default_client_has_roots_without_the_platforms() {
    let dir = std::env::temp_dir().join(format!("twilio-rest-no-roots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    // rustls-native-certs (the platform verifier on Linux) reads only these when set.
    std::env::set_var("SSL_CERT_FILE", &empty);
    std::env::set_var("SSL_CERT_DIR", &dir);

    // reqwest's own rustls set-up, with the provider the runtime's default uses.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let platform_only = reqwest::Client::builder().tls_backend_rustls().build();
    assert!(
        platform_only.is_err(),
        "the environment should leave no platform roots"
    );
    Client::builder()
        .credentials("ACaaa", "token")
        .build()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
