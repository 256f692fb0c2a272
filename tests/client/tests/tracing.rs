//! Tracing: a subscriber sees exactly one `twilio.call` span per call, with the
//! API, operation id, method, path template, attempt, status, `Twilio-Request-Id`
//! and duration, for a plain call, a call retried after 429 and a failed one; and
//! no credential, SID from the path or parameter value in any span or event.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use twilio_rest::{Client, Error, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Fields as text, by name.
type Fields = BTreeMap<String, String>;

#[derive(Debug, Clone)]
struct SpanRecord {
    name: String,
    fields: Fields,
}

#[derive(Debug, Clone)]
struct EventRecord {
    name: String,
    /// The id of the span it happened in.
    parent: Option<u64>,
    fields: Fields,
}

#[derive(Default)]
struct Seen {
    /// By span id, in creation order.
    spans: Vec<(u64, SpanRecord)>,
    events: Vec<EventRecord>,
}

/// A layer that keeps every span's fields (as recorded so far) and every event.
#[derive(Clone, Default)]
struct Collect(Arc<Mutex<Seen>>);

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Collect {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Visitor(&mut fields));
        let name = attrs.metadata().name().to_owned();
        self.0
            .lock()
            .unwrap()
            .spans
            .push((id.into_u64(), SpanRecord { name, fields }));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut seen = self.0.lock().unwrap();
        if let Some((_, span)) = seen.spans.iter_mut().find(|(i, _)| *i == id.into_u64()) {
            values.record(&mut Visitor(&mut span.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Visitor(&mut fields));
        let parent = ctx.event_span(event).map(|s| s.id().into_u64());
        let name = event.metadata().name().to_owned();
        self.0.lock().unwrap().events.push(EventRecord {
            name,
            parent,
            fields,
        });
    }
}

impl Collect {
    fn calls(&self) -> Vec<SpanRecord> {
        let seen = self.0.lock().unwrap();
        seen.spans
            .iter()
            .filter(|(_, s)| s.name == "twilio.call")
            .map(|(_, s)| s.clone())
            .collect()
    }

    fn events_named(&self, name: &str) -> Vec<EventRecord> {
        let seen = self.0.lock().unwrap();
        seen.events
            .iter()
            .filter(|e| e.name == name)
            .cloned()
            .collect()
    }

    /// Every recorded value (span fields, event fields and messages), as text.
    fn all_text(&self) -> String {
        let seen = self.0.lock().unwrap();
        let spans = seen.spans.iter().flat_map(|(_, s)| s.fields.values());
        let events = seen.events.iter().flat_map(|e| e.fields.values());
        spans.chain(events).cloned().collect::<Vec<_>>().join("\n")
    }

    /// Installs the layer for the current thread (the test's runtime is
    /// single-threaded, so every span of the call is seen).
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let subscriber = tracing_subscriber::registry().with(self.clone());
        tracing::subscriber::set_default(subscriber)
    }
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap()
}

const IDENTIFIER: &str = "+15558675310";
const FRIENDLY: &str = "Alice Private-Name";

/// What must never be recorded: the credentials, the SIDs in the path and the
/// parameter values.
fn assert_nothing_secret(collect: &Collect) {
    let text = collect.all_text();
    for secret in [
        TOKEN,
        ACCOUNT,
        basic_auth().trim_start_matches("Basic "),
        &sid("KS", 'a'),
        &sid("KC", 'a'),
        IDENTIFIER,
        "15558675310",
        FRIENDLY,
        "Private-Name",
    ] {
        assert!(!text.contains(secret), "`{secret}` recorded in:\n{text}");
    }
}

fn assert_call(span: &SpanRecord, want: &[(&str, &str)]) {
    for (k, v) in want {
        assert_eq!(
            span.fields.get(*k).map(String::as_str),
            Some(*v),
            "field `{k}` of {span:?}"
        );
    }
    let ms: u64 = span.fields["duration_ms"].parse().unwrap();
    assert!(ms < 10_000, "{span:?}");
}

#[tokio::test]
async fn one_span_per_call_with_its_fields_and_no_values() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("Twilio-Request-Id", "RQ00000000000000000000000000000001")
                .set_body_json(serde_json::json!({"sid": sid("KP", 'b')})),
        )
        .mount(&server)
        .await;
    let collect = Collect::default();
    let _guard = collect.install();

    client(&server)
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(sid("KC", 'a'))
        .participants()
        .create(IDENTIFIER)
        .friendly_name(FRIENDLY)
        .await
        .unwrap();

    let calls = collect.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_call(
        &calls[0],
        &[
            ("api", "proxy_v1"),
            ("operation", "CreateParticipant"),
            ("method", "POST"),
            (
                "path",
                "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Participants",
            ),
            ("attempt", "1"),
            ("status", "201"),
            ("request_id", "RQ00000000000000000000000000000001"),
        ],
    );
    assert!(!calls[0].fields.contains_key("error"), "{calls:?}");
    assert!(collect.events_named("retry").is_empty());
    assert_nothing_secret(&collect);
}

#[tokio::test]
async fn a_retried_call_is_one_span_with_a_retry_event() {
    let server = MockServer::start().await;
    let session = format!(
        "/v1/Services/{}/Sessions/{}",
        sid("KS", 'a'),
        sid("KC", 'a')
    );
    Mock::given(method("GET"))
        .and(path(session.as_str()))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Twilio-Request-Id", "RQ00000000000000000000000000000429"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(session.as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Twilio-Request-Id", "RQ00000000000000000000000000000200")
                .set_body_json(serde_json::json!({"sid": sid("KC", 'a')})),
        )
        .mount(&server)
        .await;
    let collect = Collect::default();
    let _guard = collect.install();

    client(&server)
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(sid("KC", 'a'))
        .fetch()
        .await
        .unwrap();

    let calls = collect.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_call(
        &calls[0],
        &[
            ("api", "proxy_v1"),
            ("operation", "FetchSession"),
            ("method", "GET"),
            ("path", "/v1/Services/{ServiceSid}/Sessions/{Sid}"),
            ("attempt", "2"),
            ("status", "200"),
            ("request_id", "RQ00000000000000000000000000000200"),
        ],
    );
    let retries = collect.events_named("retry");
    assert_eq!(retries.len(), 1, "{retries:?}");
    assert_eq!(retries[0].fields["attempt"], "2");
    assert_eq!(retries[0].fields["status"], "429");
    // Full jitter: a random wait up to the first backoff (5 ms).
    let delay: u64 = retries[0].fields["delay_ms"].parse().unwrap();
    assert!(delay <= 5, "{delay}");
    let span_id = collect
        .0
        .lock()
        .unwrap()
        .spans
        .iter()
        .find(|(_, s)| s.name == "twilio.call")
        .map(|(id, _)| *id);
    assert_eq!(
        retries[0].parent, span_id,
        "the event is in the call's span"
    );
    assert_nothing_secret(&collect);
}

#[tokio::test]
async fn a_failed_call_records_its_status_and_error_kind_only() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "code": 20404, "status": 404,
            "message": format!("The requested resource /v1/Services/{}/Sessions/{} was not found", sid("KS", 'a'), sid("KC", 'a')),
        })))
        .mount(&server)
        .await;
    let collect = Collect::default();
    let _guard = collect.install();

    let err = client(&server)
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(sid("KC", 'a'))
        .delete()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    let calls = collect.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_call(
        &calls[0],
        &[
            ("operation", "DeleteSession"),
            ("status", "404"),
            ("attempt", "1"),
            ("error", "api"),
        ],
    );
    assert_nothing_secret(&collect);
}

#[tokio::test]
async fn a_body_over_the_cap_is_recorded_as_its_own_kind() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(2048)))
        .mount(&server)
        .await;
    let collect = Collect::default();
    let _guard = collect.install();
    let capped = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .max_body_size(1024)
        .build()
        .unwrap();
    let err = capped
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(sid("KC", 'a'))
        .delete()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge(_)), "{err:?}");
    let calls = collect.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_call(&calls[0], &[("status", "200"), ("error", "body_too_large")]);
}

#[tokio::test]
async fn each_page_of_a_list_is_a_call_with_the_first_pages_template() {
    let server = MockServer::start().await;
    let page = |n: u8, next: Option<String>| {
        serde_json::json!({
            "participants": [{"sid": sid("KP", char::from(b'a' + n))}],
            "meta": {"page": n, "page_size": 1, "key": "participants", "next_page_url": next,
                     "previous_page_url": null, "first_page_url": "https://proxy.twilio.com/x",
                     "url": "https://proxy.twilio.com/x"}
        })
    };
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("Page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(1, None)))
        .with_priority(1)
        .mount(&server)
        .await;
    let next = format!(
        "https://proxy.twilio.com{}?Page=1&PageSize=1",
        participants_path()
    );
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0, Some(next))))
        .mount(&server)
        .await;
    let collect = Collect::default();
    let _guard = collect.install();

    let list = client(&server)
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(sid("KC", 'a'))
        .participants()
        .list();
    let items = list.clone().await.unwrap();
    assert_eq!(items.len(), 2);
    // Page by page: `next_page()` is a call of its own too.
    let first = list.page().await.unwrap();
    let second = first.next_page().await.unwrap().unwrap();
    assert!(!second.has_next());
    let calls = collect.calls();
    assert_eq!(calls.len(), 4, "{calls:?}");
    for c in &calls {
        assert_call(
            c,
            &[
                ("operation", "ListParticipant"),
                (
                    "path",
                    "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Participants",
                ),
                ("status", "200"),
            ],
        );
    }
    assert_nothing_secret(&collect);
}
