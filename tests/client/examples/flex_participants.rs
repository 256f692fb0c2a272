//! The Flex participant flow: add a customer and an agent to an interaction channel,
//! list them, set the agent to wrapup, then closed.
//!
//! ```text
//! TWILIO_ACCOUNT_SID=AC… TWILIO_AUTH_TOKEN=… \
//! FLEX_INTERACTION_SID=KD… FLEX_CHANNEL_SID=UO… \
//! cargo run -p client-tests --example flex_participants
//! ```
//!
//! `TWILIO_FLEX_V1_BASE_URL` sends the requests elsewhere (a Prism mock server).

use serde_json::json;
use twilio_rest::flex_v1::models::{
    InteractionChannelParticipantStatus, InteractionChannelParticipantType,
};
use twilio_rest::Client;

fn var(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| format!("set {name}").into())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let channel = client
        .flex_v1()
        .interaction(var("FLEX_INTERACTION_SID")?)
        .channel(var("FLEX_CHANNEL_SID")?);

    let customer = channel
        .participants()
        .create(
            InteractionChannelParticipantType::Customer,
            json!({"name": "Customer", "address": "+15555550100"}),
        )
        .await?;
    println!("added customer {}", customer.sid.as_deref().unwrap_or("?"));

    let agent = channel
        .participants()
        .create(
            InteractionChannelParticipantType::Agent,
            json!({"name": "Agent"}),
        )
        .routing_properties(json!({"worker_sid": "WKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}))
        .await?;
    let agent_sid = agent.sid.ok_or("the new participant has no SID")?;
    println!("added agent {agent_sid}");

    for p in channel.participants().list().limit(50).await? {
        println!(
            "participant {} ({})",
            p.sid.as_deref().unwrap_or("?"),
            p.r#type.map(|t| t.to_string()).unwrap_or_default()
        );
    }

    let agent = channel.participant(&agent_sid);
    agent
        .update(InteractionChannelParticipantStatus::Wrapup)
        .await?;
    println!("agent {agent_sid}: wrapup");
    agent
        .update(InteractionChannelParticipantStatus::Closed)
        .await?;
    println!("agent {agent_sid}: closed");
    Ok(())
}
