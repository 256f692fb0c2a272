//! An OpenAPI 3.1 document (`generator/tests/fixtures/openapi_31.yaml`), normalised
//! to 3.0 on load, through the fixture crate: `type: [T, "null"]` fields are
//! optional and accept `null`, `const` is a one-value enum, a list of several types
//! is a union, a nullable `oneOf` of one schema is that schema, and a query
//! parameter typed `[integer, "null"]` is sent as an integer.

mod common;

use common::{ACCOUNT, TOKEN};
use fixture_client::openapi_31::models::{Note, NoteKind, NoteSize};
use fixture_client::Client;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_31_document_decodes_what_its_schemas_describe() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/Notes/NO1"))
        .and(query_param("Version", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sid": "NO1", "kind": "note", "text": null, "size": "large",
            "tags": ["a"], "parent": {"sid": "NO0", "kind": "note", "size": 12, "parent": null}
        })))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(fixture_client::openapi_31::API, server.uri())
        .build()
        .unwrap();
    let note: Note = client
        .openapi_31()
        .note("NO1")
        .fetch()
        .version(3)
        .await
        .unwrap();
    assert_eq!(note.kind, NoteKind::Note);
    assert_eq!(note.text, None);
    assert_eq!(note.size, Some(NoteSize::String("large".into())));
    assert_eq!(note.tags.as_deref(), Some(&["a".to_owned()][..]));
    let parent = note.parent.expect("parent");
    assert_eq!(parent.sid, "NO0");
    assert_eq!(parent.size, Some(NoteSize::Integer(12)));
    assert!(parent.parent.is_none());
}
