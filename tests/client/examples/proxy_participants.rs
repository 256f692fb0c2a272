//! The Proxy participant flow: create a participant in a session, list the
//! session's participants, fetch the new one, delete it.
//!
//! ```text
//! TWILIO_ACCOUNT_SID=AC… TWILIO_AUTH_TOKEN=… \
//! PROXY_SERVICE_SID=KS… PROXY_SESSION_SID=KC… PROXY_IDENTIFIER=+15555550100 \
//! cargo run -p client-tests --example proxy_participants
//! ```
//!
//! `TWILIO_PROXY_V1_BASE_URL` sends the requests elsewhere (a Prism mock server).

use twilio_rest::Client;

fn var(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| format!("set {name}").into())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let session = client
        .proxy_v1()
        .service(var("PROXY_SERVICE_SID")?)
        .session(var("PROXY_SESSION_SID")?);

    let created = session
        .participants()
        .create(var("PROXY_IDENTIFIER")?)
        .friendly_name("Example participant")
        .await?;
    let sid = created.sid.ok_or("the new participant has no SID")?;
    println!(
        "created participant {sid} (proxy identifier {})",
        created.proxy_identifier.as_deref().unwrap_or("?")
    );

    let mut listed = 0;
    for p in session.participants().list().await? {
        listed += 1;
        println!(
            "participant {} {}",
            p.sid.as_deref().unwrap_or("?"),
            p.identifier.as_deref().unwrap_or("")
        );
    }
    println!("{listed} participant(s)");

    let fetched = session.participant(&sid).fetch().await?;
    println!(
        "fetched {} created {:?}",
        fetched.sid.as_deref().unwrap_or("?"),
        fetched.date_created
    );

    session.participant(&sid).delete().await?;
    println!("deleted {sid}");
    Ok(())
}
