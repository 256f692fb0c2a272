// Builds TwiML documents with twilio-node's VoiceResponse, MessagingResponse and
// FaxResponse, for the differential test `tests/client/tests/twiml_node.rs`; and
// lists every element and attribute those classes accept, for its completeness
// check.
//
//   node twiml.js <dir of the installed `twilio` package> <cases.json> <out.json>
//
// A case is {document: "voice" | "messaging" | "fax", root: node}; a node is
// {m: method, attrs: [[name, value], ...], text?, children: [node, ...]}, where m
// is twilio-node's method (`say`, `sayAs`) or one of `#text` (addText), `#child`
// (addChild with {tag, attrs}), `#comment`, `#comment_before`, `#comment_after`.
// The output is {version, documents: [xml | {error}], inventory}.
"use strict";

const fs = require("fs");
const path = require("path");

const [dir, casesPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error("usage: node twiml.js <twilio package dir> <cases.json> <out.json>");
  process.exit(2);
}
const version = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
const twimlDir = path.join(path.resolve(dir), "lib", "twiml");
const responses = {
  voice: "VoiceResponse",
  messaging: "MessagingResponse",
  fax: "FaxResponse",
};
const classes = {};
for (const [doc, name] of Object.entries(responses)) {
  classes[doc] = require(path.join(twimlDir, name + ".js"));
}
const cases = JSON.parse(fs.readFileSync(casesPath, "utf8"));

function object(pairs) {
  const o = {};
  for (const [k, v] of pairs || []) o[k] = v;
  return o;
}

function build(parent, node) {
  for (const c of node.children || []) {
    switch (c.m) {
      case "#text":
        parent.addText(c.text);
        break;
      case "#child":
        build(parent.addChild(c.tag, object(c.attrs)), c);
        break;
      case "#comment":
        parent.comment(c.text);
        break;
      case "#comment_before":
        parent.commentBefore(c.text);
        break;
      case "#comment_after":
        parent.commentAfter(c.text);
        break;
      default: {
        if (typeof parent[c.m] !== "function") throw new Error("no method " + c.m);
        const el = "text" in c ? parent[c.m](object(c.attrs), c.text) : parent[c.m](object(c.attrs));
        build(el, c);
      }
    }
  }
}

const documents = cases.map((c) => {
  try {
    const response = new classes[c.document]();
    build(response, c.root);
    return response.toString();
  } catch (e) {
    return { error: String(e && e.message) };
  }
});

// The inventory: every (parent class, method) → child tag, class and the attribute
// names of its .d.ts interface; and every enum of the .d.ts.
const skip = new Set(["constructor", "comment", "commentAfter", "commentBefore", "addText", "addChild", "toString", "_getXml"]);
const inventory = { elements: [], enums: [] };
for (const [doc, name] of Object.entries(responses)) {
  const dts = fs.readFileSync(path.join(twimlDir, name + ".d.ts"), "utf8");
  const interfaces = {};
  for (const m of dts.matchAll(/interface (\w+) \{([\s\S]*?)\n\s*\}/g)) {
    interfaces[m[1]] = [...m[2].matchAll(/^\s*"?([\w:-]+)"?\?: /gm)].map((a) => a[1]);
  }
  // Method → attributes interface, per class, from the signatures.
  const signatures = {};
  let current = null;
  for (const line of dts.split("\n")) {
    const cls = line.match(/^(?:declare class|\s+(?:export )?class) (\w+) extends TwiML/);
    if (cls) current = cls[1];
    const sig = line.match(/^\s+(\w+)\(attributes\??: (?:[\w]+\.)?(\w+)/);
    if (current && sig) (signatures[current] = signatures[current] || {})[sig[1]] = sig[2];
  }
  for (const m of dts.matchAll(/type (\w+) = ([^;]+);/g)) {
    inventory.enums.push({ document: doc, name: m[1], values: m[2].split("|").map((s) => JSON.parse(s.trim())) });
  }
  const seen = new Set();
  const visit = (instance, clsName) => {
    if (seen.has(clsName)) return;
    seen.add(clsName);
    const proto = Object.getPrototypeOf(instance);
    for (const method of Object.getOwnPropertyNames(proto)) {
      if (skip.has(method) || typeof proto[method] !== "function") continue;
      const fresh = clsName === name ? new classes[doc]() : instance;
      const child = fresh[method]({});
      const xml = fresh._getXml();
      const tag = xml.children[xml.children.length - 1].name;
      const childClass = child.constructor.name;
      const iface = (signatures[clsName] || {})[method];
      inventory.elements.push({
        document: doc,
        parent: clsName,
        method,
        tag,
        child: childClass,
        attributes: iface && interfaces[iface] ? interfaces[iface] : [],
      });
      visit(child, childClass);
    }
  };
  visit(new classes[doc](), name);
}

fs.writeFileSync(outPath, JSON.stringify({ version, documents, inventory }));
