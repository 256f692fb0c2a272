//! Paths → operations (params, bodies, responses) and resources.

use super::schemas::{doc_of, SchemaRef};
use super::{ext_str, pii, x_twilio, Lowerer, MAX_DEPTH};
use crate::diag::Pointer;
use crate::ir::{
    Body, BodyKind, Constraints, DependentProperty, Example, ListInfo, Method, Model, Operation,
    Param, ParamLocation, PathType, Resource, Response, Type,
};
use crate::names::{self, Scope};
use openapiv3::{
    MediaType, Operation as OaOperation, Parameter, ParameterSchemaOrContent, PathItem,
    ReferenceOr, RequestBody, Response as OaResponse, SchemaKind, Type as OaType,
};
use serde_json::Value;

const FORM: &str = "application/x-www-form-urlencoded";

impl<'a> Lowerer<'a> {
    /// Lowers every path: its operations and its resource. Returns them with the
    /// API's base URL.
    pub(super) fn lower_paths(&mut self) -> (Vec<Operation>, Vec<Resource>, String) {
        let spec = self.spec;
        let mut paths: Vec<(&'a String, &'a ReferenceOr<PathItem>)> =
            spec.paths.paths.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));

        let base_url = spec
            .servers
            .first()
            .or_else(|| paths.iter().find_map(|(_, p)| p.as_item()?.servers.first()))
            .map(|s| s.url.trim_end_matches('/').to_owned());
        let base_url = match base_url {
            Some(u) => u,
            None => {
                self.error(
                    &Pointer::root().push("servers"),
                    "no server URL in the spec or on any path",
                );
                String::new()
            }
        };

        let mut op_names = Scope::default();
        let mut operations = Vec::new();
        let mut resources = Vec::new();
        for (path, item) in paths {
            let ptr = Pointer::root().push("paths").push(path);
            let item = match item {
                ReferenceOr::Item(i) => i,
                ReferenceOr::Reference { .. } => {
                    self.warn(
                        &ptr,
                        "path item `$ref` is not supported; the path is skipped",
                    );
                    continue;
                }
            };
            let mut ids = Vec::new();
            for (method, key, op) in methods(item) {
                let optr = ptr.push(key);
                let server = op
                    .servers
                    .first()
                    .or(item.servers.first())
                    .map(|s| s.url.trim_end_matches('/').to_owned())
                    .filter(|u| *u != base_url);
                if let Some(o) =
                    self.lower_operation(path, item, method, op, &optr, &mut op_names, server)
                {
                    ids.push(o.id.clone());
                    operations.push(o);
                }
            }
            resources.push(self.lower_resource(path, item, &ptr, ids));
        }
        (operations, resources, base_url)
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_operation(
        &mut self,
        path: &str,
        item: &'a PathItem,
        method: Method,
        op: &'a OaOperation,
        ptr: &Pointer,
        op_names: &mut Scope,
        server: Option<String>,
    ) -> Option<Operation> {
        let id = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => id.clone(),
            _ => {
                let id =
                    names::camel_ident(&format!("{} {}", method.as_str().to_lowercase(), path));
                self.warn(
                    ptr,
                    format!("no operationId; named `{id}` from the method and path"),
                );
                id
            }
        };
        let name = op_names.snake(&id);
        let id_camel = names::camel_ident(&id);
        let mut scope = Scope::default();

        // Parameters: the path item's, overridden by the operation's (same name and `in`).
        let mut raw: Vec<(&'a ReferenceOr<Parameter>, Pointer)> = Vec::new();
        let item_ptr = Pointer::root().push("paths").push(path);
        for (i, p) in item.parameters.iter().enumerate() {
            raw.push((p, item_ptr.push("parameters").push(i)));
        }
        for (i, p) in op.parameters.iter().enumerate() {
            raw.push((p, ptr.push("parameters").push(i)));
        }
        let mut resolved: Vec<(&'a Parameter, Pointer)> = Vec::new();
        for (p, at) in raw {
            if let Some((p, at)) = self.resolve_parameter(p, &at) {
                let key = (p.parameter_data_ref().name.clone(), location_of(p));
                resolved
                    .retain(|(q, _)| (q.parameter_data_ref().name.clone(), location_of(q)) != key);
                resolved.push((p, at));
            }
        }

        let mut params = Vec::new();
        for (p, at) in resolved {
            let Some(location) = location_of(p) else {
                self.warn(
                    &at,
                    "cookie parameters are not supported; the parameter is skipped",
                );
                continue;
            };
            let data = p.parameter_data_ref();
            let schema: SchemaRef<'a> = match &data.format {
                ParameterSchemaOrContent::Schema(s) => s.into(),
                ParameterSchemaOrContent::Content(c) => {
                    match c.values().find_map(|m| m.schema.as_ref()) {
                        Some(s) => s.into(),
                        None => {
                            self.warn(
                                &at,
                                "parameter has neither schema nor content schema; it is skipped",
                            );
                            continue;
                        }
                    }
                }
            };
            let sptr = at.push("schema");
            let ty = self.ty(
                schema,
                &sptr,
                &format!("{id_camel}{}", names::camel_ident(&data.name)),
                0,
            );
            let (constraints, schema_example) = self.constraints(schema, &sptr);
            let example = data
                .example
                .clone()
                .or_else(|| {
                    data.examples
                        .values()
                        .find_map(|e| e.as_item()?.value.clone())
                })
                .or(schema_example);
            params.push(Param {
                name: scope.snake(&data.name),
                api_name: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                constraints,
                doc: doc_of(data.description.as_ref()),
                deprecated: data.deprecated.unwrap_or(false),
                pii: pii(&data.extensions),
                example: example.map(|v| v.to_string()),
            });
        }

        // Path parameters in URL order; every `{Name}` must have one.
        let segments = template_params(path);
        for seg in &segments {
            if !params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.api_name == *seg)
            {
                self.error(
                    &ptr.push("parameters"),
                    format!(
                        "path `{path}` uses `{{{seg}}}` but no path parameter `{seg}` is declared"
                    ),
                );
            }
        }
        params.retain(|p| p.location != ParamLocation::Path || segments.contains(&p.api_name));
        params.sort_by_key(|p| match p.location {
            ParamLocation::Path => segments.iter().position(|s| *s == p.api_name).unwrap_or(0),
            _ => usize::MAX,
        });

        let body = match &op.request_body {
            Some(rb) => self.lower_body(rb, &ptr.push("requestBody"), &id_camel, &mut scope),
            None => None,
        };
        let responses = self.lower_responses(op, ptr, &id_camel);
        let xt = x_twilio(&op.extensions);
        let conditional = xt
            .and_then(|x| x.get("conditional"))
            .and_then(Value::as_array)
            .map(|groups| {
                groups
                    .iter()
                    .filter_map(Value::as_array)
                    .map(|g| {
                        g.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Operation {
            id,
            name,
            method,
            path: path.to_owned(),
            origin: ptr.to_string(),
            summary: doc_of(op.summary.as_ref()),
            doc: doc_of(op.description.as_ref()),
            deprecated: op.deprecated,
            params,
            body,
            responses,
            list: None,
            conditional,
            mount_name: ext_str(xt, "mountName"),
            server,
        })
    }

    fn resolve_parameter(
        &mut self,
        p: &'a ReferenceOr<Parameter>,
        at: &Pointer,
    ) -> Option<(&'a Parameter, Pointer)> {
        let spec = self.spec;
        let mut cur = p;
        let mut at = at.clone();
        for _ in 0..=MAX_DEPTH {
            match cur {
                ReferenceOr::Item(p) => return Some((p, at)),
                ReferenceOr::Reference { reference } => {
                    let key = reference.strip_prefix("#/components/parameters/");
                    match key
                        .and_then(|k| spec.components.as_ref()?.parameters.get(k).map(|p| (k, p)))
                    {
                        Some((k, next)) => {
                            at = Pointer::root()
                                .push("components")
                                .push("parameters")
                                .push(k);
                            cur = next;
                        }
                        None => {
                            self.error(
                                &at.push("$ref"),
                                format!("unresolvable parameter $ref `{reference}`"),
                            );
                            return None;
                        }
                    }
                }
            }
        }
        self.error(&at, "parameter $ref chain too long (cyclic?)");
        None
    }

    /// Client-side checks and the example of a parameter's schema.
    fn constraints(&mut self, s: SchemaRef<'a>, ptr: &Pointer) -> (Constraints, Option<Value>) {
        let Some((s, _)) = self.resolve_schema(s, ptr) else {
            return (Constraints::default(), None);
        };
        let mut c = Constraints::default();
        match &s.schema_kind {
            SchemaKind::Type(OaType::String(st)) => {
                c.pattern = st.pattern.clone();
                c.min_length = st.min_length;
                c.max_length = st.max_length;
            }
            SchemaKind::Type(OaType::Integer(it)) => {
                c.minimum = it.minimum.map(|v| v as f64);
                c.maximum = it.maximum.map(|v| v as f64);
            }
            SchemaKind::Type(OaType::Number(n)) => {
                c.minimum = n.minimum;
                c.maximum = n.maximum;
            }
            SchemaKind::Any(a) => {
                c.pattern = a.pattern.clone();
                c.min_length = a.min_length;
                c.max_length = a.max_length;
                c.minimum = a.minimum;
                c.maximum = a.maximum;
            }
            _ => {}
        }
        (c, s.schema_data.example.clone())
    }

    fn lower_body(
        &mut self,
        rb: &'a ReferenceOr<RequestBody>,
        ptr: &Pointer,
        id_camel: &str,
        scope: &mut Scope,
    ) -> Option<Body> {
        let spec = self.spec;
        let (rb, at) = match rb {
            ReferenceOr::Item(rb) => (rb, ptr.clone()),
            ReferenceOr::Reference { reference } => {
                let key = reference.strip_prefix("#/components/requestBodies/");
                match key.and_then(|k| {
                    spec.components
                        .as_ref()?
                        .request_bodies
                        .get(k)
                        .map(|b| (k, b))
                }) {
                    Some((k, ReferenceOr::Item(b))) => (
                        b,
                        Pointer::root()
                            .push("components")
                            .push("requestBodies")
                            .push(k),
                    ),
                    _ => {
                        self.error(
                            &ptr.push("$ref"),
                            format!("unresolvable request body $ref `{reference}`"),
                        );
                        return None;
                    }
                }
            }
        };
        let chosen = rb
            .content
            .get_key_value(FORM)
            .map(|(k, m)| (k, m, BodyKind::Form))
            .or_else(|| {
                rb.content
                    .iter()
                    .filter(|(k, _)| is_json(k))
                    .min_by_key(|(k, _)| media_rank(k))
                    .map(|(k, m)| (k, m, BodyKind::Json))
            });
        let Some((media_type, media, kind)) = chosen else {
            let types: Vec<&str> = rb.content.keys().map(String::as_str).collect();
            self.warn(
                &at.push("content"),
                format!(
                    "request body media types {types:?} are not supported; the body is skipped"
                ),
            );
            return None;
        };
        let mptr = at.push("content").push(media_type);
        let examples = self.examples(media);
        let first_example = examples
            .first()
            .and_then(|e| serde_json::from_str::<Value>(&e.json).ok());
        let mut body = Body {
            kind,
            media_type: media_type.clone(),
            required: rb.required,
            fields: Vec::new(),
            whole: None,
            examples,
        };
        let Some(schema) = media.schema.as_ref() else {
            if kind == BodyKind::Json {
                body.whole = Some(Type::Json);
            }
            return Some(body);
        };
        let sptr = mptr.push("schema");
        let parts = self
            .resolve_schema(schema.into(), &sptr)
            .and_then(|(s, sat)| self.object_properties(s, &sat));
        match parts {
            Some(parts) => {
                let location = match kind {
                    BodyKind::Form => ParamLocation::Form,
                    BodyKind::Json => ParamLocation::Json,
                };
                for (pname, prop, pptr) in parts.0 {
                    let ty = self.ty(
                        prop,
                        &pptr,
                        &format!("{id_camel}{}", names::camel_ident(pname)),
                        0,
                    );
                    let (constraints, schema_example) = self.constraints(prop, &pptr);
                    let (doc, deprecated, pii) = match prop {
                        SchemaRef::Item(s) => (
                            doc_of(s.schema_data.description.as_ref()),
                            s.schema_data.deprecated,
                            pii(&s.schema_data.extensions),
                        ),
                        SchemaRef::Ref(_) => (None, false, None),
                    };
                    let example = first_example
                        .as_ref()
                        .and_then(|e| e.get(pname))
                        .cloned()
                        .or(schema_example);
                    body.fields.push(Param {
                        name: scope.snake(pname),
                        api_name: pname.to_owned(),
                        location,
                        ty,
                        required: parts.1.contains(pname),
                        constraints,
                        doc,
                        deprecated,
                        pii,
                        example: example.map(|v| v.to_string()),
                    });
                }
            }
            None if kind == BodyKind::Json => {
                let title = match schema {
                    ReferenceOr::Item(s) => s.schema_data.title.clone(),
                    ReferenceOr::Reference { .. } => None,
                };
                let hint = title.unwrap_or_else(|| format!("{id_camel}Request"));
                body.whole = Some(self.ty(schema.into(), &sptr, &hint, 0));
            }
            None => {
                // A form body with no declared fields sends nothing.
            }
        }
        Some(body)
    }

    fn lower_responses(
        &mut self,
        op: &'a OaOperation,
        ptr: &Pointer,
        id_camel: &str,
    ) -> Vec<Response> {
        let spec = self.spec;
        let mut all: Vec<(String, &'a ReferenceOr<OaResponse>)> = op
            .responses
            .responses
            .iter()
            .map(|(c, r)| (c.to_string(), r))
            .collect();
        if let Some(d) = &op.responses.default {
            all.push(("default".to_owned(), d));
        }
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = Vec::new();
        for (status, r) in all {
            let rptr = ptr.push("responses").push(&status);
            let r = match r {
                ReferenceOr::Item(r) => r,
                ReferenceOr::Reference { reference } => {
                    let key = reference.strip_prefix("#/components/responses/");
                    match key.and_then(|k| spec.components.as_ref()?.responses.get(k)) {
                        Some(ReferenceOr::Item(r)) => r,
                        _ => {
                            self.error(
                                &rptr.push("$ref"),
                                format!("unresolvable response $ref `{reference}`"),
                            );
                            continue;
                        }
                    }
                }
            };
            let media = r
                .content
                .iter()
                .filter(|(k, _)| is_json(k))
                .min_by_key(|(k, _)| media_rank(k))
                .or_else(|| r.content.iter().min_by_key(|(k, _)| media_rank(k)));
            let (media_type, ty, examples) = match media {
                None => (None, None, Vec::new()),
                Some((mt, m)) => {
                    let ty = m.schema.as_ref().map(|s| {
                        let title = match s {
                            ReferenceOr::Item(s) => s.schema_data.title.clone(),
                            ReferenceOr::Reference { .. } => None,
                        };
                        let hint = title.unwrap_or_else(|| format!("{id_camel}Response"));
                        self.ty(
                            s.into(),
                            &rptr.push("content").push(mt).push("schema"),
                            &hint,
                            0,
                        )
                    });
                    (Some(mt.clone()), ty, self.examples(m))
                }
            };
            out.push(Response {
                status,
                media_type,
                ty,
                examples,
            });
        }
        out
    }

    /// Example values of a media type (`examples.*.value` and `example`), as JSON.
    fn examples(&mut self, m: &'a MediaType) -> Vec<Example> {
        let spec = self.spec;
        let mut out = Vec::new();
        if let Some(v) = &m.example {
            out.push(Example {
                name: "example".to_owned(),
                json: v.to_string(),
            });
        }
        let mut keys: Vec<&String> = m.examples.keys().collect();
        keys.sort();
        for k in keys {
            let value = match &m.examples[k] {
                ReferenceOr::Item(e) => e.value.clone(),
                ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/examples/")
                    .and_then(|key| {
                        spec.components
                            .as_ref()?
                            .examples
                            .get(key)?
                            .as_item()?
                            .value
                            .clone()
                    }),
            };
            if let Some(v) = value {
                out.push(Example {
                    name: k.clone(),
                    json: v.to_string(),
                });
            }
        }
        out
    }

    fn lower_resource(
        &mut self,
        path: &str,
        item: &'a PathItem,
        ptr: &Pointer,
        operations: Vec<String>,
    ) -> Resource {
        let xt = x_twilio(&item.extensions);
        let path_type = match ext_str(xt, "pathType").as_deref() {
            Some("list") => PathType::List,
            Some("instance") => PathType::Instance,
            other => {
                if let Some(o) = other {
                    self.warn(
                        &ptr.push("x-twilio").push("pathType"),
                        format!("unknown pathType `{o}`; inferred from the path"),
                    );
                }
                if path.ends_with('}') {
                    PathType::Instance
                } else {
                    PathType::List
                }
            }
        };
        let class_name = ext_str(xt, "className");
        let last_literal = path
            .split('/')
            .rev()
            .find(|s| !s.is_empty() && !s.starts_with('{'))
            .unwrap_or("root");
        let name = names::unraw(&names::snake_ident(
            class_name.as_deref().unwrap_or(last_literal),
        ))
        .to_owned();
        let default_output_properties = xt
            .and_then(|x| x.get("defaultOutputProperties"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let dependent_properties = xt
            .and_then(|x| x.get("dependentProperties"))
            .and_then(Value::as_object)
            .map(|o| {
                let mut v: Vec<DependentProperty> = o
                    .iter()
                    .map(|(k, d)| DependentProperty {
                        name: k.clone(),
                        resource_url: d
                            .get("resource_url")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        mapping: d
                            .get("mapping")
                            .and_then(Value::as_object)
                            .map(|m| {
                                m.iter()
                                    .map(|(a, b)| {
                                        (a.clone(), b.as_str().unwrap_or_default().to_owned())
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .collect();
                v.sort_by(|a, b| a.name.cmp(&b.name));
                v
            })
            .unwrap_or_default();
        Resource {
            path: path.to_owned(),
            origin: ptr.to_string(),
            name,
            path_type,
            parent: ext_str(xt, "parent"),
            mount_name: ext_str(xt, "mountName"),
            class_name,
            default_output_properties,
            dependent_properties,
            operations,
        }
    }
}

/// Sets [`Operation::list`] for GET operations whose success response is a page model.
pub(super) fn attach_list_info(mut ops: Vec<Operation>, models: &[Model]) -> Vec<Operation> {
    for op in &mut ops {
        if op.method != Method::Get {
            continue;
        }
        let page = op
            .responses
            .iter()
            .filter(|r| r.status.starts_with('2'))
            .find_map(|r| match &r.ty {
                Some(Type::Model(name)) => {
                    models.iter().find(|m| m.name == *name && m.page.is_some())
                }
                _ => None,
            });
        if let Some((m, shape)) = page.and_then(|m| m.page.as_ref().map(|p| (m, p))) {
            op.list = Some(ListInfo {
                page_model: m.name.clone(),
                items_field: shape.items_field.clone(),
                item: shape.item.clone(),
            });
        }
    }
    ops
}

fn methods(item: &PathItem) -> Vec<(Method, &'static str, &OaOperation)> {
    let all = [
        (Method::Get, "get", &item.get),
        (Method::Post, "post", &item.post),
        (Method::Put, "put", &item.put),
        (Method::Patch, "patch", &item.patch),
        (Method::Delete, "delete", &item.delete),
        (Method::Head, "head", &item.head),
        (Method::Options, "options", &item.options),
        (Method::Trace, "trace", &item.trace),
    ];
    all.into_iter()
        .filter_map(|(m, k, o)| o.as_ref().map(|o| (m, k, o)))
        .collect()
}

fn location_of(p: &Parameter) -> Option<ParamLocation> {
    match p {
        Parameter::Query { .. } => Some(ParamLocation::Query),
        Parameter::Header { .. } => Some(ParamLocation::Header),
        Parameter::Path { .. } => Some(ParamLocation::Path),
        Parameter::Cookie { .. } => None,
    }
}

/// Orders media types so the choice among several does not depend on the spec's
/// key order: `application/json` first, then by name.
fn media_rank(media_type: &str) -> (bool, &str) {
    (media_type != "application/json", media_type)
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

/// The `{Name}` parameters of a path template, in order.
fn template_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    out
}
