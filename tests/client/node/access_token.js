// Signs access tokens with twilio-node's AccessToken, for the differential test
// `tests/client/tests/access_token_node.rs`.
//
//   node access_token.js <dir of the installed `twilio` package> <cases.json> <out.json>
//
// Each case is {now, account_sid, key_sid, secret, identity, ttl?, nbf?, region?,
// algorithm, grants: [{kind, ...options}]}; object options come as [[key, value], ...]
// pairs so their order is the one given. Date.now is fixed to `now` (seconds) for
// each case. The output is {version, tokens: [jwt, ...]}.
"use strict";

const fs = require("fs");
const path = require("path");

const [dir, casesPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error("usage: node access_token.js <twilio package dir> <cases.json> <out.json>");
  process.exit(2);
}
const version = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
const AccessToken = require(path.join(path.resolve(dir), "lib", "jwt", "AccessToken.js"));
const cases = JSON.parse(fs.readFileSync(casesPath, "utf8"));

function object(pairs) {
  const o = {};
  for (const [k, v] of pairs) o[k] = v;
  return o;
}

const kinds = {
  voice: (g) =>
    new AccessToken.VoiceGrant({
      incomingAllow: g.incoming_allow,
      outgoingApplicationSid: g.outgoing_application_sid,
      outgoingApplicationParams: g.params ? object(g.params) : undefined,
      pushCredentialSid: g.push_credential_sid,
      endpointId: g.endpoint_id,
    }),
  video: (g) => new AccessToken.VideoGrant({ room: g.room }),
  chat: (g) =>
    new AccessToken.ChatGrant({
      serviceSid: g.service_sid,
      endpointId: g.endpoint_id,
      deploymentRoleSid: g.deployment_role_sid,
      pushCredentialSid: g.push_credential_sid,
    }),
  sync: (g) => new AccessToken.SyncGrant({ serviceSid: g.service_sid, endpointId: g.endpoint_id }),
  task_router: (g) =>
    new AccessToken.TaskRouterGrant({
      workspaceSid: g.workspace_sid,
      workerSid: g.worker_sid,
      role: g.role,
    }),
  playback: (g) => new AccessToken.PlaybackGrant({ grant: g.grant ? object(g.grant) : undefined }),
};

const realNow = Date.now;
const tokens = cases.map((c) => {
  Date.now = () => c.now * 1000;
  try {
    const options = { identity: c.identity };
    if (c.ttl !== undefined) options.ttl = c.ttl;
    if (c.nbf !== undefined) options.nbf = c.nbf;
    if (c.region !== undefined) options.region = c.region;
    const token = new AccessToken(c.account_sid, c.key_sid, c.secret, options);
    for (const g of c.grants) token.addGrant(kinds[g.kind](g));
    return token.toJwt(c.algorithm);
  } finally {
    Date.now = realNow;
  }
});
fs.writeFileSync(outPath, JSON.stringify({ version, tokens }));
