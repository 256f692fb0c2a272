//! The intermediate model: what the emitter knows about an API. It is built by
//! [`crate::lower`] (the only code that reads `openapiv3` types and `x-twilio`
//! extensions) and is plain data: names are already valid Rust identifiers, every
//! list is in a deterministic order, and every item records the JSON pointer it
//! came from.
//!
//! One [`Api`] is one spec (one product and version, e.g. Flex v1) and becomes one
//! module and one Cargo feature of the generated crate.

use crate::diag::Pointer;
use serde::Serialize;

/// One product and version: one spec file, one module, one feature.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    /// The spec file name (`twilio_flex_v1.yaml`).
    pub spec_file: String,
    /// Rust module name (`flex_v1`).
    pub module: String,
    /// Cargo feature name (`flex-v1`).
    pub feature: String,
    /// `info.title` (`Twilio - Flex`).
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The API host every operation is sent to (`https://flex-api.twilio.com`).
    pub base_url: String,
    /// Object schemas, by Rust name.
    pub models: Vec<Model>,
    /// String enums, by Rust name.
    pub enums: Vec<Enum>,
    /// Named schemas that are neither objects nor enums (`pub type X = …`).
    pub aliases: Vec<Alias>,
    /// Values that are one of several schemas (`oneOf`, `anyOf`), by Rust name.
    pub unions: Vec<Union>,
    /// Operations, ordered by path then method.
    pub operations: Vec<Operation>,
}

impl Api {
    /// The model named `name`.
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models
            .binary_search_by(|m| m.item.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.models[i])
    }

    /// The union named `name`.
    pub fn union_named(&self, name: &str) -> Option<&Union> {
        self.unions
            .binary_search_by(|u| u.item.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.unions[i])
    }

    /// The enum named `name`.
    pub fn enum_named(&self, name: &str) -> Option<&Enum> {
        self.enums
            .binary_search_by(|e| e.item.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.enums[i])
    }
}

/// What every named item (model, enum, alias) has: its names, where it came from
/// and its docs.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Rust type name.
    pub name: String,
    /// Schema name in the spec, or a description of where an inline schema was.
    pub api_name: String,
    /// Where the schema is.
    pub origin: Pointer,
    /// Sanitized description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

impl Item {
    /// Whether the item is the component schema it is named after (and not an
    /// inline schema).
    pub fn is_component(&self) -> bool {
        matches!(self.origin.segments(), [c, s, key] if c == "components" && s == "schemas" && *key == self.api_name)
    }
}

/// A type as used by a field, parameter or response. Serialized (for snapshots) in
/// its [`Display`](std::fmt::Display) form, e.g. `array<model:Participant>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`integer` without format or `int64`).
    I64,
    /// `f64`.
    F64,
    /// RFC 3339 date-time (`format: date-time`).
    DateTime,
    /// RFC 2822 date-time (`format: date-time-rfc-2822`).
    DateTimeRfc2822,
    /// A calendar date (`format: date`).
    Date,
    /// A URI reference (`format: uri`): an absolute URL, or a path relative to
    /// the API's host (the 2010 API).
    Uri,
    /// Free-form or untyped JSON.
    Json,
    /// A JSON object sent as flattened `<prefix>.<key>` parameters (Twilio's
    /// `format: prefixed-collapsible-map-<prefix>`); in a response, plain JSON.
    PrefixedMap(String),
    /// A generated struct, by Rust name.
    Model(String),
    /// A generated enum, by Rust name.
    Enum(String),
    /// A named alias, by Rust name.
    Alias(String),
    /// A generated union (`oneOf`/`anyOf`), by Rust name.
    Union(String),
    /// A list.
    Array(Box<Type>),
    /// A JSON object with arbitrary keys.
    Map(Box<Type>),
    /// The `meta` object of a Twilio list page (a runtime type).
    PageMeta,
    /// An array item or map value that may be `null`.
    Nullable(Box<Type>),
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Bool => f.write_str("bool"),
            Type::I32 => f.write_str("i32"),
            Type::I64 => f.write_str("i64"),
            Type::F64 => f.write_str("f64"),
            Type::DateTime => f.write_str("date_time"),
            Type::DateTimeRfc2822 => f.write_str("date_time_rfc2822"),
            Type::Date => f.write_str("date"),
            Type::Uri => f.write_str("uri"),
            Type::Json => f.write_str("json"),
            Type::PrefixedMap(p) => write!(f, "prefixed_map:{p}"),
            Type::Model(n) => write!(f, "model:{n}"),
            Type::Enum(n) => write!(f, "enum:{n}"),
            Type::Alias(n) => write!(f, "alias:{n}"),
            Type::Union(n) => write!(f, "union:{n}"),
            Type::Array(t) => write!(f, "array<{t}>"),
            Type::Map(t) => write!(f, "map<{t}>"),
            Type::PageMeta => f.write_str("page_meta"),
            Type::Nullable(t) => write!(f, "nullable<{t}>"),
        }
    }
}

impl Serialize for Type {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A struct generated from an object schema.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// Names, origin and docs.
    #[serde(flatten)]
    pub item: Item,
    /// Properties, in spec order.
    pub fields: Vec<Field>,
    /// Set when this model is one page of a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<PageShape>,
}

/// How a list page model is laid out: one array of items plus paging links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageShape {
    /// API name of the array property (equals `meta.key`).
    pub items_field: String,
    /// Type of one item.
    pub item: Type,
    /// Where the links to other pages are.
    pub links: PageLinks,
}

/// Where a page keeps its paging links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageLinks {
    /// In a `meta` object (`meta.next_page_url`, absolute).
    Meta,
    /// In top-level fields (`next_page_uri`, relative; the 2010 API).
    TopLevel,
    /// Tokens in a `meta` model (`meta.next_token`): the next page is the first
    /// request again with the token in [`Operation::page_token`].
    Token(TokenLinks),
}

/// Where a token-paged list keeps its tokens: properties of its `meta` model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenLinks {
    /// API name of the page's meta property (`meta`).
    pub field: String,
    /// The meta model, by Rust name.
    pub model: String,
    /// API name of the next page's token in the meta model (`next_token`,
    /// `nextToken`).
    pub next: String,
    /// API name of the previous page's token, if declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// API name of the page size, if declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<String>,
}

/// A struct field.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Rust field name (may be raw, `r#type`).
    pub name: String,
    /// JSON property name.
    pub api_name: String,
    /// Value type (without the `Option`).
    pub ty: Type,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`, or not known not to be (`$ref`).
    pub nullable: bool,
    /// Sanitized description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// `deprecated: true`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The object's variant part (a `oneOf`/`anyOf` beside common properties):
    /// its properties are the object's own (`#[serde(flatten)]`); `api_name` is
    /// then the Rust name.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub flatten: bool,
    /// What a valid value satisfies (pattern, lengths, bounds): sample values
    /// for calls are built to it; not checked by the client.
    #[serde(skip)]
    pub constraints: Constraints,
    /// A string format the type does not carry (`email`), for sample values.
    #[serde(skip)]
    pub format: Option<String>,
}

impl Field {
    /// Whether the Rust field is an `Option`.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// An open string enum: the known values plus, in Rust, `Unknown(String)`.
#[derive(Debug, Clone, Serialize)]
pub struct Enum {
    /// Names, origin and docs.
    #[serde(flatten)]
    pub item: Item,
    /// The known values.
    pub values: Vec<EnumValue>,
}

/// One enum value.
#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    /// Rust variant name.
    pub name: String,
    /// The API spelling.
    pub value: String,
}

/// A value that is one of several schemas (`oneOf`, `anyOf`): in Rust an enum with
/// one variant per schema plus `Other(serde_json::Value)` for a value none of them
/// describes.
#[derive(Debug, Clone, Serialize)]
pub struct Union {
    /// Names, origin and docs.
    #[serde(flatten)]
    pub item: Item,
    /// The discriminator's property (`discriminator.propertyName`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The variants, in the order they are tried when no tag selects one: most
    /// specific first (see `lower::schemas::variant_rank`).
    pub variants: Vec<Variant>,
}

/// One variant of a [`Union`].
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// Rust variant name.
    pub name: String,
    /// The value's type.
    pub ty: Type,
    /// The discriminator values that select this variant (the `mapping` keys
    /// naming its schema, else the schema's name); empty without a discriminator.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// `pub type Name = Type;` for a named schema that is not an object or an enum.
#[derive(Debug, Clone, Serialize)]
pub struct Alias {
    /// Names, origin and docs.
    #[serde(flatten)]
    pub item: Item,
    /// The aliased type.
    pub ty: Type,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
    /// TRACE
    Trace,
}

impl Method {
    /// The method as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
        }
    }
}

/// One operation (path + method).
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `operationId` (`CreateInteractionChannelParticipant`).
    pub id: String,
    /// Rust method name derived from the id (`create_interaction_channel_participant`).
    pub name: String,
    /// HTTP method.
    pub method: Method,
    /// URL path template (`/v1/Interactions/{InteractionSid}`).
    pub path: PathTemplate,
    /// Where the operation is.
    pub origin: Pointer,
    /// Sanitized summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Sanitized description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// `deprecated: true`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// Path, query and header parameters, path first in URL order.
    pub params: Vec<Param>,
    /// The request body, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// Every declared response, by status code.
    pub responses: Vec<Response>,
    /// For list operations: the page model (whose [`Model::page`] describes the
    /// items and links).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// For token-paged lists ([`PageLinks::Token`]): the query parameter the next
    /// page's token is sent in (the one the operation declares, else `pageToken`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
    /// The server the operation is sent to, when it differs from the API's
    /// [`Api::base_url`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// How the operation authenticates (its `security`, else the spec's).
    #[serde(skip_serializing_if = "Auth::is_basic")]
    pub auth: Auth,
}

/// How an operation authenticates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Auth {
    /// HTTP Basic (Account SID and Auth Token, or an API key and secret): what
    /// Twilio's specs declare, and the default when they declare nothing.
    #[default]
    Basic,
    /// OAuth 2.0 client credentials, with the scheme's token endpoint.
    #[serde(rename = "oauth2")]
    OAuth2 {
        /// Where tokens are fetched (`https://oauth.twilio.com/v2/token`).
        token_url: String,
    },
    /// No credentials (`security: []`).
    None,
    /// Only requirements the client cannot satisfy (HTTP Digest, OpenID
    /// Connect, …): sent without credentials, never with others (lower warns).
    Unsatisfiable,
    /// The application's secrets for the spec's own security schemes (API keys,
    /// bearer tokens), all of them sent: one requirement may name several.
    Schemes(Vec<SchemeCredential>),
}

/// One security scheme an operation requires, and where its secret goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeCredential {
    /// The scheme's name in `components.securitySchemes`.
    pub scheme: String,
    /// Where the secret goes.
    pub place: CredentialPlace,
}

/// Where a security scheme's secret goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialPlace {
    /// `Authorization: Bearer` (HTTP `bearer`).
    Bearer,
    /// A header of this name (`apiKey` in `header`).
    Header(String),
    /// A query parameter of this name.
    Query(String),
    /// A cookie of this name.
    Cookie(String),
}

impl Auth {
    /// Whether this is [`Auth::Basic`].
    pub fn is_basic(&self) -> bool {
        *self == Auth::Basic
    }
}

impl Operation {
    /// The parameters in `location`, in order.
    pub fn params_in(&self, location: ParamLocation) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(move |p| p.location == location)
    }
}

/// A URL path template, parsed once: `/v1/Services/{Sid}` is the literal `v1`,
/// the literal `Services` and the parameter `Sid`. Serialized as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// The template as written in the spec.
    pub raw: String,
    /// Its non-empty segments.
    pub segments: Vec<Segment>,
}

/// One segment of a [`PathTemplate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text (`Services`, `2010-04-01`).
    Literal(String),
    /// A parameter and the literal text after it in the same segment
    /// (`{Sid}.json` → `Sid` and `.json`).
    Param {
        /// The parameter name.
        name: String,
        /// Literal text after the parameter (usually empty).
        suffix: String,
    },
}

impl PathTemplate {
    /// Parses `raw`. A segment with text before a `{` is taken literally.
    pub fn parse(raw: &str) -> Self {
        let segments = raw
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|seg| {
                let param = seg
                    .strip_prefix('{')
                    .and_then(|rest| rest.split_once('}'))
                    .filter(|(name, _)| !name.is_empty());
                match param {
                    Some((name, suffix)) => Segment::Param {
                        name: name.to_owned(),
                        suffix: suffix.to_owned(),
                    },
                    None => Segment::Literal(seg.to_owned()),
                }
            })
            .collect();
        PathTemplate {
            raw: raw.to_owned(),
            segments,
        }
    }

    /// The parameter names, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Param { name, .. } => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }
}

impl std::fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for PathTemplate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// A `{Name}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A field of the request body (encoded as the [`Body`] says).
    Body,
}

/// Constraints a value must meet, checked client-side before sending.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// A regular expression the string matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Minimum string length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// Maximum string length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// Inclusive minimum of a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Inclusive maximum of a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
}

impl Constraints {
    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// One operation parameter or body field.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Rust name, unique within the operation.
    pub name: String,
    /// The API name, sent on the wire (`DateCreated<`, `Integration.FlowSid`).
    pub api_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Value type.
    pub ty: Type,
    /// Must be given.
    pub required: bool,
    /// Checks on the value.
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Sanitized description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// `deprecated: true`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// An example value from the spec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
    /// A string format the type does not carry (`email`), for sample values.
    #[serde(skip)]
    pub format: Option<String>,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `application/json` (or another JSON media type).
    Json,
}

/// A request body.
#[derive(Debug, Clone, Serialize)]
pub struct Body {
    /// Form or JSON.
    pub encoding: Encoding,
    /// The declared media type, sent as `Content-Type`.
    pub media_type: String,
    /// `requestBody.required`.
    pub required: bool,
    /// What the body holds.
    pub content: BodyContent,
}

/// What a request body holds.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyContent {
    /// Named fields (an object with known properties): each a [`Param`] in
    /// [`ParamLocation::Body`].
    Fields(Vec<Param>),
    /// One JSON value (a free-form object, or a schema without properties).
    Whole(Type),
    /// Nothing is sent (a form body that declares no fields).
    Empty,
}

impl Body {
    /// The body's named fields (none for a whole or empty body).
    pub fn fields(&self) -> &[Param] {
        match &self.content {
            BodyContent::Fields(f) => f,
            _ => &[],
        }
    }
}

/// One declared response.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    /// The status (`200`, `2XX`, `default`).
    pub status: Status,
    /// Body type, if one is declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ty: Option<Type>,
    /// The media type the body is read as, when it is a JSON type other than
    /// `application/json` (`application/scim+json`): the client asks for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Example bodies (only their names are snapshotted).
    #[serde(
        serialize_with = "example_names",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub examples: Vec<Example>,
}

/// A response status as declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// One code (`201`).
    Code(u16),
    /// A range (`2XX`: the hundreds digit).
    Range(u8),
    /// `default`: any status not declared otherwise.
    Default,
}

impl Status {
    /// The hundreds digit of the status (2 for `201` and `2XX`), if it has one.
    pub fn class(self) -> Option<u16> {
        match self {
            Status::Code(c) => Some(c / 100),
            Status::Range(r) => Some(u16::from(r)),
            Status::Default => None,
        }
    }

    /// A 2xx status.
    pub fn is_success(self) -> bool {
        self.class() == Some(2)
    }

    /// A 3xx status.
    pub fn is_redirect(self) -> bool {
        self.class() == Some(3)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Range(r) => write!(f, "{r}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A named example value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    /// The example's key in the spec.
    pub name: String,
    /// The value.
    pub value: serde_json::Value,
}

fn example_names<S: serde::Serializer>(v: &[Example], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|e| &e.name))
}
