//! Access tokens for Twilio's client SDKs (Voice, Video, Conversations, Sync,
//! TaskRouter, Live playback), signed as twilio-node 6.2.0's `AccessToken` signs
//! them: the same JWT header and claims in the same order, so the same inputs and
//! clock give the same token, byte for byte.
//!
//! ```
//! use twilio_rest_runtime::access_token::{AccessToken, VoiceGrant};
//!
//! # fn main() -> Result<(), twilio_rest_runtime::access_token::AccessTokenError> {
//! // An API key (SK…) and its secret, created in the Console or through the API.
//! let token = AccessToken::new("ACxxxxxxxx", "SKxxxxxxxx", "api-secret", "alice")?
//!     .ttl(std::time::Duration::from_secs(3600))
//!     .grant(
//!         VoiceGrant::new()
//!             .incoming_allow(true)
//!             .outgoing_application_sid("APxxxxxxxx"),
//!     )
//!     .to_jwt();
//! assert_eq!(token.split('.').count(), 3);
//! # Ok(()) }
//! ```
//!
//! The token's `jti` is the API key SID and the issue time (`SK…-1700000000`), as
//! twilio-node writes it; [`AccessToken::to_jwt_at`] signs for a given time.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The lifetime of a token when none (or zero) is set: one hour, as twilio-node.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// The JWT `cty` header of Twilio's access tokens.
pub const CONTENT_TYPE: &str = "twilio-fpa;v=1";

/// The HMAC algorithm a token is signed with (twilio-node offers these three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// HMAC-SHA256, the default.
    #[default]
    Hs256,
    /// HMAC-SHA384.
    Hs384,
    /// HMAC-SHA512.
    Hs512,
}

impl Algorithm {
    /// The JWT `alg` name (`HS256`).
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Hs256 => "HS256",
            Algorithm::Hs384 => "HS384",
            Algorithm::Hs512 => "HS512",
        }
    }
}

/// An access token could not be made: a required value was empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessTokenError {
    field: &'static str,
}

impl AccessTokenError {
    /// The empty value's name (`identity`).
    pub fn field(&self) -> &'static str {
        self.field
    }
}

impl fmt::Display for AccessTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an access token needs a non-empty {}", self.field)
    }
}

impl std::error::Error for AccessTokenError {}

/// A Twilio access token: who (the identity), for which account, signed with
/// which API key, valid how long, and what it grants. Build it, add grants, then
/// [`to_jwt`](AccessToken::to_jwt). `Debug` never shows the secret.
#[derive(Clone)]
pub struct AccessToken {
    account_sid: String,
    key_sid: String,
    secret: String,
    identity: String,
    ttl: u64,
    nbf: Option<i64>,
    region: Option<String>,
    algorithm: Algorithm,
    grants: Vec<Grant>,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("account_sid", &self.account_sid)
            .field("key_sid", &self.key_sid)
            .field("secret", &"***")
            .field("identity", &self.identity)
            .field("ttl", &self.ttl)
            .field("nbf", &self.nbf)
            .field("region", &self.region)
            .field("algorithm", &self.algorithm)
            .field("grants", &self.grants)
            .finish()
    }
}

impl AccessToken {
    /// A token for `identity` in the account `account_sid`, signed with the API key
    /// `key_sid` and its `secret`. Each must be non-empty (twilio-node refuses
    /// them too).
    pub fn new(
        account_sid: impl Into<String>,
        key_sid: impl Into<String>,
        secret: impl Into<String>,
        identity: impl Into<String>,
    ) -> Result<Self, AccessTokenError> {
        let token = AccessToken {
            account_sid: account_sid.into(),
            key_sid: key_sid.into(),
            secret: secret.into(),
            identity: identity.into(),
            ttl: DEFAULT_TTL.as_secs(),
            nbf: None,
            region: None,
            algorithm: Algorithm::Hs256,
            grants: Vec::new(),
        };
        for (field, value) in [
            ("account SID", &token.account_sid),
            ("API key SID", &token.key_sid),
            ("API key secret", &token.secret),
            ("identity", &token.identity),
        ] {
            if value.is_empty() {
                return Err(AccessTokenError { field });
            }
        }
        Ok(token)
    }

    /// How long the token is valid from its issue time (whole seconds; default one
    /// hour, and zero means the default, as in twilio-node).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = match ttl.as_secs() {
            0 => DEFAULT_TTL.as_secs(),
            secs => secs,
        };
        self
    }

    /// The time before which the token is not valid (`nbf`, Unix seconds).
    pub fn nbf(mut self, unix_seconds: i64) -> Self {
        self.nbf = Some(unix_seconds);
        self
    }

    /// The Twilio region the token is for (the `twr` header, `us1`, `ie1`, …); an
    /// empty region writes none.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        let region = region.into();
        self.region = (!region.is_empty()).then_some(region);
        self
    }

    /// The signing algorithm (default HS256).
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Adds a grant. A second grant of the same kind replaces the first, in its
    /// place (as twilio-node's claims object does).
    pub fn grant(mut self, grant: impl Into<Grant>) -> Self {
        self.grants.push(grant.into());
        self
    }

    /// The signed token, issued now.
    pub fn to_jwt(&self) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.to_jwt_at(now)
    }

    /// The signed token, issued at `now` (Unix seconds): `iat` is `now`, `exp` is
    /// `now + ttl` and `jti` is `<key SID>-<now>`. The same token for the same
    /// inputs, as twilio-node under the same clock.
    pub fn to_jwt_at(&self, now: u64) -> String {
        let mut header = String::from("{");
        push_key(&mut header, "alg");
        push_str(&mut header, self.algorithm.as_str());
        header.push_str(r#","typ":"JWT","cty":"#);
        push_str(&mut header, CONTENT_TYPE);
        if let Some(region) = &self.region {
            header.push_str(r#","twr":"#);
            push_str(&mut header, region);
        }
        header.push('}');

        let mut payload = String::from("{");
        push_key(&mut payload, "jti");
        push_str(&mut payload, &format!("{}-{now}", self.key_sid));
        payload.push_str(r#","grants":{"identity":"#);
        push_str(&mut payload, &self.identity);
        // Later grants of a kind replace earlier ones, in the earlier one's place.
        let mut grants: Vec<&Grant> = Vec::new();
        for grant in &self.grants {
            match grants.iter_mut().find(|g| g.key() == grant.key()) {
                Some(slot) => *slot = grant,
                None => grants.push(grant),
            }
        }
        for grant in grants {
            payload.push(',');
            push_key(&mut payload, grant.key());
            grant.write(&mut payload);
        }
        payload.push('}');
        if let Some(nbf) = self.nbf {
            payload.push_str(&format!(r#","nbf":{nbf}"#));
        }
        payload.push_str(&format!(
            r#","iat":{now},"exp":{}"#,
            now.saturating_add(self.ttl)
        ));
        payload.push_str(r#","iss":"#);
        push_str(&mut payload, &self.key_sid);
        payload.push_str(r#","sub":"#);
        push_str(&mut payload, &self.account_sid);
        payload.push('}');

        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let signing_input = format!("{}.{}", b64.encode(header), b64.encode(payload));
        let signature = sign(self.algorithm, self.secret.as_bytes(), &signing_input);
        format!("{signing_input}.{}", b64.encode(signature))
    }
}

fn sign(algorithm: Algorithm, key: &[u8], input: &str) -> Vec<u8> {
    fn mac<M: Mac + KeyInit>(key: &[u8], input: &str) -> Vec<u8> {
        let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
        mac.update(input.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
    match algorithm {
        Algorithm::Hs256 => mac::<Hmac<sha2::Sha256>>(key, input),
        Algorithm::Hs384 => mac::<Hmac<sha2::Sha384>>(key, input),
        Algorithm::Hs512 => mac::<Hmac<sha2::Sha512>>(key, input),
    }
}

/// A JSON string as `JSON.stringify` writes it (serde_json escapes the same set).
fn push_str(out: &mut String, s: &str) {
    out.push_str(&Value::from(s).to_string());
}

fn push_key(out: &mut String, key: &str) {
    push_str(out, key);
    out.push(':');
}

/// A JSON value with object members in JavaScript's order (see [`js_order`]).
fn write_js_value(out: &mut String, value: &Value) {
    match value {
        Value::Object(map) => write_js_object(out, map.iter()),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_js_value(out, item);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn write_js_object<'a>(out: &mut String, entries: impl Iterator<Item = (&'a String, &'a Value)>) {
    out.push('{');
    for (i, (k, v)) in js_order(entries).into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_key(out, k);
        write_js_value(out, v);
    }
    out.push('}');
}

/// Object members in the order JavaScript keeps them: array-index keys (`"0"`,
/// `"17"`) first, ascending, then the others in the order given.
fn js_order<'a>(
    entries: impl Iterator<Item = (&'a String, &'a Value)>,
) -> Vec<(&'a String, &'a Value)> {
    let index = |k: &str| -> Option<u32> {
        let canonical = k == "0" || (!k.starts_with('0') && k.bytes().all(|b| b.is_ascii_digit()));
        k.parse::<u32>().ok().filter(|n| canonical && *n < u32::MAX)
    };
    let mut entries: Vec<(Option<u32>, (&String, &Value))> =
        entries.map(|e| (index(e.0), e)).collect();
    // Stable: the other keys keep their order.
    entries.sort_by_key(|(n, _)| match n {
        Some(n) => (0, *n),
        None => (1, 0),
    });
    entries.into_iter().map(|(_, e)| e).collect()
}

/// What a token allows; one of the grant types converts into it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Grant {
    /// Programmable Voice (`voice`).
    Voice(VoiceGrant),
    /// Video rooms (`video`).
    Video(VideoGrant),
    /// Conversations and Chat (`chat`).
    Chat(ChatGrant),
    /// Sync (`data_sync`).
    Sync(SyncGrant),
    /// TaskRouter (`task_router`).
    TaskRouter(TaskRouterGrant),
    /// Live playback (`player`).
    Playback(PlaybackGrant),
}

impl Grant {
    /// The claim's key in `grants` (`voice`, `data_sync`, …).
    pub fn key(&self) -> &'static str {
        match self {
            Grant::Voice(_) => "voice",
            Grant::Video(_) => "video",
            Grant::Chat(_) => "chat",
            Grant::Sync(_) => "data_sync",
            Grant::TaskRouter(_) => "task_router",
            Grant::Playback(_) => "player",
        }
    }

    /// Writes the claim's value as twilio-node writes it (empty values left out).
    fn write(&self, out: &mut String) {
        let mut fields = Fields::new(out);
        match self {
            Grant::Voice(g) => {
                if g.incoming_allow {
                    fields.raw("incoming", r#"{"allow":true}"#);
                }
                if let Some(sid) = non_empty(&g.outgoing_application_sid) {
                    let mut outgoing = String::new();
                    let mut inner = Fields::new(&mut outgoing);
                    inner.string("application_sid", sid);
                    if let Some(params) = &g.outgoing_application_params {
                        let mut text = String::new();
                        write_js_object(&mut text, params.iter().map(|(k, v)| (k, v)));
                        inner.raw("params", &text);
                    }
                    inner.end();
                    fields.raw("outgoing", &outgoing);
                }
                fields.opt("push_credential_sid", &g.push_credential_sid);
                fields.opt("endpoint_id", &g.endpoint_id);
            }
            Grant::Video(g) => fields.opt("room", &g.room),
            Grant::Chat(g) => {
                fields.opt("service_sid", &g.service_sid);
                fields.opt("endpoint_id", &g.endpoint_id);
                fields.opt("deployment_role_sid", &g.deployment_role_sid);
                fields.opt("push_credential_sid", &g.push_credential_sid);
            }
            Grant::Sync(g) => {
                fields.opt("service_sid", &g.service_sid);
                fields.opt("endpoint_id", &g.endpoint_id);
            }
            Grant::TaskRouter(g) => {
                fields.opt("workspace_sid", &g.workspace_sid);
                fields.opt("worker_sid", &g.worker_sid);
                fields.opt("role", &g.role);
            }
            Grant::Playback(g) => {
                if let Some(grant) = &g.grant {
                    for (k, v) in js_order(grant.iter()) {
                        let mut text = String::new();
                        write_js_value(&mut text, v);
                        fields.raw(k, &text);
                    }
                }
            }
        }
        fields.end();
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// Writes a JSON object's members in the order they are given.
struct Fields<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Fields<'a> {
    fn new(out: &'a mut String) -> Self {
        out.push('{');
        Fields { out, first: true }
    }

    fn raw(&mut self, key: &str, json: &str) {
        if !std::mem::take(&mut self.first) {
            self.out.push(',');
        }
        push_key(self.out, key);
        self.out.push_str(json);
    }

    fn string(&mut self, key: &str, value: &str) {
        self.raw(key, &Value::from(value).to_string());
    }

    /// The value when it is set and not empty (twilio-node tests truthiness).
    fn opt(&mut self, key: &str, value: &Option<String>) {
        if let Some(v) = non_empty(value) {
            self.string(key, v);
        }
    }

    fn end(self) {
        self.out.push('}');
    }
}

macro_rules! grant_setters {
    ($grant:ident { $( $(#[$doc:meta])* $field:ident ),* $(,)? }) => {
        impl $grant {
            /// An empty grant; set what it allows.
            pub fn new() -> Self {
                Self::default()
            }
            $(
                $(#[$doc])*
                pub fn $field(mut self, value: impl Into<String>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}

/// Programmable Voice: incoming calls to the identity and outgoing calls through
/// a TwiML application.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VoiceGrant {
    incoming_allow: bool,
    outgoing_application_sid: Option<String>,
    outgoing_application_params: Option<Vec<(String, Value)>>,
    push_credential_sid: Option<String>,
    endpoint_id: Option<String>,
}

grant_setters!(VoiceGrant {
    /// The TwiML application (AP…) outgoing calls go through.
    outgoing_application_sid,
    /// The push credential (CR…) for incoming call notifications.
    push_credential_sid,
    /// The endpoint ID.
    endpoint_id,
});

impl VoiceGrant {
    /// Whether the identity may receive incoming calls.
    pub fn incoming_allow(mut self, allow: bool) -> Self {
        self.incoming_allow = allow;
        self
    }

    /// Parameters passed to the outgoing application's voice URL, written in the
    /// order given (keys that are array indexes first, as in JavaScript). Written
    /// only with an [`outgoing_application_sid`](Self::outgoing_application_sid).
    pub fn outgoing_application_params<K, V>(
        mut self,
        params: impl IntoIterator<Item = (K, V)>,
    ) -> Self
    where
        K: Into<String>,
        V: Into<Value>,
    {
        // A repeated key keeps its first place and its last value, as in JavaScript.
        let mut list: Vec<(String, Value)> = Vec::new();
        for (k, v) in params {
            let (k, v) = (k.into(), v.into());
            match list.iter_mut().find(|(key, _)| *key == k) {
                Some(slot) => slot.1 = v,
                None => list.push((k, v)),
            }
        }
        self.outgoing_application_params = Some(list);
        self
    }
}

/// Video: access to one room, or any room.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VideoGrant {
    room: Option<String>,
}

grant_setters!(VideoGrant {
    /// The room's name or SID (RM…); without it, any room.
    room,
});

/// Conversations and Programmable Chat.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatGrant {
    service_sid: Option<String>,
    endpoint_id: Option<String>,
    deployment_role_sid: Option<String>,
    push_credential_sid: Option<String>,
}

grant_setters!(ChatGrant {
    /// The Conversations or Chat service (IS…).
    service_sid,
    /// The endpoint ID.
    endpoint_id,
    /// The deployment role (RL…).
    deployment_role_sid,
    /// The push credential (CR…).
    push_credential_sid,
});

/// Sync.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncGrant {
    service_sid: Option<String>,
    endpoint_id: Option<String>,
}

grant_setters!(SyncGrant {
    /// The Sync service (IS…).
    service_sid,
    /// The endpoint ID.
    endpoint_id,
});

/// TaskRouter: a worker in a workspace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskRouterGrant {
    workspace_sid: Option<String>,
    worker_sid: Option<String>,
    role: Option<String>,
}

grant_setters!(TaskRouterGrant {
    /// The workspace (WS…).
    workspace_sid,
    /// The worker (WK…).
    worker_sid,
    /// The role (`worker`, …).
    role,
});

/// Live: playback of a player streamer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaybackGrant {
    grant: Option<Map<String, Value>>,
}

impl PlaybackGrant {
    /// An empty grant (`{}`).
    pub fn new() -> Self {
        Self::default()
    }

    /// The playback grant as the Player Streamer API returns it (its keys are
    /// written in the map's order).
    pub fn grant(mut self, grant: Map<String, Value>) -> Self {
        self.grant = Some(grant);
        self
    }
}

macro_rules! into_grant {
    ($($ty:ident => $variant:ident),*) => {
        $(impl From<$ty> for Grant {
            fn from(g: $ty) -> Self {
                Grant::$variant(g)
            }
        })*
    };
}

into_grant!(VoiceGrant => Voice, VideoGrant => Video, ChatGrant => Chat, SyncGrant => Sync,
    TaskRouterGrant => TaskRouter, PlaybackGrant => Playback);
