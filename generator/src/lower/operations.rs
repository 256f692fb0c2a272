//! Paths → operations: parameters, bodies and responses.

use super::schemas::{doc_of, SchemaRef};
use super::Lowerer;
use crate::diag::Pointer;
use crate::ir::{
    Auth, Body, BodyContent, Constraints, CredentialPlace, Encoding, Example, Method, Model,
    Operation, PageLinks, Param, ParamLocation, PathTemplate, Response, SchemeCredential, Status,
    Type,
};
use crate::names::{self, Scope};
use openapiv3::{
    APIKeyLocation, MediaType, Operation as OaOperation, Parameter, ParameterSchemaOrContent,
    PathItem, ReferenceOr, RequestBody, Response as OaResponse, SchemaKind, SecurityScheme,
    StatusCode, Type as OaType,
};
use serde_json::Value;

const FORM: &str = "application/x-www-form-urlencoded";

/// Where an operation is: its path, path item and pointer.
struct Site<'a> {
    path: &'a str,
    item: &'a PathItem,
    ptr: Pointer,
}

impl<'a> Lowerer<'a> {
    /// Lowers every path's operations. Returns them with the API's base URL.
    pub(super) fn lower_paths(&mut self) -> (Vec<Operation>, String) {
        let spec = self.spec;
        let mut paths: Vec<(&'a String, &'a ReferenceOr<PathItem>)> =
            spec.paths.paths.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        let base_url = spec
            .servers
            .first()
            .or_else(|| paths.iter().find_map(|(_, p)| p.as_item()?.servers.first()))
            .map(|s| s.url.trim_end_matches('/').to_owned());
        let base_url = base_url.unwrap_or_else(|| {
            self.error(
                &Pointer::root().push("servers"),
                "no server URL in the spec or on any path",
            );
            String::new()
        });
        let mut op_names = Scope::default();
        // operationId → where it is first used: OpenAPI requires them unique.
        let mut ids: std::collections::BTreeMap<&'a str, Pointer> = Default::default();
        let mut operations = Vec::new();
        for (path, item) in paths {
            let ptr = Pointer::root().push("paths").push(path);
            let ReferenceOr::Item(item) = item else {
                self.warn(
                    &ptr,
                    "path item `$ref` is not supported; the path is skipped",
                );
                continue;
            };
            let site = Site { path, item, ptr };
            for (method, key, op) in methods(item) {
                // A server of the operation (or its path) that is not the API's.
                let server = op
                    .servers
                    .first()
                    .or(item.servers.first())
                    .map(|s| s.url.trim_end_matches('/').to_owned())
                    .filter(|u| *u != base_url);
                let optr = site.ptr.push(key);
                if let Some(id) = op.operation_id.as_deref() {
                    match ids.get(id) {
                        Some(first) => self.error(
                            &optr.push("operationId"),
                            format!("operationId `{id}` is already used at {first}; OpenAPI requires every operationId to be unique"),
                        ),
                        None => {
                            ids.insert(id, optr.clone());
                        }
                    }
                }
                if let Some(mut o) = self.lower_operation(&site, method, op, &optr, &mut op_names) {
                    o.server = server;
                    operations.push(o);
                }
            }
        }
        (operations, base_url)
    }

    fn lower_operation(
        &mut self,
        site: &Site<'a>,
        method: Method,
        op: &'a OaOperation,
        ptr: &Pointer,
        op_names: &mut Scope,
    ) -> Option<Operation> {
        let id = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => id.clone(),
            _ => {
                let id = names::camel_ident(&format!(
                    "{} {}",
                    method.as_str().to_lowercase(),
                    site.path
                ));
                self.warn(
                    ptr,
                    format!("no operationId; named `{id}` from the method and path"),
                );
                id
            }
        };
        let id_camel = names::camel_ident(&id);
        let path = PathTemplate::parse(site.path);
        let mut scope = Scope::default();
        let params = self.lower_params(site, op, ptr, &path, &id_camel, &mut scope);
        let body = match &op.request_body {
            Some(rb) => self.lower_body(rb, &ptr.push("requestBody"), &id_camel, &mut scope),
            None => None,
        };
        Some(Operation {
            name: op_names.snake(&id),
            id,
            method,
            path,
            origin: ptr.clone(),
            summary: doc_of(op.summary.as_ref()),
            doc: doc_of(op.description.as_ref()),
            deprecated: op.deprecated,
            params,
            body,
            responses: self.lower_responses(op, ptr, &id_camel),
            list: None,
            page_token: None,
            server: None,
            auth: self.lower_auth(op, ptr),
        })
    }

    /// How `op` authenticates: the first of its security requirements (or the
    /// spec's) that the client can satisfy as a whole; none for `security: []` or
    /// when neither the operation nor the spec declares any (OpenAPI: no
    /// authentication; every Twilio spec declares its schemes), and none, with a
    /// warning, when no requirement can be satisfied: an operation is never sent
    /// credentials its spec did not ask for.
    fn lower_auth(&mut self, op: &'a OaOperation, ptr: &Pointer) -> Auth {
        let spec = self.spec;
        let Some(requirements) = op.security.as_ref().or(spec.security.as_ref()) else {
            return Auth::None;
        };
        if requirements.is_empty() {
            return Auth::None;
        }
        let schemes = spec.components.as_ref().map(|c| &c.security_schemes);
        let scheme = |name: &str| schemes.and_then(|s| s.get(name)).and_then(|s| s.as_item());
        let found = requirements.iter().find_map(|requirement| {
            let names: Vec<&String> = requirement.keys().collect();
            match names.as_slice() {
                [] => return Some(Auth::None),
                [one] => match scheme(one) {
                    Some(SecurityScheme::HTTP { scheme, .. })
                        if scheme.eq_ignore_ascii_case("basic") =>
                    {
                        return Some(Auth::Basic)
                    }
                    Some(SecurityScheme::OAuth2 { flows, .. }) => {
                        return flows.client_credentials.as_ref().map(|cc| Auth::OAuth2 {
                            token_url: cc.token_url.clone(),
                        })
                    }
                    _ => {}
                },
                _ => {}
            }
            // Every scheme of the requirement must be an API key or bearer token.
            names
                .iter()
                .map(|name| {
                    let place = match scheme(name)? {
                        SecurityScheme::HTTP { scheme, .. }
                            if scheme.eq_ignore_ascii_case("bearer") =>
                        {
                            CredentialPlace::Bearer
                        }
                        SecurityScheme::APIKey { location, name, .. } => match location {
                            APIKeyLocation::Header => CredentialPlace::Header(name.clone()),
                            APIKeyLocation::Query => CredentialPlace::Query(name.clone()),
                            APIKeyLocation::Cookie => CredentialPlace::Cookie(name.clone()),
                        },
                        _ => return None,
                    };
                    Some(SchemeCredential {
                        scheme: (*name).clone(),
                        place,
                    })
                })
                .collect::<Option<Vec<_>>>()
                .map(Auth::Schemes)
        });
        found.unwrap_or_else(|| {
            self.warn(
                &ptr.push("security"),
                "no security requirement the client can satisfy (HTTP Basic or bearer, API \
                 keys in a header, the query or a cookie, OAuth 2.0 client credentials); \
                 the operation is sent without credentials",
            );
            Auth::Unsatisfiable
        })
    }

    /// Path, query and header parameters: the path item's, overridden by the
    /// operation's (same name and `in`); path parameters first, in URL order.
    fn lower_params(
        &mut self,
        site: &Site<'a>,
        op: &'a OaOperation,
        ptr: &Pointer,
        path: &PathTemplate,
        id_camel: &str,
        scope: &mut Scope,
    ) -> Vec<Param> {
        let declared = site
            .item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, site.ptr.push("parameters").push(i)))
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, ptr.push("parameters").push(i))),
            );
        let mut resolved: Vec<(&'a Parameter, Pointer)> = Vec::new();
        for (p, at) in declared {
            if let Some((p, at)) = self.resolve(p, &at) {
                let key = (p.parameter_data_ref().name.clone(), location_of(p));
                resolved
                    .retain(|(q, _)| (q.parameter_data_ref().name.clone(), location_of(q)) != key);
                resolved.push((p, at));
            }
        }
        let mut params: Vec<Param> = resolved
            .into_iter()
            .filter_map(|(p, at)| self.lower_param(p, &at, id_camel, scope))
            .collect();
        // Every `{Name}` of the path must have a path parameter.
        let segments: Vec<&str> = path.params().collect();
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
        params.retain(|p| {
            p.location != ParamLocation::Path || segments.contains(&p.api_name.as_str())
        });
        params.sort_by_key(|p| match p.location {
            ParamLocation::Path => segments.iter().position(|s| *s == p.api_name).unwrap_or(0),
            _ => usize::MAX,
        });
        params
    }

    fn lower_param(
        &mut self,
        p: &'a Parameter,
        at: &Pointer,
        id_camel: &str,
        scope: &mut Scope,
    ) -> Option<Param> {
        let Some(location) = location_of(p) else {
            self.warn(
                at,
                "cookie parameters are not supported; the parameter is skipped",
            );
            return None;
        };
        let data = p.parameter_data_ref();
        // Inline ones are caught on the raw document (`crate::validate`); this
        // covers `$ref`s and specs built in code.
        if location == ParamLocation::Path && !data.required {
            self.error(
                &at.push("required"),
                format!(
                    "path parameter `{}` is not `required: true`; OpenAPI requires it of every path parameter",
                    data.name
                ),
            );
        }
        let schema: SchemaRef<'a> = match &data.format {
            ParameterSchemaOrContent::Schema(s) => s.into(),
            ParameterSchemaOrContent::Content(c) => {
                match c.values().find_map(|m| m.schema.as_ref()) {
                    Some(s) => s.into(),
                    None => {
                        self.warn(
                            at,
                            "parameter has neither schema nor content schema; it is skipped",
                        );
                        return None;
                    }
                }
            }
        };
        let sptr = at.push("schema");
        let hint = format!("{id_camel}{}", names::camel_ident(&data.name));
        let ty = self.ty(schema, &sptr, &hint, 0);
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
        Some(Param {
            name: scope.snake(&data.name),
            api_name: data.name.clone(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            constraints,
            doc: doc_of(data.description.as_ref()),
            deprecated: data.deprecated.unwrap_or(false),
            example,
            format: super::schemas::named_format(schema),
        })
    }

    /// Client-side checks and the example of a parameter's schema.
    pub(super) fn constraints(
        &mut self,
        s: SchemaRef<'a>,
        ptr: &Pointer,
    ) -> (Constraints, Option<Value>) {
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
        let (rb, at) = self.resolve(rb, ptr)?;
        let chosen = rb
            .content
            .get_key_value(FORM)
            .map(|(k, m)| (k, m, Encoding::Form))
            .or_else(|| {
                rb.content
                    .iter()
                    .filter(|(k, _)| is_json(k))
                    .min_by_key(|(k, _)| media_rank(k))
                    .map(|(k, m)| (k, m, Encoding::Json))
            });
        let Some((media_type, media, encoding)) = chosen else {
            let types: Vec<&str> = rb.content.keys().map(String::as_str).collect();
            self.warn(
                &at.push("content"),
                format!(
                    "request body media types {types:?} are not supported; the body is skipped"
                ),
            );
            return None;
        };
        let sptr = at.push("content").push(media_type).push("schema");
        let content = match media.schema.as_ref() {
            None if encoding == Encoding::Json => BodyContent::Whole(Type::Json),
            None => BodyContent::Empty,
            Some(schema) => self.body_content(schema, media, encoding, &sptr, id_camel, scope),
        };
        Some(Body {
            encoding,
            media_type: media_type.clone(),
            required: rb.required,
            content,
        })
    }

    /// The body as one value, of the schema's type (named by its title, or after
    /// the operation).
    fn whole_body(
        &mut self,
        schema: &'a ReferenceOr<openapiv3::Schema>,
        sptr: &Pointer,
        id_camel: &str,
    ) -> BodyContent {
        let title = match schema {
            ReferenceOr::Item(s) => s.schema_data.title.clone(),
            ReferenceOr::Reference { .. } => None,
        };
        let hint = title.unwrap_or_else(|| format!("{id_camel}Request"));
        BodyContent::Whole(self.ty(schema.into(), sptr, &hint, 0))
    }

    /// The fields of a body schema, or the body as one value.
    fn body_content(
        &mut self,
        schema: &'a ReferenceOr<openapiv3::Schema>,
        media: &'a MediaType,
        encoding: Encoding,
        sptr: &Pointer,
        id_camel: &str,
        scope: &mut Scope,
    ) -> BodyContent {
        let parts = self
            .resolve_schema(schema.into(), sptr)
            .and_then(|(s, sat)| self.object_properties(s, &sat));
        let parts = match parts {
            // An object with a variant part (`allOf` + `oneOf`) is sent whole, as
            // its model (common properties and the flattened variant), in JSON or
            // as form fields.
            Some((_, _, true)) => return self.whole_body(schema, sptr, id_camel),
            Some((properties, required, false)) => Some((properties, required)),
            None => None,
        };
        let Some((properties, required)) = parts else {
            if encoding == Encoding::Form {
                // A form body with no declared fields sends nothing.
                return BodyContent::Empty;
            }
            return self.whole_body(schema, sptr, id_camel);
        };
        let first_example = self.examples(media).into_iter().next().map(|e| e.value);
        let mut fields = Vec::new();
        for (pname, prop, pptr) in properties {
            let hint = format!("{id_camel}{}", names::camel_ident(pname));
            let ty = self.ty(prop, &pptr, &hint, 0);
            let (constraints, schema_example) = self.constraints(prop, &pptr);
            let (doc, deprecated) = match prop {
                SchemaRef::Item(s) => (
                    doc_of(s.schema_data.description.as_ref()),
                    s.schema_data.deprecated,
                ),
                SchemaRef::Ref(_) => (None, false),
            };
            let example = first_example
                .as_ref()
                .and_then(|e| e.get(pname))
                .cloned()
                .or(schema_example);
            fields.push(Param {
                name: scope.snake(pname),
                api_name: pname.to_owned(),
                location: ParamLocation::Body,
                ty,
                required: required.contains(pname),
                constraints,
                doc,
                deprecated,
                example,
                format: super::schemas::named_format(prop),
            });
        }
        BodyContent::Fields(fields)
    }

    fn lower_responses(
        &mut self,
        op: &'a OaOperation,
        ptr: &Pointer,
        id_camel: &str,
    ) -> Vec<Response> {
        let mut all: Vec<(Status, &'a ReferenceOr<OaResponse>)> = op
            .responses
            .responses
            .iter()
            .map(|(c, r)| {
                let status = match c {
                    StatusCode::Code(n) => Status::Code(*n),
                    StatusCode::Range(n) => Status::Range(u8::try_from(*n).unwrap_or(u8::MAX)),
                };
                (status, r)
            })
            .collect();
        if let Some(d) = &op.responses.default {
            all.push((Status::Default, d));
        }
        all.sort_by_key(|(s, _)| s.to_string());
        let mut out = Vec::new();
        for (status, r) in all {
            let rptr = ptr.push("responses").push(status);
            let Some((r, _)) = self.resolve(r, &rptr) else {
                continue;
            };
            let media = r
                .content
                .iter()
                .filter(|(k, _)| is_json(k))
                .min_by_key(|(k, _)| media_rank(k))
                .or_else(|| r.content.iter().min_by_key(|(k, _)| media_rank(k)));
            let (ty, examples) = match media {
                None => (None, Vec::new()),
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
                    (ty, self.examples(m))
                }
            };
            let media_type = media
                .map(|(mt, _)| mt.as_str())
                .filter(|mt| is_json(mt) && *mt != "application/json")
                .map(str::to_owned);
            out.push(Response {
                status,
                ty,
                media_type,
                examples,
            });
        }
        out
    }

    /// Example values of a media type (`example`, then `examples.*.value` by key).
    /// An example `$ref` that does not resolve is left out (examples are docs).
    fn examples(&mut self, m: &'a MediaType) -> Vec<Example> {
        let mut out = Vec::new();
        if let Some(v) = &m.example {
            out.push(Example {
                name: "example".to_owned(),
                value: v.clone(),
            });
        }
        let mut keys: Vec<&String> = m.examples.keys().collect();
        keys.sort();
        for k in keys {
            let value = match &m.examples[k] {
                ReferenceOr::Item(e) => e.value.clone(),
                ReferenceOr::Reference { reference } => {
                    super::ref_key::<openapiv3::Example>(reference).and_then(|key| {
                        self.component::<openapiv3::Example>(&key)?
                            .as_item()?
                            .value
                            .clone()
                    })
                }
            };
            if let Some(value) = value {
                out.push(Example {
                    name: k.clone(),
                    value,
                });
            }
        }
        out
    }
}

/// Sets [`Operation::list`] for GET operations whose success response is a page
/// model, and [`Operation::page_token`] for those paged with tokens.
pub(super) fn attach_list_info(mut ops: Vec<Operation>, models: &[Model]) -> Vec<Operation> {
    for op in &mut ops {
        if op.method != Method::Get {
            continue;
        }
        let page = op
            .responses
            .iter()
            .filter(|r| r.status.is_success())
            .find_map(|r| match &r.ty {
                Some(Type::Model(name)) => models
                    .iter()
                    .find(|m| m.item.name == *name && m.page.is_some()),
                _ => None,
            });
        op.list = page.map(|m| m.item.name.clone());
        let token_paged = page
            .and_then(|m| m.page.as_ref())
            .is_some_and(|p| matches!(p.links, PageLinks::Token(_)));
        if token_paged {
            op.page_token = Some(page_token_param(op));
        }
    }
    ops
}

/// The query parameter a token-paged list takes its page token in: the one the
/// operation declares (`PageToken`, `pageToken`, `page_token`, else `Token`), or
/// `pageToken`, which twilio-node's `TokenPage` sends.
fn page_token_param(op: &Operation) -> String {
    let declared = |wanted: &str| {
        op.params_in(ParamLocation::Query)
            .find(|p| p.api_name.replace('_', "").eq_ignore_ascii_case(wanted))
            .map(|p| p.api_name.clone())
    };
    declared("pagetoken")
        .or_else(|| declared("token"))
        .unwrap_or_else(|| "pageToken".to_owned())
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
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}
