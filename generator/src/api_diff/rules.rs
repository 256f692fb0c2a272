//! The rules: two sets of surfaces compared API by API, operation by
//! operation, model by model, union by union.

use super::details::{
    added_variant, changed, code, fields_summary, quoted, signature, tag_text, typed,
    values_summary, variants, variants_summary,
};
use super::surface::{ModelSurface, OperationSurface, Surface, VariantSurface};
use super::{ApiDiff, Change, Kind};
use std::collections::{BTreeMap, BTreeSet};

/// The changes between two sets of surfaces, matched by module.
pub fn diff(old: &[Surface], new: &[Surface]) -> ApiDiff {
    let by_module = |s: &[Surface]| -> BTreeMap<String, Surface> {
        s.iter().map(|s| (s.module.clone(), s.clone())).collect()
    };
    let (old, new) = (by_module(old), by_module(new));
    let mut d = Diff::default();
    let mut titles = BTreeMap::new();
    let mut specs = BTreeMap::new();
    for (module, o) in &old {
        titles.insert(module.clone(), o.title.clone());
        specs.insert(module.clone(), o.spec.clone());
        match new.get(module) {
            None => d.push(
                module,
                Kind::ApiRemoved,
                format!("Client::{module}"),
                &o.title,
            ),
            Some(n) => api(&mut d, o, n),
        }
    }
    for (module, n) in &new {
        titles.insert(module.clone(), n.title.clone());
        specs.insert(module.clone(), n.spec.clone());
        if !old.contains_key(module) {
            d.push(
                module,
                Kind::ApiAdded,
                format!("Client::{module}"),
                &n.title,
            );
        }
    }
    let mut changes = d.0;
    changes.sort_by(|a, b| {
        (&a.module, a.class(), &a.path, a.kind, &a.detail).cmp(&(
            &b.module,
            b.class(),
            &b.path,
            b.kind,
            &b.detail,
        ))
    });
    ApiDiff {
        changes,
        titles,
        specs,
        layout: None,
    }
}

/// Changes being collected.
#[derive(Default)]
struct Diff(Vec<Change>);

impl Diff {
    fn push(&mut self, module: &str, kind: Kind, path: String, detail: &str) {
        self.0.push(Change {
            module: module.to_owned(),
            kind,
            path,
            detail: detail.to_owned(),
        });
    }
}

/// Calls `f(key, old, new)` for every key of either map (`None` where missing).
fn zip_maps<'m, V>(
    old: &'m BTreeMap<String, V>,
    new: &'m BTreeMap<String, V>,
    mut f: impl FnMut(&'m str, Option<&'m V>, Option<&'m V>),
) {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for k in keys {
        f(k, old.get(k), new.get(k));
    }
}

fn api(d: &mut Diff, old: &Surface, new: &Surface) {
    let m = old.module.as_str();
    zip_maps(&old.handles, &new.handles, |chain, o, n| match (o, n) {
        (Some(o), None) => d.push(m, Kind::HandleRemoved, chain.to_owned(), &code(o)),
        (None, Some(n)) => d.push(m, Kind::HandleAdded, chain.to_owned(), &code(n)),
        (Some(o), Some(n)) if o != n => d.push(
            m,
            Kind::HandleRenamed,
            chain.to_owned(),
            &format!("`{o}` → `{n}`"),
        ),
        _ => {}
    });
    zip_maps(&old.operations, &new.operations, |path, o, n| {
        match (o, n) {
            (Some(o), None) => d.push(m, Kind::OperationRemoved, path.to_owned(), &signature(o)),
            (None, Some(n)) => d.push(m, Kind::OperationAdded, path.to_owned(), &signature(n)),
            (Some(o), Some(n)) => operation(d, m, path, o, n),
            (None, None) => {}
        }
    });
    let models = |name: &str| format!("{m}::models::{name}");
    zip_maps(&old.models, &new.models, |name, o, n| match (o, n) {
        (Some(o), None) => d.push(m, Kind::ModelRemoved, models(name), &fields_summary(o)),
        (None, Some(n)) => d.push(m, Kind::ModelAdded, models(name), &fields_summary(n)),
        (Some(o), Some(n)) => model(d, m, &models(name), o, n),
        (None, None) => {}
    });
    zip_maps(&old.enums, &new.enums, |name, o, n| match (o, n) {
        (Some(o), None) => d.push(m, Kind::EnumRemoved, models(name), &values_summary(o)),
        (None, Some(n)) => d.push(m, Kind::EnumAdded, models(name), &values_summary(n)),
        (Some(o), Some(n)) => {
            let (ov, nv) = (variants(o), variants(n));
            zip_maps(&ov, &nv, |variant, o, n| {
                let path = format!("{}::{variant}", models(name));
                match (o, n) {
                    (Some(v), None) => d.push(m, Kind::EnumValueRemoved, path, &quoted(v)),
                    (None, Some(v)) => d.push(m, Kind::EnumValueAdded, path, &quoted(v)),
                    _ => {}
                }
            });
        }
        (None, None) => {}
    });
    zip_maps(&old.unions, &new.unions, |name, o, n| match (o, n) {
        (Some(o), None) => d.push(m, Kind::UnionRemoved, models(name), &variants_summary(o)),
        (None, Some(n)) => d.push(m, Kind::UnionAdded, models(name), &variants_summary(n)),
        (Some(o), Some(n)) => union(d, m, &models(name), o, n),
        (None, None) => {}
    });
    zip_maps(&old.aliases, &new.aliases, |name, o, n| match (o, n) {
        (Some(o), None) => d.push(m, Kind::AliasRemoved, models(name), &code(o)),
        (None, Some(n)) => d.push(m, Kind::AliasAdded, models(name), &code(n)),
        (Some(o), Some(n)) if o != n => {
            d.push(m, Kind::AliasChanged, models(name), &changed(o, n));
        }
        _ => {}
    });
}

fn operation(d: &mut Diff, m: &str, path: &str, o: &OperationSurface, n: &OperationSurface) {
    if o.builder != n.builder {
        let detail = changed(&o.builder, &n.builder);
        d.push(m, Kind::BuilderRenamed, path.to_owned(), &detail);
    }
    if o.output != n.output {
        let detail = changed(&o.output, &n.output);
        d.push(m, Kind::OutputChanged, path.to_owned(), &detail);
    }
    let arg_path = |name: &str| format!("{path}({name})");
    let setter_path = |name: &str| format!("{path}(..).{name}(_)");
    let (oa, na): (BTreeMap<String, String>, BTreeMap<String, String>) = (
        o.arguments.iter().cloned().collect(),
        n.arguments.iter().cloned().collect(),
    );
    zip_maps(&oa, &na, |name, ot, nt| match (ot, nt) {
        (Some(t), None) => match n.setters.get(name) {
            Some(st) => d.push(
                m,
                Kind::BecameOptional,
                setter_path(name),
                &format!("argument `{name}: {t}` → setter `{name}({st})`"),
            ),
            None => d.push(m, Kind::ArgumentRemoved, arg_path(name), &typed(name, t)),
        },
        (None, Some(t)) => match o.setters.get(name) {
            Some(st) => d.push(
                m,
                Kind::BecameRequired,
                arg_path(name),
                &format!("setter `{name}({st})` → argument `{name}: {t}`"),
            ),
            None => d.push(m, Kind::ArgumentAdded, arg_path(name), &typed(name, t)),
        },
        (Some(ot), Some(nt)) if ot != nt => {
            d.push(
                m,
                Kind::ParameterTypeChanged,
                arg_path(name),
                &changed(ot, nt),
            );
        }
        _ => {}
    });
    // The same names in another order: positional arguments now take other values.
    let names = |args: &[(String, String)]| -> Vec<String> {
        args.iter().map(|(n, _)| n.clone()).collect()
    };
    let (on, nn) = (names(&o.arguments), names(&n.arguments));
    let same_set = on.iter().collect::<BTreeSet<_>>() == nn.iter().collect::<BTreeSet<_>>();
    if same_set && on != nn {
        let detail = format!("`({})` → `({})`", on.join(", "), nn.join(", "));
        d.push(m, Kind::ArgumentsReordered, path.to_owned(), &detail);
    }
    zip_maps(&o.setters, &n.setters, |name, ot, nt| match (ot, nt) {
        // Moves between setter and argument are reported with the arguments.
        (Some(t), None) if !na.contains_key(name) => {
            d.push(m, Kind::SetterRemoved, setter_path(name), &code(t));
        }
        (None, Some(t)) if !oa.contains_key(name) => {
            d.push(m, Kind::SetterAdded, setter_path(name), &code(t));
        }
        (Some(ot), Some(nt)) if ot != nt => {
            d.push(
                m,
                Kind::ParameterTypeChanged,
                setter_path(name),
                &changed(ot, nt),
            );
        }
        _ => {}
    });
}

fn model(d: &mut Diff, m: &str, path: &str, o: &ModelSurface, n: &ModelSurface) {
    zip_maps(&o.fields, &n.fields, |field, ot, nt| {
        let at = format!("{path}.{field}");
        match (ot, nt) {
            (Some(t), None) => d.push(m, Kind::FieldRemoved, at, &code(t)),
            (None, Some(t)) if o.non_exhaustive => {
                d.push(m, Kind::NonExhaustiveFieldAdded, at, &code(t));
            }
            (None, Some(t)) => d.push(m, Kind::FieldAdded, at, &code(t)),
            (Some(ot), Some(nt)) if ot != nt => {
                d.push(m, Kind::FieldTypeChanged, at, &changed(ot, nt));
            }
            _ => {}
        }
    });
    match (o.non_exhaustive, n.non_exhaustive) {
        (false, true) => d.push(
            m,
            Kind::BecameNonExhaustive,
            path.to_owned(),
            "no request holds it any more: struct literals and exhaustive patterns outside the crate stop compiling",
        ),
        (true, false) => d.push(
            m,
            Kind::BecameExhaustive,
            path.to_owned(),
            "a request now holds it: later added fields are breaking",
        ),
        _ => {}
    }
    match (o.default, n.default) {
        (true, false) => d.push(
            m,
            Kind::DefaultRemoved,
            path.to_owned(),
            "a field is now required",
        ),
        (false, true) => d.push(
            m,
            Kind::DefaultAdded,
            path.to_owned(),
            "every field is optional",
        ),
        _ => {}
    }
}

fn union(d: &mut Diff, m: &str, path: &str, o: &[VariantSurface], n: &[VariantSurface]) {
    let by_name = |vs: &[VariantSurface]| -> BTreeMap<String, VariantSurface> {
        vs.iter().map(|v| (v.name.clone(), v.clone())).collect()
    };
    let (ob, nb) = (by_name(o), by_name(n));
    zip_maps(&ob, &nb, |name, ov, nv| {
        let at = format!("{path}::{name}");
        match (ov, nv) {
            (Some(v), None) => d.push(m, Kind::VariantRemoved, at, &code(&v.ty)),
            (None, Some(v)) => d.push(m, Kind::VariantAdded, at, &added_variant(o, n, v)),
            (Some(ov), Some(nv)) => {
                if ov.ty != nv.ty {
                    d.push(
                        m,
                        Kind::VariantTypeChanged,
                        at.clone(),
                        &changed(&ov.ty, &nv.ty),
                    );
                }
                if ov.tag != nv.tag {
                    let detail = changed(tag_text(ov), tag_text(nv));
                    d.push(m, Kind::VariantTagChanged, at, &detail);
                }
                // A type change takes its conversion with it (reported above).
                if ov.ty == nv.ty {
                    let conversion = |t: &str| format!("{path}::from({t})");
                    match (&ov.from, &nv.from) {
                        (Some(t), None) => d.push(
                            m,
                            Kind::ConversionRemoved,
                            conversion(t),
                            &format!(
                                "another variant now has the Rust type of `{t}`: write `{}::{name}(_)`",
                                path.rsplit("::").next().unwrap_or(path)
                            ),
                        ),
                        (None, Some(t)) => d.push(
                            m,
                            Kind::ConversionAdded,
                            conversion(t),
                            &format!("`{name}` is now the only variant of its Rust type"),
                        ),
                        _ => {}
                    }
                }
            }
            (None, None) => {}
        }
    });
    // The untagged variants both sides have, in each side's decoding order.
    let common = |vs: &[VariantSurface], other: &BTreeMap<String, VariantSurface>| {
        vs.iter()
            .filter(|v| v.tag.is_none() && other.get(&v.name).is_some_and(|w| w.tag.is_none()))
            .map(|v| v.name.clone())
            .collect::<Vec<_>>()
    };
    let (oc, nc) = (common(o, &nb), common(n, &ob));
    if oc != nc {
        let detail = format!(
            "tried in the order `{}` → `{}`: a value more than one of them describes may decode as another",
            oc.join(", "),
            nc.join(", ")
        );
        d.push(m, Kind::VariantsReordered, path.to_owned(), &detail);
    }
}
