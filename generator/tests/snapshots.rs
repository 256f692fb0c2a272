//! Snapshot tests: the IR of the real Flex v1 and Proxy v1 specs and of the
//! fixture specs. Review changes with `cargo insta review`. The code generated
//! from the fixtures is guarded once, as the committed crate `tests/fixture-client`
//! (compiled, tested, and checked fresh by `cargo xtask codegen --check`).

use std::path::{Path, PathBuf};
use twilio_codegen::ir::{Api, Encoding, Method};
use twilio_codegen::{lower_specs_with_overlays, Spec};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The overlays in `specs/overlays/` (file name, bytes): the IR of a real spec is
/// the IR `generated/` is made from, corrections included.
fn overlays() -> Vec<(String, Vec<u8>)> {
    let dir = root().join("specs/overlays");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .map(|p| {
            let name = format!(
                "specs/overlays/{}",
                p.file_name().unwrap().to_string_lossy()
            );
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn lower_file(rel: &str) -> Api {
    let path = root().join(rel);
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; the specs are vendored in specs/", path.display()));
    let overlays = overlays();
    let overlays: Vec<Spec<'_>> = overlays
        .iter()
        .map(|(file, bytes)| Spec { file, bytes })
        .collect();
    let (mut apis, _) = lower_specs_with_overlays(
        &[Spec {
            file: rel,
            bytes: &bytes,
        }],
        &overlays,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    apis.remove(0)
}

/// Counted facts about the specs (shared/docs/twilio-specs.md) the IR must match.
struct Facts {
    operations: usize,
    by_method: [usize; 3],
    enums: usize,
    enum_values: usize,
    form_bodies: usize,
    json_bodies: usize,
    form_fields: usize,
    lists: usize,
    path_query_header: [usize; 3],
}

fn check_facts(api: &Api, f: Facts) {
    let count = |m: Method| api.operations.iter().filter(|o| o.method == m).count();
    assert_eq!(api.operations.len(), f.operations, "operations");
    assert_eq!(
        [
            count(Method::Get),
            count(Method::Post),
            count(Method::Delete)
        ],
        f.by_method,
        "GET/POST/DELETE"
    );
    assert_eq!(api.enums.len(), f.enums, "enum sets");
    assert_eq!(
        api.enums.iter().map(|e| e.values.len()).sum::<usize>(),
        f.enum_values,
        "enum values"
    );
    let bodies = |k: Encoding| {
        api.operations
            .iter()
            .filter(|o| o.body.as_ref().is_some_and(|b| b.encoding == k))
            .count()
    };
    assert_eq!(bodies(Encoding::Form), f.form_bodies, "form bodies");
    assert_eq!(bodies(Encoding::Json), f.json_bodies, "json bodies");
    let form_fields: usize = api
        .operations
        .iter()
        .filter_map(|o| o.body.as_ref())
        .filter(|b| b.encoding == Encoding::Form)
        .map(|b| b.fields().len())
        .sum();
    assert_eq!(form_fields, f.form_fields, "form fields");
    assert_eq!(
        api.operations.iter().filter(|o| o.list.is_some()).count(),
        f.lists,
        "list operations"
    );
    let params = |l| {
        api.operations
            .iter()
            .flat_map(|o| &o.params)
            .filter(|p| p.location == l)
            .count()
    };
    use twilio_codegen::ir::ParamLocation as L;
    assert_eq!(
        [params(L::Path), params(L::Query), params(L::Header)],
        f.path_query_header,
        "path/query/header params"
    );
}

#[test]
fn flex_v1_ir() {
    let api = lower_file("specs/twilio_flex_v1.yaml");
    check_facts(
        &api,
        Facts {
            operations: 73,
            by_method: [35, 32, 6],
            // 31 component enums (124 values) and `flex.v1.instance`'s inline
            // `status` (7).
            enums: 32,
            enum_values: 131,
            form_bodies: 25,
            json_bodies: 3,
            form_fields: 118,
            lists: 18,
            path_query_header: [57, 64, 42],
        },
    );
    insta::assert_yaml_snapshot!("flex_v1_ir", api);
}

#[test]
fn proxy_v1_ir() {
    let api = lower_file("specs/twilio_proxy_v1.yaml");
    check_facts(
        &api,
        Facts {
            operations: 25,
            by_method: [12, 8, 5],
            enums: 8,
            enum_values: 62,
            form_bodies: 8,
            json_bodies: 0,
            // 35 in the spec, and `FailOnParticipantConflict` from the overlay.
            form_fields: 36,
            lists: 6,
            path_query_header: [47, 18, 0],
        },
    );
    let create = api
        .operations
        .iter()
        .find(|o| o.id == "CreateParticipant")
        .unwrap();
    let field = create
        .body
        .as_ref()
        .unwrap()
        .fields()
        .iter()
        .find(|f| f.api_name == "FailOnParticipantConflict")
        .expect("the overlay adds FailOnParticipantConflict");
    assert_eq!(field.ty, twilio_codegen::ir::Type::Bool);
    assert!(!field.required);
    insta::assert_yaml_snapshot!("proxy_v1_ir", api);
}

fn fixture(name: &str) -> Api {
    lower_file(&format!("generator/tests/fixtures/{name}.yaml"))
}

#[test]
fn fixture_names_and_enums() {
    insta::assert_yaml_snapshot!("names_and_enums_ir", fixture("names_and_enums"));
}

#[test]
fn fixture_naming() {
    let api = fixture("naming");
    // Every name is lint-clean (the crate is also compiled with warnings denied):
    // no `Self_`, no doubled underscore, no variant named like `FromStr::Err`.
    let e = api
        .enums
        .iter()
        .find(|e| e.item.api_name == "kind")
        .unwrap();
    let variants: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        variants,
        [
            "Empty",
            "EmptyValue",
            "Empty2",
            "SelfValue",
            "SelfValueValue",
            "Option",
            "None",
            "Some",
            "Result",
            "Ok",
            "ErrValue",
            "String",
            "Box",
            "Vec",
            "Type",
            "UnknownValue"
        ]
    );
    insta::assert_yaml_snapshot!("naming_ir", api);
}

#[test]
fn fixture_security() {
    use twilio_codegen::ir::{Auth, CredentialPlace, SchemeCredential, Type};
    let api = fixture("security");
    let auth = |id: &str| {
        api.operations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.auth.clone())
            .unwrap()
    };
    let scheme = |name: &str, place| SchemeCredential {
        scheme: name.to_owned(),
        place,
    };
    let header = scheme(
        "api_key_header",
        CredentialPlace::Header("X-Api-Key".to_owned()),
    );
    let query = scheme(
        "api_key_query",
        CredentialPlace::Query("api_key".to_owned()),
    );
    let bearer = scheme("bearer", CredentialPlace::Bearer);
    assert_eq!(auth("SearchPets"), Auth::Schemes(vec![header.clone()]));
    assert_eq!(auth("FetchPet"), Auth::Schemes(vec![query.clone()]));
    assert_eq!(auth("UpdatePet"), Auth::Schemes(vec![bearer.clone()]));
    assert_eq!(auth("DeletePet"), Auth::Basic);
    assert_eq!(auth("FetchStore"), Auth::None);
    assert_eq!(
        auth("FetchSession"),
        Auth::Schemes(vec![scheme(
            "api_key_cookie",
            CredentialPlace::Cookie("session".to_owned())
        )])
    );
    assert_eq!(auth("FetchBoth"), Auth::Schemes(vec![header, query]));
    assert_eq!(auth("FetchEither"), Auth::Schemes(vec![bearer]));
    // Only digest: no credentials at all (and a warning), never Basic.
    assert_eq!(auth("FetchDigest"), Auth::Unsatisfiable);
    assert_eq!(
        auth("FetchOrders"),
        Auth::OAuth2 {
            token_url: "https://petstore.example.com/oauth/token".to_owned()
        }
    );
    // An integer path parameter stays an integer.
    let fetch = api.operations.iter().find(|o| o.id == "FetchPet").unwrap();
    assert_eq!(fetch.params[0].ty, Type::I64);
    insta::assert_yaml_snapshot!("security_ir", api);
}

#[test]
fn fixture_models_and_formats() {
    insta::assert_yaml_snapshot!("models_and_formats_ir", fixture("models_and_formats"));
}

#[test]
fn fixture_operations() {
    let api = fixture("operations");
    let list = api.operations.iter().find(|o| o.id == "ListThing").unwrap();
    let names: Vec<&str> = list.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "date_created",
            "date_created_before",
            "date_created_after",
            "color"
        ]
    );
    insta::assert_yaml_snapshot!("operations_ir", api);
}

#[test]
fn fixture_token_pages() {
    use twilio_codegen::ir::PageLinks;
    let api = fixture("token_pages");
    let list = |id: &str| api.operations.iter().find(|o| o.id == id).unwrap();
    let links = |op: &twilio_codegen::ir::Operation| {
        let page = api.model(op.list.as_deref().unwrap()).unwrap();
        page.page.as_ref().unwrap().links.clone()
    };
    // The token goes in the parameter the operation declares, else in twilio-node's.
    let port_ins = list("ListPortInRequests");
    assert_eq!(port_ins.page_token.as_deref(), Some("Token"));
    let PageLinks::Token(t) = links(port_ins) else {
        panic!("not token-paged")
    };
    assert_eq!((t.next.as_str(), t.page_size), ("next_token", None));
    let items = list("ListItem");
    assert_eq!(items.page_token.as_deref(), Some("pageToken"));
    let PageLinks::Token(t) = links(items) else {
        panic!("not token-paged")
    };
    assert_eq!(
        (
            t.next.as_str(),
            t.previous.as_deref(),
            t.page_size.as_deref()
        ),
        ("nextToken", Some("previousToken"), Some("pageSize"))
    );
    insta::assert_yaml_snapshot!("token_pages_ir", api);
}

#[test]
fn fixture_json_only() {
    insta::assert_yaml_snapshot!("json_only_ir", fixture("json_only"));
}

#[test]
fn fixture_variants() {
    let api = fixture("variants");
    let shape = api.union_named("Shape").expect("Shape union");
    // Untagged variants are tried most specific first: the rectangle requires two
    // properties, the circle one.
    let order: Vec<&str> = shape.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(order, ["Rectangle", "Circle"]);
    let pet = api.union_named("Pet").expect("Pet union");
    assert_eq!(pet.tag.as_deref(), Some("pet_type"));
    let tags: Vec<(&str, &[String])> = pet
        .variants
        .iter()
        .map(|v| (v.name.as_str(), v.tags.as_slice()))
        .collect();
    assert_eq!(
        tags,
        [
            ("Cat", &["Cat".to_owned()][..]),
            ("Dog", &["doggo".to_owned()][..])
        ]
    );
    insta::assert_yaml_snapshot!("variants_ir", api);
}

#[test]
fn fixture_openapi_31() {
    let api = fixture("openapi_31");
    let note = api.model("Note").expect("Note model");
    let field = |name: &str| note.fields.iter().find(|f| f.api_name == name).unwrap();
    // `type: [string, "null"]` is a nullable string; `const` a one-value enum; a
    // nullable `oneOf` of one schema is that schema, nullable.
    assert_eq!(
        (field("text").ty.to_string(), field("text").nullable),
        ("string".into(), true)
    );
    assert_eq!(field("kind").ty.to_string(), "enum:NoteKind");
    assert_eq!(
        (field("parent").ty.to_string(), field("parent").nullable),
        ("model:Note".into(), true)
    );
    assert_eq!(field("size").ty.to_string(), "union:NoteSize");
    let version = &api.operations[0].params[1];
    assert_eq!(version.example, Some(serde_json::json!(3)));
    insta::assert_yaml_snapshot!("openapi_31_ir", api);
}
