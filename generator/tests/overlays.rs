//! Overlays (OpenAPI Overlay 1.0) applied to a spec before lowering: `update`
//! merges, `remove` deletes, and an action that matches nothing is an error at the
//! overlay's file and action.

use twilio_codegen::diag::{Diagnostics, Location};
use twilio_codegen::ir::{Api, Type};
use twilio_codegen::{lower_specs_with_overlays, Spec};

const SPEC: &str = "\
openapi: 3.0.1
info: {title: T, version: '1'}
servers: [{url: 'https://t.twilio.com'}]
paths:
  /v1/Things:
    post:
      operationId: CreateThing
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                Name: {type: string}
                Color: {type: string}
              required: [Name]
      responses:
        '201': {description: Created}
  /v1/Old:
    get:
      operationId: FetchOld
      responses:
        '200': {description: OK}
";

const PROPS: &str =
    "$.paths['/v1/Things'].post.requestBody.content['application/x-www-form-urlencoded'].schema";

fn lower(overlay: &str) -> Result<Api, Diagnostics> {
    let overlays = [Spec {
        file: "fix.yaml",
        bytes: overlay.as_bytes(),
    }];
    let spec = [Spec {
        file: "specs/t.yaml",
        bytes: SPEC.as_bytes(),
    }];
    lower_specs_with_overlays(&spec, &overlays).map(|(mut apis, _)| apis.remove(0))
}

fn overlay(actions: &str) -> String {
    format!(
        "overlay: 1.0.0\ninfo: {{title: fix, version: '1'}}\nextends: t.yaml\nactions:\n{actions}"
    )
}

fn fields(api: &Api, op: &str) -> Vec<(String, Type, bool)> {
    let o = api.operations.iter().find(|o| o.id == op).unwrap();
    o.body
        .as_ref()
        .unwrap()
        .fields()
        .iter()
        .map(|f| (f.api_name.clone(), f.ty.clone(), f.required))
        .collect()
}

#[test]
fn update_merges_into_every_match_keeping_order() {
    let api = lower(&overlay(&format!(
        "  - target: \"{PROPS}.properties\"\n    description: the API accepts it\n    update:\n      Urgent: {{type: boolean}}\n      Color: {{type: integer}}\n  - target: \"{PROPS}.required\"\n    description: arrays get the entry appended\n    update: Color\n"
    )))
    .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(
        fields(&api, "CreateThing"),
        [
            ("Name".to_owned(), Type::String, true),
            // Merged in place: the overlay's type replaces the spec's.
            ("Color".to_owned(), Type::I64, true),
            // New properties come after the spec's own.
            ("Urgent".to_owned(), Type::Bool, false),
        ]
    );
}

#[test]
fn remove_deletes_every_match() {
    let api = lower(&overlay(&format!(
        "  - target: \"$.paths['/v1/Old']\"\n    description: retired upstream\n    remove: true\n  - target: \"{PROPS}.properties\"\n    description: a new field\n    update: {{Keep: {{type: boolean}}}}\n  - target: \"{PROPS}.properties[?@.type == 'string']\"\n    description: both string fields go\n    remove: true\n  - target: \"{PROPS}.required\"\n    description: nothing is required now\n    remove: true\n"
    )))
    .unwrap_or_else(|d| panic!("{d}"));
    let ids: Vec<&str> = api.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["CreateThing"]);
    assert_eq!(
        fields(&api, "CreateThing"),
        [("Keep".to_owned(), Type::Bool, false)]
    );
}

#[test]
fn a_target_that_matches_nothing_is_an_error_at_the_overlay_action() {
    let err = lower(&overlay(
        "  - target: $.info\n    description: fine\n    update: {x-note: n}\n  - target: \"$.paths['/v1/Renamed'].post\"\n    description: upstream renamed the path\n    update: {summary: s}\n",
    ))
    .unwrap_err();
    assert_eq!(err.0.len(), 1, "{err}");
    let d = &err.0[0];
    assert_eq!(d.file, "fix.yaml");
    assert_eq!(
        d.location,
        Location::Pointer("#/actions/1/target".to_owned())
    );
    assert!(
        d.message
            .contains("matches nothing in specs/t.yaml; the correction no longer applies"),
        "{d}"
    );
}

#[test]
fn malformed_overlays_are_errors_with_locations() {
    let cases = [
        // No reason given.
        (
            overlay("  - target: $.info\n    update: {x-a: 1}\n"),
            "#/actions/0/description",
            "state its reason",
        ),
        // Neither update nor remove.
        (
            overlay("  - target: $.info\n    description: d\n"),
            "#/actions/0",
            "needs `update` or `remove: true`",
        ),
        // Not JSONPath.
        (
            overlay("  - target: info.title\n    description: d\n    update: {x-a: 1}\n"),
            "#/actions/0/target",
            "is not a JSONPath",
        ),
        // Merging an object into a primitive.
        (
            overlay("  - target: $.info\n    description: d\n    update: {title: {a: 1}}\n"),
            "#/actions/0/update",
            "cannot merge at #/info/title",
        ),
        // No `extends`.
        (
            "overlay: 1.0.0\ninfo: {title: f, version: '1'}\nactions: []\n".to_owned(),
            "#/extends",
            "must name the spec file",
        ),
        // A misspelt field (`x-` extensions are allowed).
        (
            "overlay: 1.0.0\ninfo: {title: f, version: '1'}\nextends: t.yaml\nx-owner: me\nactions:\n  - target: $.info\n    description: d\n    x-ticket: 13\n    updte: {x: 1}\n".to_owned(),
            "#/actions/0/updte",
            "unknown field `updte`",
        ),
    ];
    for (text, pointer, words) in cases {
        let err = lower(&text).unwrap_err();
        let d = &err.0[0];
        assert_eq!(d.file, "fix.yaml", "{err}");
        assert_eq!(d.location, Location::Pointer(pointer.to_owned()), "{err}");
        assert!(d.message.contains(words), "{err}");
    }
}

#[test]
fn syntax_errors_in_overlays_have_line_and_column() {
    // Read by the spec loader: a position, not just the file.
    let err = lower(&overlay("  - target: $.info\n    description: [d\n")).unwrap_err();
    let d = &err.0[0];
    assert_eq!(d.file, "fix.yaml", "{err}");
    assert_eq!(d.location, Location::LineCol(7, 1), "{err}");
    assert!(d.message.contains("invalid YAML"), "{err}");

    // The loader's depth limit holds for the overlay itself, at its pointer.
    let mut deep = String::from("1");
    for _ in 0..60 {
        deep = format!("[{deep}]");
    }
    let err = lower(&overlay(&format!(
        "  - target: $.info\n    description: d\n    update: {{x-deep: {deep}}}\n"
    )))
    .unwrap_err();
    let d = &err.0[0];
    assert_eq!(d.file, "fix.yaml", "{err}");
    assert!(d.message.contains("nests deeper than 48 levels"), "{err}");
    assert!(
        matches!(&d.location, Location::Pointer(p) if p.starts_with("#/actions/0/update/x-deep/0/0")),
        "{err}"
    );

    let err = lower_overlay_file("fix.json", "{\"overlay\": }").unwrap_err();
    assert_eq!(err.0[0].location, Location::LineCol(1, 13), "{err}");
}

fn lower_overlay_file(file: &str, text: &str) -> Result<Api, Diagnostics> {
    let overlays = [Spec {
        file,
        bytes: text.as_bytes(),
    }];
    let spec = [Spec {
        file: "specs/t.yaml",
        bytes: SPEC.as_bytes(),
    }];
    lower_specs_with_overlays(&spec, &overlays).map(|(mut apis, _)| apis.remove(0))
}

#[test]
fn an_overlay_for_another_spec_is_not_applied() {
    let text = "overlay: 1.0.0\ninfo: {title: f, version: '1'}\nextends: other.yaml\nactions:\n  - target: $.nothing\n    description: d\n    remove: true\n";
    let api = lower(text).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(api.operations.len(), 2);
}
