// Runs webhook validation cases through twilio-node, for the agreement test
// `tests/client/tests/webhooks_node.rs`.
//
//   node webhooks.js <dir of the installed `twilio` package> <cases.json> <out.json>
//
// Each case is {kind: "form" | "body", token, url, params: [[key, value], ...],
// body: [byte, ...], signature}. Repeated keys become arrays, as Express's body
// parsers give them. The output is {version, results: [{valid, signature, threw}]}:
// the verdict of validateRequest (form) or validateRequestWithBody (body), false when
// it throws (`threw` then holds the error code), and getExpectedTwilioSignature for
// the URL and parameters as given.
"use strict";

const fs = require("fs");
const path = require("path");

const [dir, casesPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error("usage: node webhooks.js <twilio package dir> <cases.json> <out.json>");
  process.exit(2);
}
const version = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
const webhooks = require(path.join(path.resolve(dir), "lib", "webhooks", "webhooks.js"));
const cases = JSON.parse(fs.readFileSync(casesPath, "utf8"));

function toParams(pairs) {
  // No prototype, so that keys such as `constructor` are plain keys.
  const params = Object.create(null);
  for (const [key, value] of pairs) {
    if (!(key in params)) {
      params[key] = value;
    } else if (Array.isArray(params[key])) {
      params[key].push(value);
    } else {
      params[key] = [params[key], value];
    }
  }
  return params;
}

const results = cases.map((c) => {
  const params = c.kind === "body" ? {} : toParams(c.params);
  const signature = webhooks.getExpectedTwilioSignature(c.token, c.url, params);
  let valid;
  let threw = null;
  try {
    valid =
      c.kind === "body"
        ? webhooks.validateRequestWithBody(c.token, c.signature, c.url, Buffer.from(c.body))
        : webhooks.validateRequest(c.token, c.signature, c.url, params);
  } catch (e) {
    valid = false;
    threw = String(e.code || e.name || e);
  }
  return { valid, signature, threw };
});

fs.writeFileSync(outPath, JSON.stringify({ version, results }));
