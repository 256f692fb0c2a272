// Sends every operation of `cases.json` (generated beside the client) through
// twilio-node's resource classes, for the differential test
// `tests/client/tests/differential_node.rs`.
//
//   node differential.js <dir of the installed `twilio` package> <cases.json> <server> <out.json>
//
// Each operation is found generically: from the API's version object
// (`client.flexApi.v1`, named after the base URL's host and the path's first
// segment), lists are reached through getters and contexts by calling a list with
// the next path segment (or with nothing, for a singleton), until an object's
// `_uri` is the operation's path. The method is the one twilio-node generates for
// the HTTP method (`page`/`fetch`, `create`/`update`, `update` for PUT, `remove`),
// and each argument's twilio-node name is read from that method's source
// (`data["X"] = ...params["x"]`, or a prefixed map's `params["x"]`); a method that
// sends its `params` as the JSON body (`data = params;`) is given the body's
// properties by their wire names.
// Date arguments the method serializes with `serialize.iso8601Date*` are given as
// `Date`s, everything else as the JSON value. A case with an item limit calls
// `list({..., limit})` instead of `page`.
//
// Requests go through twilio-node's own RequestClient, with only the scheme and
// host of the URL replaced by the recording server's. Before each operation a
// marker request `GET /__differential/<module>/<operation>/<variant>` (sent directly, not
// through twilio-node) tells the recorder which requests belong to it. The output
// is {version, results: [{module, operation, variant, found, error, missing}]}.
"use strict";

const fs = require("fs");
const http = require("http");
const path = require("path");

const [dir, casesPath, server, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error("usage: node differential.js <twilio package dir> <cases.json> <server> <out.json>");
  process.exit(2);
}
const pkg = path.resolve(dir);
const version = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8")).version;
const twilio = require(pkg);
const cases = JSON.parse(fs.readFileSync(casesPath, "utf8"));
const target = new URL(server);

/** twilio-node's RequestClient, sending to the recording server instead. */
class Redirecting {
  constructor() {
    this.inner = new twilio.RequestClient();
  }
  request(opts) {
    const uri = new URL(opts.uri);
    uri.protocol = target.protocol;
    uri.host = target.host;
    return this.inner.request({ ...opts, uri: uri.href });
  }
}

const client = twilio(cases.account_sid, cases.auth_token, { httpClient: new Redirecting() });

function marker(module, operation, variant) {
  return new Promise((resolve, reject) => {
    const url = new URL(`/__differential/${module}/${operation}/${variant}`, target);
    http
      .get(url, (res) => {
        res.resume();
        res.on("end", resolve);
      })
      .on("error", reject);
  });
}

/** `flex-api.twilio.com` → `flexApi`. */
function domainName(baseUrl) {
  const label = new URL(baseUrl).hostname.split(".")[0];
  return label.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

/** The version object of `domain` for the path's first segment: the getter of
 * that name (`v1`), or the one whose `_version` it is (`2010-04-01` is `v2010`,
 * `HostedNumbers` is `hosted_numbers`). */
function versionOf(domain, name) {
  if (!domain) return undefined;
  if (domain[name]) return domain[name];
  for (let p = domain; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, n);
      if (n.startsWith("_") || !d || !d.get) continue;
      let v;
      try {
        v = domain[n];
      } catch (e) {
        continue;
      }
      if (v && v._version === name) return v;
    }
  }
  return undefined;
}

/** Resources reachable from `obj` through getters: objects with a `_uri`. */
function children(obj) {
  const names = new Set();
  for (let p = obj; p && p !== Object.prototype && p !== Function.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, n);
      if (!n.startsWith("_") && d && d.get) names.add(n);
    }
  }
  const out = [];
  for (const n of names) {
    let v;
    try {
      v = obj[n];
    } catch (e) {
      continue;
    }
    if (v && typeof v._uri === "string") out.push(v);
  }
  return out;
}

/** A resource's URI without the `.json` the 2010 API's resources end with. */
const base = (uri) => uri.replace(/\.json$/, "");
const under = (uri, path) => path === uri || path.startsWith(base(uri) + "/");

/** The lists and contexts whose `_uri` is `path`, below `root`; `values` are the
 * path's parameter values (some contexts take several, or one not next to its list). */
function find(root, path, values) {
  const found = [];
  const seen = new Set();
  const visit = (node) => {
    for (const list of children(node)) {
      if (list._uri === path) found.push(list);
      if (typeof list !== "function") {
        // A group without a context of its own (the 2010 API's `sip`, `usage`).
        if (!seen.has(list._uri) && path.startsWith(base(list._uri) + "/")) {
          seen.add(list._uri);
          visit(list);
        }
        continue;
      }
      const keys = [[], values, ...values.map((v) => [v])];
      if (path.startsWith(base(list._uri) + "/")) {
        const rest = path.slice(base(list._uri).length + 1).split("/")[0];
        keys.unshift([decodeURIComponent(base(rest))]);
      }
      for (const key of keys) {
        let ctx;
        try {
          ctx = list(...key);
        } catch (e) {
          continue;
        }
        if (!ctx || typeof ctx._uri !== "string" || seen.has(ctx._uri) || !under(ctx._uri, path)) continue;
        seen.add(ctx._uri);
        if (ctx._uri === path) found.push(ctx);
        visit(ctx);
      }
    }
  };
  visit(root);
  return found;
}

const METHODS = { GET: ["page", "fetch"], POST: ["create", "update"], PUT: ["update"], DELETE: ["remove"] };

/** Wire name → {name, statement} from a method's source, per place. */
function mapping(fn) {
  const source = fn.toString();
  const out = { data: new Map(), headers: new Map(), wholeBody: /\bdata = params;/.test(source) };
  const re = /\b(data|headers)\["([^"]+)"\]\s*=\s*([^;]*?\bparams(?:\["([^"]+)"\]|\.(\w+))[^;]*);/g;
  for (const m of source.matchAll(re)) {
    out[m[1]].set(m[2], { name: m[4] || m[5], statement: m[3] });
  }
  // A map flattened under a prefix (`...serialize.prefixedCollapsibleMap(
  // params["addOnsData"], "AddOns")`), by its wire name (`AddOnsData`).
  const prefixed = /\bprefixedCollapsibleMap\(params\["([^"]+)"\]/g;
  for (const m of source.matchAll(prefixed)) {
    out.data.set(m[1][0].toUpperCase() + m[1].slice(1), { name: m[1], statement: m[0] });
  }
  return out;
}

function asDates(value) {
  return Array.isArray(value) ? value.map(asDates) : new Date(value);
}

async function run(api, c) {
  const result = {
    module: api.module,
    operation: c.operation,
    variant: c.variant,
    found: null,
    error: null,
    missing: [],
  };
  const relative = c.path.slice(c.path.indexOf("/", 1));
  const versionName = c.path.split("/")[1];
  const root = versionOf(client[domainName(api.base_url)], versionName);
  if (!root) {
    result.error = `twilio-node has no client.${domainName(api.base_url)}.${versionName}`;
    return result;
  }
  const template = c.template.split("/");
  const values = c.path
    .split("/")
    .filter((_, i) => /^\{.*\}$/.test(template[i] || ""))
    .map(decodeURIComponent);
  const found = find(root, relative, values);
  // A collection's method first: `create` on a list before `update` on a context
  // that happens to have the same URI (a context keyed by the list's last segment).
  let obj, method;
  for (const m of METHODS[c.method] || []) {
    obj = found.find((o) => typeof o[m] === "function");
    if (obj) {
      method = m;
      break;
    }
  }
  if (!obj) {
    result.error = `twilio-node has no ${c.method} method on a resource at ${relative}`;
    return result;
  }
  result.found = `${method} on ${obj._uri}`;
  const map = mapping(obj[method]);
  let params = {};
  for (const a of c.args) {
    if (a.in === "body") {
      if (map.wholeBody) params = a.value;
      else result.missing.push("(JSON body)");
      continue;
    }
    // A JSON body's property: the method sends its `params` as the body.
    if (a.in === "json" && map.wholeBody) {
      params[a.name] = a.value;
      continue;
    }
    const m = (a.in === "header" ? map.headers : map.data).get(a.name);
    if (!m) {
      result.missing.push(a.name);
      continue;
    }
    params[m.name] = /iso8601Date/.test(m.statement) ? asDates(a.value) : a.value;
  }
  await marker(api.module, c.operation, c.variant);
  try {
    // With an item limit, `list` (which reads the limits and calls `page`).
    if (c.limit !== null && method === "page") await obj.list({ ...params, limit: c.limit });
    else await obj[method](params);
  } catch (e) {
    // The answer is not what the operation expects; the request is what counts.
    result.error = `(after sending) ${e.message || e}`;
  }
  return result;
}

(async () => {
  const results = [];
  for (const api of cases.apis) {
    for (const c of api.cases) results.push(await run(api, c));
  }
  fs.writeFileSync(outPath, JSON.stringify({ version, results }, null, 1));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
