//! The API change report on the fixture pair in `tests/fixtures/api_diff/`: `old/`
//! and `new/` differ in every way the report classes (see the descriptions in the
//! specs; each side's `overlays/` apply to its specs). Each change is asserted with
//! its class, the totals, each crate's and the facade's semver bump, and the
//! Markdown is an insta snapshot.

mod support;

use std::path::{Path, PathBuf};
use twilio_codegen::api_diff::surface::Surface;
use twilio_codegen::api_diff::{self, Bump, Class, Kind};
use twilio_codegen::{ApiCrate, Layout, Spec};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api_diff")
}

/// (file label, bytes) of the given fixture files (`old/twilio_widgets_v1.yaml`).
fn read(files: &[&str]) -> Vec<(String, Vec<u8>)> {
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(fixtures().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (format!("tests/fixtures/api_diff/{f}"), bytes)
        })
        .collect()
}

fn specs(files: &[(String, Vec<u8>)]) -> Vec<Spec<'_>> {
    files
        .iter()
        .map(|(file, bytes)| Spec { file, bytes })
        .collect()
}

const OLD: &[&str] = &["old/twilio_widgets_v1.yaml", "old/twilio_gone_v1.yaml"];
const NEW: &[&str] = &["new/twilio_widgets_v1.yaml", "new/twilio_fresh_v1.yaml"];

/// The fixture layout: the widgets crate is named and versioned (at 1.x, where a
/// compatible change bumps the minor number); the others get the default rule.
fn layout() -> Layout {
    let mut layout = Layout::new("fixture-rest");
    layout.facade.version = "0.3.1".to_owned();
    layout.crates.push(ApiCrate {
        spec: "twilio_widgets_v1.yaml".to_owned(),
        name: "fixture-widgets".to_owned(),
        version: "1.4.2".to_owned(),
    });
    layout.templates = support::templates();
    layout
}

/// The overlay files of a side (`old` or `new`).
fn overlays(side: &str) -> Vec<(String, Vec<u8>)> {
    read(&[&format!("{side}/overlays/widgets_corrections.yaml")])
}

/// The fixture pair (or other files) compared, each side with its overlays.
fn compare(old: &[&str], new: &[&str]) -> api_diff::ApiDiff {
    let side = |files: &[&str]| files[0].split('/').next().unwrap_or("").to_owned();
    let (oo, no) = (overlays(&side(old)), overlays(&side(new)));
    let (old, new) = (read(old), read(new));
    let (old, oo, new, no) = (specs(&old), specs(&oo), specs(&new), specs(&no));
    let input = |specs, overlays| api_diff::Input { specs, overlays };
    api_diff::compare_inputs(input(&old, &oo), input(&new, &no), &layout())
        .unwrap_or_else(|e| panic!("{e}"))
}

use Class::{Breaking as B, Compatible as C};

/// Every change of the fixture pair: (class, kind, Rust path).
const EXPECTED: &[(Class, Kind, &str)] = &[
    (B, Kind::ApiRemoved, "Client::gone_v1"),
    (C, Kind::ApiAdded, "Client::fresh_v1"),
    // Handles and operations.
    (B, Kind::HandleRemoved, "widgets_v1().sprocket(_)"),
    (B, Kind::OperationRemoved, "widgets_v1().sprocket(_).fetch"),
    (C, Kind::HandleAdded, "widgets_v1().gadgets()"),
    (C, Kind::OperationAdded, "widgets_v1().gadgets().create"),
    (B, Kind::BuilderRenamed, "widgets_v1().widget(_).update"),
    (B, Kind::ArgumentsReordered, "widgets_v1().widget(_).update"),
    (B, Kind::OutputChanged, "widgets_v1().widget(_).delete"),
    // Parameters.
    (
        B,
        Kind::ArgumentAdded,
        "widgets_v1().widgets().create(size)",
    ),
    (
        B,
        Kind::ArgumentRemoved,
        "widgets_v1().widgets().create(legacy)",
    ),
    (
        B,
        Kind::BecameRequired,
        "widgets_v1().widgets().create(color)",
    ),
    (
        B,
        Kind::BecameOptional,
        "widgets_v1().widgets().create(..).name(_)",
    ),
    (
        B,
        Kind::ParameterTypeChanged,
        "widgets_v1().widgets().create(kind)",
    ),
    (
        B,
        Kind::ParameterTypeChanged,
        "widgets_v1().widgets().create(..).count(_)",
    ),
    (
        B,
        Kind::SetterRemoved,
        "widgets_v1().widgets().create(..).old_note(_)",
    ),
    (
        C,
        Kind::SetterAdded,
        "widgets_v1().widgets().create(..).note(_)",
    ),
    // From the new side's overlay (`shade`, in both sides' overlays, is no change).
    (
        C,
        Kind::SetterAdded,
        "widgets_v1().widgets().create(..).priority(_)",
    ),
    // Models a request holds (exhaustive) and those it does not (non-exhaustive).
    (
        B,
        Kind::SetterRemoved,
        "widgets_v1().orders().create(..).extra(_)",
    ),
    (
        C,
        Kind::SetterAdded,
        "widgets_v1().orders().create(..).stamp(_)",
    ),
    (B, Kind::FieldAdded, "widgets_v1::models::Item.note"),
    (
        C,
        Kind::NonExhaustiveFieldAdded,
        "widgets_v1::models::Receipt.extra",
    ),
    (B, Kind::BecameNonExhaustive, "widgets_v1::models::Extra"),
    (C, Kind::BecameExhaustive, "widgets_v1::models::Stamp"),
    // Models.
    (B, Kind::ModelRemoved, "widgets_v1::models::Sprocket"),
    (C, Kind::ModelAdded, "widgets_v1::models::Gadget"),
    (
        C,
        Kind::NonExhaustiveFieldAdded,
        "widgets_v1::models::Widget.color",
    ),
    (
        B,
        Kind::FieldRemoved,
        "widgets_v1::models::Widget.legacy_code",
    ),
    (B, Kind::FieldTypeChanged, "widgets_v1::models::Widget.sid"),
    (B, Kind::FieldTypeChanged, "widgets_v1::models::Widget.size"),
    (B, Kind::DefaultRemoved, "widgets_v1::models::Widget"),
    (B, Kind::FieldTypeChanged, "widgets_v1::models::Part.sid"),
    (C, Kind::DefaultAdded, "widgets_v1::models::Part"),
    // Enums and aliases.
    (B, Kind::EnumRemoved, "widgets_v1::models::WidgetShape"),
    (C, Kind::EnumAdded, "widgets_v1::models::WidgetKind"),
    (
        B,
        Kind::EnumValueRemoved,
        "widgets_v1::models::WidgetStatus::Pending",
    ),
    (
        C,
        Kind::EnumValueAdded,
        "widgets_v1::models::WidgetStatus::Archived",
    ),
    (B, Kind::AliasRemoved, "widgets_v1::models::Label"),
    (C, Kind::AliasAdded, "widgets_v1::models::Tag"),
    (B, Kind::AliasChanged, "widgets_v1::models::Code"),
    // Unions.
    (B, Kind::UnionRemoved, "widgets_v1::models::Ticket"),
    (C, Kind::UnionAdded, "widgets_v1::models::Payload"),
    (
        C,
        Kind::VariantAdded,
        "widgets_v1::models::Amount::StringList",
    ),
    (C, Kind::VariantAdded, "widgets_v1::models::Amount::Number"),
    (B, Kind::VariantRemoved, "widgets_v1::models::Reading::Bool"),
    (
        B,
        Kind::VariantTypeChanged,
        "widgets_v1::models::Reading::Integer",
    ),
    (C, Kind::VariantAdded, "widgets_v1::models::Reading::Tag"),
    (
        B,
        Kind::ConversionRemoved,
        "widgets_v1::models::Reading::from(String)",
    ),
    (
        B,
        Kind::ConversionRemoved,
        "widgets_v1::models::Quantity::from(i64)",
    ),
    (
        C,
        Kind::ConversionAdded,
        "widgets_v1::models::Quantity::from(String)",
    ),
    (B, Kind::VariantsReordered, "widgets_v1::models::Colour"),
    (
        B,
        Kind::VariantTagChanged,
        "widgets_v1::models::Event::Click",
    ),
    (C, Kind::VariantAdded, "widgets_v1::models::Event::Hover"),
    (C, Kind::ModelAdded, "widgets_v1::models::Hover"),
];

#[test]
fn the_fixture_pair_gives_every_change_with_its_class() {
    let diff = compare(OLD, NEW);
    let mut got: Vec<(Class, Kind, &str)> = diff
        .changes
        .iter()
        .map(|c| (c.class(), c.kind, c.path.as_str()))
        .collect();
    let mut expected = EXPECTED.to_vec();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    let breaking = EXPECTED.iter().filter(|(c, _, _)| *c == B).count();
    assert_eq!(diff.breaking(), breaking);
    assert_eq!(diff.compatible(), EXPECTED.len() - breaking);
    assert_eq!(diff.bump(), Bump::Major);
}

#[test]
fn details_name_the_types_involved() {
    let diff = compare(OLD, NEW);
    let detail = |kind: Kind, path: &str| {
        diff.changes
            .iter()
            .find(|c| c.kind == kind && c.path == path)
            .map(|c| c.detail.clone())
            .unwrap_or_else(|| panic!("no {kind:?} at {path}"))
    };
    assert_eq!(
        detail(
            Kind::ParameterTypeChanged,
            "widgets_v1().widgets().create(kind)"
        ),
        "`String` → `models::WidgetKind`"
    );
    assert_eq!(
        detail(Kind::FieldTypeChanged, "widgets_v1::models::Widget.sid"),
        "`Option<String>` → `String`"
    );
    assert_eq!(
        detail(Kind::OutputChanged, "widgets_v1().widget(_).delete"),
        "`()` → `models::Widget`"
    );
    assert_eq!(
        detail(Kind::ArgumentsReordered, "widgets_v1().widget(_).update"),
        "`(first, second)` → `(second, first)`"
    );
    assert_eq!(
        detail(
            Kind::EnumValueAdded,
            "widgets_v1::models::WidgetStatus::Archived"
        ),
        "`\"archived\"`"
    );
    // Unions: which values an added variant may take depends on where it is tried.
    assert_eq!(
        detail(Kind::VariantAdded, "widgets_v1::models::Amount::StringList"),
        "`Vec<String>`, tried before `Bool`, `Integer`: a value that decoded as one of \
         them may now decode as `StringList`"
    );
    assert_eq!(
        detail(Kind::VariantAdded, "widgets_v1::models::Amount::Number"),
        "`f64`, tried after the old variants: only a value that decoded as `Other` can \
         decode as `Number`"
    );
    assert_eq!(
        detail(Kind::VariantAdded, "widgets_v1::models::Event::Hover"),
        "`Box<models::Hover>`, selected by `kind = \"hover\"`: a value with that tag \
         decoded as `Other` before"
    );
    assert_eq!(
        detail(
            Kind::VariantTypeChanged,
            "widgets_v1::models::Reading::Integer"
        ),
        "`i64` → `i32`"
    );
    assert_eq!(
        detail(Kind::VariantTagChanged, "widgets_v1::models::Event::Click"),
        "`kind = \"click\"` → `kind = \"clicked\"`"
    );
    assert_eq!(
        detail(Kind::VariantsReordered, "widgets_v1::models::Colour"),
        "tried in the order `WidgetHue, WidgetTone` → `WidgetTone, WidgetHue`: a value \
         more than one of them describes may decode as another"
    );
    assert_eq!(
        detail(
            Kind::ConversionRemoved,
            "widgets_v1::models::Reading::from(String)"
        ),
        "another variant now has the Rust type of `String`: write `Reading::String(_)`"
    );
}

#[test]
fn the_surface_follows_the_plan() {
    let new = read(&["new/twilio_widgets_v1.yaml"]);
    let surfaces = api_diff::surfaces(&specs(&new)).unwrap();
    let s = &surfaces[0];
    let create = &s.operations["widgets_v1().widgets().create"];
    // Required parameters in body order, as the verb takes them.
    let args: Vec<(&str, &str)> = create
        .arguments
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        args,
        [
            ("kind", "models::WidgetKind"),
            ("color", "String"),
            ("size", "i64")
        ]
    );
    let setters: Vec<&str> = create.setters.keys().map(String::as_str).collect();
    assert_eq!(setters, ["count", "name", "note"]);
    assert_eq!(create.builder, "requests::CreateWidget");
    assert_eq!(create.output, "models::Widget");
    assert_eq!(s.handles["widgets_v1()"], "resources::WidgetsV1");
    assert!(!s.models["Widget"].default && s.models["Part"].default);
    assert_eq!(s.models["Widget"].fields["size"], "Option<i64>");
}

/// The union surface agrees with the emitted enums (the fixture crate's
/// `variants` module), and they are `#[non_exhaustive]`, as the classes assume.
#[test]
fn union_surfaces_follow_the_emitted_enums() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(root.join("tests/fixtures/variants.yaml")).unwrap();
    let spec = Spec {
        file: "tests/fixtures/variants.yaml",
        bytes: &bytes,
    };
    let s = &api_diff::surfaces(&[spec]).unwrap()[0];
    let emitted = std::fs::read_to_string(
        root.join("../tests/fixture-client/fixture-client-variants/src/models.rs"),
    )
    .unwrap();
    let pet: Vec<(&str, &str, Option<&str>, Option<&str>)> = s.unions["Pet"]
        .iter()
        .map(|v| {
            (
                v.name.as_str(),
                v.ty.as_str(),
                v.tag.as_deref(),
                v.from.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        pet,
        [
            (
                "Cat",
                "Box<models::Cat>",
                Some("pet_type = \"Cat\""),
                Some("models::Cat")
            ),
            (
                "Dog",
                "Box<models::Dog>",
                Some("pet_type = \"doggo\""),
                Some("models::Dog")
            ),
        ]
    );
    // A union-typed field is listed with the union's name.
    assert_eq!(s.models["Holder"].fields["shape"], "Option<models::Shape>");
    assert!(!s.unions.is_empty());
    for (name, variants) in &s.unions {
        let decl = format!("#[non_exhaustive]\npub enum {name} {{");
        let at = emitted.find(&decl).unwrap_or_else(|| panic!("{decl}"));
        let body = &emitted[at..at + emitted[at..].find("\n}").unwrap()];
        // The variants in their declared order, then `Other`.
        let mut rest = body;
        for v in variants {
            let line = format!("    {}({}),", v.name, v.ty.replace("models::", ""));
            let i = rest.find(&line).unwrap_or_else(|| panic!("{name}: {line}"));
            rest = &rest[i + line.len()..];
        }
        assert!(rest.contains("Other(twilio_rest_runtime::serde_json::Value),"));
        for v in variants {
            let unboxed =
                v.ty.strip_prefix("Box<")
                    .and_then(|t| t.strip_suffix('>'))
                    .unwrap_or(&v.ty);
            let from = format!(
                "impl From<{}> for {name} {{",
                unboxed.replace("models::", "")
            );
            assert_eq!(emitted.contains(&from), v.from.is_some(), "{from}");
        }
    }
}

#[test]
fn default_account_shortcuts_are_handles_whose_subtree_is_listed_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bytes = std::fs::read(root.join("legacy_2010.yaml")).unwrap();
    let spec = Spec {
        file: "tests/fixtures/legacy_2010.yaml",
        bytes: &bytes,
    };
    let s = &api_diff::surfaces(&[spec]).unwrap()[0];
    // The shortcut and the account's own chain reach one handle type.
    let shortcut = &s.handles["legacy_2010().calls()"];
    assert_eq!(shortcut, &s.handles["legacy_2010().account(_).calls()"]);
    // Its operations are listed under the account only.
    assert!(s
        .operations
        .contains_key("legacy_2010().account(_).calls().list"));
    let through_shortcut: Vec<&String> = s
        .operations
        .keys()
        .filter(|k| k.starts_with("legacy_2010().call"))
        .collect();
    assert!(through_shortcut.is_empty(), "{through_shortcut:?}");
}

#[test]
fn no_change_is_a_patch_and_additions_alone_are_minor() {
    let same = compare(OLD, OLD);
    assert!(same.changes.is_empty(), "{:?}", same.changes);
    assert_eq!(same.bump(), Bump::Patch);
    assert!(same
        .markdown()
        .contains("**0 breaking, 0 compatible → `fixture-rest` 0.3.1: semver patch**"));

    let added = compare(OLD, &[OLD[0], OLD[1], NEW[1]]);
    let kinds: Vec<Kind> = added.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [Kind::ApiAdded]);
    assert_eq!(added.bump(), Bump::Minor);
    assert!(added
        .markdown()
        .contains("→ `fixture-rest` 0.3.1: semver minor → 0.3.2**"));
}

#[test]
fn each_crate_has_its_own_bump_and_the_facade_the_greatest() {
    let diff = compare(OLD, NEW);
    let crates: Vec<(String, String, Bump)> = diff
        .crates()
        .into_iter()
        .map(|c| (c.name, c.version, c.bump))
        .collect();
    let c = |name: &str, version: &str, bump| (name.to_owned(), version.to_owned(), bump);
    assert_eq!(
        crates,
        [
            c("fixture-rest-fresh-v1", "0.3.1", Bump::Minor),
            c("fixture-rest-gone-v1", "0.3.1", Bump::Major),
            c("fixture-widgets", "1.4.2", Bump::Major),
        ]
    );
    let md = diff.markdown();
    assert!(md.contains("| `fixture-widgets` | `widgets_v1` | "), "{md}");
    assert!(md.contains("| 1.4.2 semver major → 2.0.0 |"), "{md}");
    assert!(md.contains("| 0.3.1 semver minor → 0.3.2 |"), "{md}");
    assert!(
        md.contains("`fixture-rest` 0.3.1: semver major → 0.4.0**"),
        "{md}"
    );
    // Cargo's rules: at 1.x a compatible change bumps the minor number.
    assert_eq!(
        api_diff::next_version("1.4.2", Bump::Minor).as_deref(),
        Some("1.5.0")
    );
    assert_eq!(
        api_diff::next_version("0.1.0", Bump::Major).as_deref(),
        Some("0.2.0")
    );
    assert_eq!(api_diff::next_version("1.4.2", Bump::Patch), None);
    assert_eq!(api_diff::next_version("1.x", Bump::Major), None);
}

#[test]
fn overlays_count_on_both_sides() {
    // The old specs with the new side's overlay: only the overlay's new parameter.
    let old = read(OLD);
    let (oo, no) = (overlays("old"), overlays("new"));
    let (specs_old, oo, no) = (specs(&old), specs(&oo), specs(&no));
    let input = |specs, overlays| api_diff::Input { specs, overlays };
    let diff = api_diff::compare_inputs(input(&specs_old, &oo), input(&specs_old, &no), &layout())
        .unwrap();
    let got: Vec<(Kind, &str)> = diff
        .changes
        .iter()
        .map(|c| (c.kind, c.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [(
            Kind::SetterAdded,
            "widgets_v1().widgets().create(..).priority(_)"
        )]
    );
    // Without overlays on the old side, both parameters are new.
    let diff = api_diff::compare_inputs(input(&specs_old, &[]), input(&specs_old, &no), &layout())
        .unwrap();
    assert_eq!(diff.changes.len(), 2, "{:?}", diff.changes);
}

#[test]
fn a_renamed_handle_type_is_breaking() {
    // Handle type names follow the path words, so no spec edit renames one alone:
    // edit the surface.
    let old = read(OLD);
    let before: Vec<Surface> = api_diff::surfaces(&specs(&old)).unwrap();
    let mut after = before.clone();
    let handle = after[0]
        .handles
        .get_mut("widgets_v1().widget(_)")
        .expect("the widget handle");
    *handle = "resources::Gizmo".to_owned();
    let diff = api_diff::diff(&before, &after);
    assert_eq!(diff.changes.len(), 1, "{:?}", diff.changes);
    let c = &diff.changes[0];
    assert_eq!((c.kind, c.class()), (Kind::HandleRenamed, B));
    assert_eq!(diff.bump(), Bump::Major);
}

#[test]
fn an_integer_path_parameter_is_part_of_its_chain() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let old = std::fs::read_to_string(dir.join("security.yaml")).unwrap();
    // `PetId` as text: `pet(_)` instead of `pet(_: i64)`.
    let new = old.replacen(
        "type: integer\n        format: int64\n      example: 7",
        "type: string",
        1,
    );
    assert_ne!(old, new);
    fn spec(text: &str) -> Spec<'_> {
        Spec {
            file: "security.yaml",
            bytes: text.as_bytes(),
        }
    }
    let diff = api_diff::compare(&[spec(&old)], &[spec(&new)]).unwrap();
    let handles: Vec<(Kind, &str)> = diff
        .changes
        .iter()
        .filter(|c| matches!(c.kind, Kind::HandleAdded | Kind::HandleRemoved))
        .map(|c| (c.kind, c.path.as_str()))
        .collect();
    assert_eq!(
        handles,
        [
            (Kind::HandleRemoved, "security().pet(_: i64)"),
            (Kind::HandleAdded, "security().pet(_)"),
        ]
    );
    assert_eq!(diff.bump(), Bump::Major);
}

#[test]
fn every_kind_is_covered() {
    let covered: std::collections::BTreeSet<Kind> = EXPECTED
        .iter()
        .map(|(_, k, _)| *k)
        .chain([Kind::HandleRenamed])
        .collect();
    let all: std::collections::BTreeSet<Kind> = Kind::ALL.iter().copied().collect();
    assert_eq!(covered, all);
}

#[test]
fn the_markdown_report() {
    let diff = compare(OLD, NEW);
    let md = diff.markdown();
    assert!(md.contains(&format!(
        "**{} breaking, {} compatible → `fixture-rest` 0.3.1: semver major → 0.4.0**",
        diff.breaking(),
        diff.compatible()
    )));
    insta::assert_snapshot!(md);
}

#[test]
fn models_no_request_holds_are_non_exhaustive_in_the_emitted_code() {
    let new = read(&["new/twilio_widgets_v1.yaml"]);
    let out = twilio_codegen::generate(&specs(&new), &layout()).unwrap();
    let models = out
        .files
        .iter()
        .find(|(path, _)| path.ends_with("src/models.rs"))
        .map(|(_, text)| text.clone())
        .expect("models.rs");
    // The attribute right before `pub struct Name`, if it is `#[non_exhaustive]`.
    let non_exhaustive = |name: &str| {
        let at = models
            .find(&format!("pub struct {name} {{"))
            .unwrap_or_else(|| panic!("no struct {name}"));
        models[..at].trim_end().ends_with("#[non_exhaustive]")
    };
    // Response-only: a field added is compatible.
    for name in ["Receipt", "Widget", "Extra", "Part"] {
        assert!(non_exhaustive(name), "{name} should be #[non_exhaustive]");
    }
    // Held by the JSON body of CreateOrder (directly or through a field): users
    // build them with struct literals.
    for name in ["Item", "Stamp"] {
        assert!(!non_exhaustive(name), "{name} should be exhaustive");
    }
}
