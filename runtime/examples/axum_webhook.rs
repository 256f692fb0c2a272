//! An axum server whose routes only answer requests signed by Twilio.
//!
//! ```text
//! TWILIO_AUTH_TOKEN=… PUBLIC_BASE_URL=https://abc123.ngrok.app \
//!     cargo run -p twilio-rest-runtime --features axum --example axum_webhook
//! ```
//!
//! `PUBLIC_BASE_URL` is the URL Twilio calls, as configured in the console, without
//! the route's path (a tunnel or proxy in front of this server changes the `Host`,
//! so it cannot be read from the request). `LISTEN` (default `127.0.0.1:3000`) is
//! where this server listens.

use axum::routing::post;
use axum::Router;
use twilio_rest_runtime::url::form_urlencoded;
use twilio_rest_runtime::webhooks::axum::TwilioWebhookLayer;
use twilio_rest_runtime::webhooks::RequestValidator;

/// Answers an incoming SMS with TwiML (the layer has already checked the signature).
async fn sms(body: String) -> ([(&'static str, &'static str); 1], String) {
    let from = form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "From")
        .map(|(_, v)| v.replace(['<', '>', '&'], ""))
        .unwrap_or_default();
    let reply = format!("Hello {from}");
    (
        [("content-type", "text/xml")],
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{reply}</Message></Response>"),
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("TWILIO_AUTH_TOKEN").map_err(|_| "set TWILIO_AUTH_TOKEN")?;
    let public = std::env::var("PUBLIC_BASE_URL").map_err(|_| "set PUBLIC_BASE_URL")?;
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let app = Router::new()
        .route("/sms", post(sms))
        .layer(TwilioWebhookLayer::new(
            RequestValidator::new(token),
            public.clone(),
        ));
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("listening on {listen}; configure Twilio with {public}/sms");
    axum::serve(listener, app).await?;
    Ok(())
}
