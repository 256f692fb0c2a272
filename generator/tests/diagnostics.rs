//! Bad specs give diagnostics with a file and a JSON pointer (or line and column),
//! never a panic.

mod support;

use std::path::Path;
use twilio_codegen::diag::{Diagnostics, Location, Severity};
use twilio_codegen::{load, lower, Spec};

const HEAD: &str =
    "openapi: 3.0.1\ninfo: {title: T, version: '1'}\nservers: [{url: 'https://t.twilio.com'}]\n";

fn lower_yaml(body: &str) -> Result<lower::Lowered, Diagnostics> {
    let text = format!("{HEAD}{body}");
    let spec = load::parse_spec("t.yaml", text.as_bytes()).map_err(Diagnostics::from)?;
    lower::lower("t.yaml", &spec)
}

fn pointers(d: &Diagnostics) -> Vec<String> {
    d.0.iter()
        .map(|d| match &d.location {
            Location::Pointer(p) => p.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn dangling_ref_names_its_location() {
    let err = lower_yaml(
        "paths: {}\ncomponents:\n  schemas:\n    a:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/missing'}\n",
    )
    .unwrap_err();
    assert_eq!(pointers(&err), ["#/components/schemas/a/properties/b/$ref"]);
    let text = err.to_string();
    assert!(
        text.starts_with(
            "error: t.yaml#/components/schemas/a/properties/b/$ref: unresolvable $ref"
        ),
        "{text}"
    );
}

#[test]
fn cyclic_ref_chain_is_an_error_not_a_hang() {
    let err = lower_yaml(
        "paths: {}\ncomponents:\n  schemas:\n    a: {$ref: '#/components/schemas/b'}\n    b: {$ref: '#/components/schemas/a'}\n",
    )
    .unwrap_err();
    assert_eq!(
        pointers(&err),
        ["#/components/schemas/a", "#/components/schemas/b"]
    );
    assert!(
        err.to_string().contains("cyclic $ref chain: a -> b -> a"),
        "{err}"
    );
}

#[test]
fn undeclared_path_parameter_is_an_error() {
    let err = lower_yaml(
        "paths:\n  /v1/Things/{Sid}:\n    get:\n      operationId: FetchThing\n      responses:\n        '200': {description: OK}\n",
    )
    .unwrap_err();
    assert_eq!(
        pointers(&err),
        ["#/paths/~1v1~1Things~1{Sid}/get/parameters"]
    );
    assert!(err.to_string().contains("no path parameter `Sid`"), "{err}");
}

#[test]
fn unsupported_constructs_are_warnings_with_locations() {
    let ok = lower_yaml(
        "paths:\n  /v1/X:\n    get:\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema:\n                not: {type: string}\n",
    )
    .unwrap();
    let w: Vec<String> = ok.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(ok.warnings.len(), 2, "{w:?}");
    assert!(ok.warnings.iter().all(|d| d.severity == Severity::Warning));
    assert!(
        w[0].contains("#/paths/~1v1~1X/get: no operationId; named `GetV1X`"),
        "{w:?}"
    );
    assert!(
        w[1].contains(
            "#/paths/~1v1~1X/get/responses/200/content/application~1json/schema: `not` is not modelled"
        ),
        "{w:?}"
    );
}

fn nested_arrays(levels: usize) -> String {
    let mut schema = String::from("{type: string}");
    for _ in 0..levels {
        schema = format!("{{type: array, items: {schema}}}");
    }
    format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    deep: {schema}\n")
}

#[test]
fn deep_nesting_ends_in_a_diagnostic_not_a_stack_overflow() {
    let d = load::parse_spec("t.yaml", nested_arrays(100).as_bytes()).unwrap_err();
    assert!(
        d.to_string()
            .contains("the document nests deeper than 48 levels"),
        "{d}"
    );
    assert!(
        matches!(&d.location, Location::Pointer(p) if p.starts_with("#/components/schemas/deep/items/items/")),
        "{d}"
    );

    // Deeper than the YAML parser itself accepts: a diagnostic with a position.
    let mut schema = String::from("{type: string}");
    for _ in 0..100 {
        schema = format!("{{type: object, properties: {{x: {schema}}}}}");
    }
    let err = lower_yaml(&format!(
        "paths: {{}}\ncomponents:\n  schemas:\n    deep: {schema}\n"
    ))
    .unwrap_err();
    assert!(
        matches!(err.0[0].location, Location::LineCol(7, _)),
        "{err}"
    );
}

#[test]
fn lowering_bounds_its_own_depth_for_specs_built_in_code() {
    // Build the typed spec on a thread with a large stack (bypassing the loader's
    // bound), then lower it on a normal one.
    let text = nested_arrays(70);
    let spec: openapiv3::OpenAPI = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || yaml_serde::from_str(&text).unwrap())
        .unwrap()
        .join()
        .unwrap();
    let err = lower::lower("t.yaml", &spec).unwrap_err();
    assert!(
        err.to_string().contains(&format!(
            "schemas nest deeper than {} levels",
            twilio_codegen::MAX_DEPTH
        )),
        "{err}"
    );
}

#[test]
fn a_spec_without_servers_is_an_error() {
    let spec = load::parse_spec(
        "t.yaml",
        b"openapi: 3.0.1\ninfo: {title: T, version: '1'}\npaths: {}\n",
    )
    .unwrap();
    let err = lower::lower("t.yaml", &spec).unwrap_err();
    assert_eq!(pointers(&err), ["#/servers"]);
}

#[test]
fn syntax_errors_have_line_and_column() {
    let err = lower_yaml("paths:\n  /v1/X: [unclosed\n").unwrap_err();
    assert_eq!(err.0[0].location, Location::LineCol(6, 1), "{err}");
}

#[test]
fn a_swagger_2_document_is_named_as_such_with_what_to_do() {
    let d = load::parse_spec(
        "old.yaml",
        b"swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n",
    )
    .unwrap_err();
    assert_eq!(d.location, Location::Pointer("#/swagger".to_owned()), "{d}");
    let text = d.to_string();
    for words in [
        "Swagger 2.0 document",
        "reads OpenAPI 3.0",
        "swagger2openapi",
        "Twilio's OpenAPI 3 specs",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    assert!(!text.contains("missing field"), "{text}");

    let d = load::parse_spec("x.yaml", b"info: {title: T, version: '1'}\npaths: {}\n").unwrap_err();
    assert_eq!(d.location, Location::Pointer("#/openapi".to_owned()), "{d}");
    assert!(d.to_string().contains("the `openapi` field"), "{d}");
}

#[test]
fn an_operation_without_responses_is_an_error() {
    for responses in ["", "      responses: {}\n"] {
        let err = lower_yaml(&format!(
            "paths:\n  /v1/X:\n    get:\n      operationId: FetchX\n{responses}"
        ))
        .unwrap_err();
        assert_eq!(pointers(&err), ["#/paths/~1v1~1X/get/responses"], "{err}");
        assert!(
            err.to_string()
                .contains("declares no responses; OpenAPI requires at least one"),
            "{err}"
        );
    }
}

#[test]
fn a_path_parameter_that_is_not_required_is_an_error() {
    let err = lower_yaml(
        "paths:\n  /v1/Things/{Sid}:\n    get:\n      operationId: FetchThing\n      parameters:\n        - {name: Sid, in: path, schema: {type: string}}\n      responses:\n        '200': {description: OK}\n",
    )
    .unwrap_err();
    assert_eq!(
        pointers(&err),
        ["#/paths/~1v1~1Things~1{Sid}/get/parameters/0/required"]
    );
    assert!(
        err.to_string()
            .contains("path parameter `Sid` is not `required: true`"),
        "{err}"
    );
}

#[test]
fn duplicate_operation_ids_are_an_error_naming_both() {
    let err = lower_yaml(
        "paths:\n  /v1/A:\n    get:\n      operationId: Fetch\n      responses:\n        '200': {description: OK}\n  /v1/B:\n    get:\n      operationId: Fetch\n      responses:\n        '200': {description: OK}\n",
    )
    .unwrap_err();
    assert_eq!(pointers(&err), ["#/paths/~1v1~1B/get/operationId"]);
    assert!(
        err.to_string()
            .contains("operationId `Fetch` is already used at #/paths/~1v1~1A/get"),
        "{err}"
    );
}

/// A real spec cut at 30% of its length is still valid YAML, but its last
/// operation has no `responses` (and a path parameter without `required`): it is
/// refused, with locations, not generated.
#[test]
fn a_spec_cut_at_30_percent_is_refused_with_locations() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/twilio_proxy_v1.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let cut = &text[..text.len() * 3 / 10];
    let cut = &cut[..=cut.rfind('\n').unwrap()];
    // Valid YAML: the loader alone does not object to the syntax.
    yaml_serde::from_str::<yaml_serde::Value>(cut).unwrap();
    let specs = [Spec {
        file: "specs/twilio_proxy_v1.yaml",
        bytes: cut.as_bytes(),
    }];
    let err = match twilio_codegen::generate(&specs, &config()) {
        Err(twilio_codegen::Error::Spec(d)) => d,
        Err(other) => panic!("not a spec error: {other}"),
        Ok(_) => panic!("a spec cut at 30% generated a crate"),
    };
    let ps = pointers(&err);
    assert!(
        ps.iter().all(|p| p.starts_with("#/paths/")),
        "every error has a JSON pointer: {err}"
    );
    assert!(
        ps.iter().any(|p| p.ends_with("/post/responses")),
        "the last operation's missing responses: {err}"
    );
}

fn config() -> twilio_codegen::Layout {
    twilio_codegen::Layout {
        standalone: true,
        templates: support::templates(),
        ..twilio_codegen::Layout::new("t")
    }
}

#[test]
fn openapi_31_constructs_without_a_30_form_are_errors_with_pointers() {
    let spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    S:\n      type: [string, integer]\n      oneOf: [{type: string}]\n";
    let d = load::parse_spec("t.yaml", spec.as_bytes()).unwrap_err();
    assert!(
        matches!(&d.location, Location::Pointer(p) if p == "#/components/schemas/S/type"),
        "{d}"
    );
    assert!(d.to_string().contains("no OpenAPI 3.0 form"), "{d}");
    // The same document without the conflict loads, `paths` being optional in 3.1.
    let ok = spec.replace("      oneOf: [{type: string}]\n", "");
    assert!(load::parse_spec("t.yaml", ok.as_bytes()).is_ok());
}

#[test]
fn a_union_that_contains_itself_drops_that_variant_with_a_warning() {
    let ok = lower_yaml(
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      oneOf:\n      - type: string\n      - type: integer\n      - oneOf: [{$ref: '#/components/schemas/A'}, {type: boolean}]\n",
    )
    .unwrap();
    let w: Vec<String> = ok.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("#/components/schemas/A/oneOf/2: a variant that is its own union"),
        "{w:?}"
    );
    let a = ok.api.union_named("A").unwrap();
    let tys: Vec<String> = a.variants.iter().map(|v| v.ty.to_string()).collect();
    assert_eq!(tys, ["i64", "string"]);
}

/// Nine levels of nine aliases over a ~400 KB leaf: billions of nodes if expanded.
fn alias_bomb() -> String {
    let mut text = String::from(
        "openapi: 3.0.1\ninfo: {title: T, version: '1'}\npaths: {}\nx-bomb:\n  a0: &a0 [",
    );
    text.push_str(&vec!["lol"; 100_000].join(","));
    text.push_str("]\n");
    for level in 1..=9 {
        let prev = format!("*a{}", level - 1);
        text.push_str(&format!(
            "  a{level}: &a{level} [{}]\n",
            [prev.as_str(); 9].join(",")
        ));
    }
    text
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly_with_a_position() {
    let bomb = alias_bomb();
    assert!(bomb.len() > 390_000, "{}", bomb.len());
    let start = std::time::Instant::now();
    let d = load::parse_spec("bomb.yaml", bomb.as_bytes()).unwrap_err();
    let took = start.elapsed();
    // Unbounded, this took 26 s and 3.3 GB; bounded, a few milliseconds. The bound
    // is generous for a loaded machine.
    assert!(took < std::time::Duration::from_secs(3), "took {took:?}");
    assert!(d.to_string().contains("alias bomb"), "{d}");
    assert!(matches!(d.location, Location::LineCol(_, _)), "{d}");

    // A few aliases that repeat small content are fine.
    let ok = "openapi: 3.0.1\ninfo: {title: T, version: '1'}\npaths: {}\n\
              x-shared: &s {a: 1, b: [x, y]}\nx-one: *s\nx-two: *s\n";
    load::parse_spec("ok.yaml", ok.as_bytes()).unwrap();
}

#[test]
fn invalid_schema_types_are_errors_at_their_pointers() {
    let text = format!(
        "{HEAD}paths:\n  /v1/Pets:\n    get:\n      parameters:\n        - {{name: n, in: query, schema: {{type: int}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: array\n                items: {{type: strin}}\n              example: {{type: not-a-schema}}\ncomponents:\n  schemas:\n    Pet:\n      type: objekt\n      properties:\n        tags: {{type: array, items: {{type: string}}}}\n        owner: {{allOf: [{{type: [object]}}]}}\n"
    );
    let err = load::parse_spec_with("t.yaml", text.as_bytes(), &[]).unwrap_err();
    assert_eq!(
        pointers(&err),
        [
            "#/paths/~1v1~1Pets/get/parameters/0/schema/type",
            "#/paths/~1v1~1Pets/get/responses/200/content/application~1json/schema/items/type",
            "#/components/schemas/Pet/type",
            "#/components/schemas/Pet/properties/owner/allOf/0/type",
        ],
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("`type: objekt` is not a schema type"),
        "{err}"
    );

    // Every valid type passes.
    let ok = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: object, properties: {{s: {{type: string}}, n: {{type: number}}, i: {{type: integer}}, b: {{type: boolean}}, l: {{type: array, items: {{}}}}}}}}\n"
    );
    load::parse_spec_with("t.yaml", ok.as_bytes(), &[]).unwrap();
}

#[test]
fn an_operation_whose_schemes_cannot_be_satisfied_is_a_warning_at_its_security() {
    let ok = lower_yaml(
        "components:\n  securitySchemes:\n    digest: {type: http, scheme: digest}\npaths:\n  /v1/X:\n    get:\n      operationId: FetchX\n      security: [{digest: []}]\n      responses:\n        '204': {description: OK}\n",
    )
    .unwrap();
    let w: Vec<String> = ok.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains(
            "#/paths/~1v1~1X/get/security: no security requirement the client can satisfy"
        ),
        "{w:?}"
    );
    assert!(w[0].contains("sent without credentials"), "{w:?}");
    assert_eq!(
        ok.api.operations[0].auth,
        twilio_codegen::ir::Auth::Unsatisfiable
    );
}

#[test]
fn a_spec_that_declares_no_security_gets_no_credentials() {
    let no_security = "paths:\n  /v1/X:\n    get:\n      operationId: FetchX\n      responses:\n        '204': {description: OK}\n";
    let ok = lower_yaml(no_security).unwrap();
    assert_eq!(ok.api.operations[0].auth, twilio_codegen::ir::Auth::None);
    // Declared at the top, as every Twilio spec does: Basic.
    let basic = format!(
        "components:\n  securitySchemes:\n    basic: {{type: http, scheme: basic}}\nsecurity: [{{basic: []}}]\n{no_security}"
    );
    let ok = lower_yaml(&basic).unwrap();
    assert_eq!(ok.api.operations[0].auth, twilio_codegen::ir::Auth::Basic);
}
