// A third-party ActivityPub server built with Fedify, for Parvis's interop tests.
// One actor, `alice`, in memory; a test-control API under /_test/. Loopback only.
//
//   node peer.mjs [PORT]      (PORT, or $FEDIFY_PEER_PORT; 0 picks a free port)
//
// Prints `fedify-peer listening on http://127.0.0.1:PORT` once it accepts requests.
// FEDIFY_PEER_FIRST_KNOCK=draft-cavage-http-signatures-12 makes it sign with
// draft-cavage first instead of RFC 9421; FEDIFY_PEER_LOG_LEVEL (default
// "warning") sets how much of Fedify's log goes to stderr and to GET /_test/fedify-log.
import http from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { configure } from "@logtape/logtape";
import {
  Accept, Add, Announce, Collection, Create, Delete, Endpoints, Flag, Follow, Hashtag, Like,
  MemoryKvStore, Mention, Move, Note, Person, Reject, Remove, Tombstone, Undo, Update, createFederation,
  formatSemVer, generateCryptoKeyPair, getActorTypeName, getDocumentLoader, getTypeId, isActor,
  parseNodeInfo, traverseCollection,
} from "@fedify/fedify";

const LOG_LIMIT = 1000;  // entries kept in each in-memory log
const fedifyLog = [];    // Fedify's own log records (warnings and errors by default)
const received = [];     // activities that reached an inbox listener
const sent = [];         // requests the peer made (Fedify's and the control API's), with answers
const followers = new Map();  // follower actor id -> inbox URL
const following = new Map();  // followed actor id -> { followId, state }
const notes = new Map();      // note id -> Note, so Parvis can dereference what alice wrote

function remember(log, entry) {
  log.push(entry);
  if (log.length > LOG_LIMIT) log.shift();
}

// Fedify logs through LogTape: keep its records so tests can show what it complained about.
await configure({
  sinks: {
    memory(record) {
      const message = record.message
        .map((part, i) => (i % 2 === 0 ? part : typeof part === "string" ? part : inspect(part)))
        .join("");
      remember(fedifyLog, { level: record.level, category: record.category.join("."), message });
      process.stderr.write(`fedify-peer: [${record.level}] ${record.category.join(".")}: ${message}\n`);
    },
  },
  loggers: [
    { category: "fedify", sinks: ["memory"], lowestLevel: process.env.FEDIFY_PEER_LOG_LEVEL ?? "warning" },
    { category: ["logtape", "meta"], sinks: ["memory"], lowestLevel: "error" },
  ],
});

function inspect(value) {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value instanceof URL) return value.href;
  try { return JSON.stringify(value); } catch { return String(value); }
}

// Fedify's WebFinger client always asks https://HOST/.well-known/webfinger for an acct: URI,
// and nothing speaks TLS on loopback here: send loopback https requests over plain http.
// Every request the peer makes is also logged with its answer (GET /_test/sent): how Fedify
// signed it and whether the other server took it, e.g. a 401 that made Fedify double-knock.
const fetchOverTls = globalThis.fetch;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;
globalThis.fetch = async (input, init) => {
  // (Fedify's WebFinger client passes a URL; Request objects go through unchanged.)
  let request = input;
  if (!(input instanceof Request)) {
    const url = new URL(input);
    if (url.protocol === "https:" && LOOPBACK.test(url.hostname)) url.protocol = "http:";
    request = url;
  }
  const entry = await describeOutgoing(request, init);
  try {
    const response = await fetchOverTls(request, init);
    entry.status = response.status;
    return response;
  } catch (error) {
    entry.error = inspect(error);
    throw error;
  } finally {
    remember(sent, entry);
  }
};

async function describeOutgoing(request, init) {
  const isRequest = request instanceof Request;
  const headers = Object.fromEntries(new Headers(isRequest ? request.headers : init?.headers ?? {}));
  let body = Buffer.alloc(0);
  if (isRequest && request.body != null) body = Buffer.from(await request.clone().arrayBuffer());
  const json = parseJson(body);
  return {
    method: isRequest ? request.method : init?.method ?? "GET",
    url: isRequest ? request.url : request.href,
    type: json?.type ?? null,
    id: json?.id ?? null,
    signature: headers.signature || headers["signature-input"] ? signatureInfo(headers, body) : null,
    status: null,
  };
}

function parseJson(body) {
  try { return JSON.parse(body.toString("utf8")); } catch { return null; }
}

const federation = createFederation({
  kv: new MemoryKvStore(),
  // Everything lives on 127.0.0.1 over plain http; Fedify refuses private addresses otherwise.
  allowPrivateAddress: true,
  // Fedify tries this spec first with an unknown server and falls back to the other on a 4xx.
  firstKnock: process.env.FEDIFY_PEER_FIRST_KNOCK ?? "rfc9421",
});

// Generated once per process. Fedify 1.x signs requests with the RSA key (draft-cavage and
// RFC 9421 alike) and makes FEP-8b32 proofs with the Ed25519 one.
// (Fedify's generateCryptoKeyPair makes 4096-bit RSA keys; 2048 is what most servers use.)
const keyPairs = [
  await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true, ["sign", "verify"]),
  await generateCryptoKeyPair("Ed25519"),
];

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "alice") return null;
    // getActorKeyPairs() gives the pairs below ids (#main-key, #key-2; as Multikeys
    // #multikey-1, #multikey-2) and the key objects to publish.
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Alice (Fedify peer)",
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,               // Mastodon reads only this one
      assertionMethods: keys.map((key) => key.multikey), // FEP-521a, used for FEP-8b32
    });
  })
  .setKeyPairsDispatcher((ctx, identifier) => (identifier === "alice" ? keyPairs : []))
  // WebFinger usernames are our identifiers (without it Fedify logs an error on each query).
  .mapHandle((ctx, username) => (username === "alice" ? "alice" : null));

federation.setFollowersDispatcher("/users/{identifier}/followers", (ctx, identifier) => {
  if (identifier !== "alice") return null;
  // Recipients, not actors: Fedify only needs the id and inbox to deliver to "followers".
  const items = [...followers].map(([id, inbox]) => ({ id: new URL(id), inboxId: new URL(inbox) }));
  return { items };
});

federation.setOutboxDispatcher("/users/{identifier}/outbox", (ctx, identifier) => {
  if (identifier !== "alice") return null;
  const items = [...notes.values()].map((note) =>
    new Create({ id: new URL(`${note.id.href}#create`), actor: note.attributionId, object: note }));
  return { items };
});

federation.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (ctx, values) =>
  notes.get(ctx.getObjectUri(Note, values).href) ?? null);

// The inbox request being handled, so listeners can note how it was signed (Fedify has
// verified it before calling them but does not tell which signature it accepted).
const currentRequest = new AsyncLocalStorage();

// How a request was signed, from its headers (lower-case names) and body: `spec`, `keyId`,
// `algorithm` (draft-cavage `algorithm`, RFC 9421 `alg`), `headers` (the signed headers or
// components), `digest` (which digest header came along), and whether the body carries an
// FEP-8b32 `proof` or a Linked Data `signature`.
function signatureInfo(headers, body) {
  const info = { spec: null, keyId: null, algorithm: null, headers: null, digest: null, proof: false, ldSignature: false };
  if (headers["signature-input"]) {
    const input = headers["signature-input"];
    info.spec = "rfc9421";
    info.keyId = /keyid="([^"]*)"/.exec(input)?.[1] ?? null;
    info.algorithm = /alg="([^"]*)"/.exec(input)?.[1] ?? null;
    info.headers = /=\(([^)]*)\)/.exec(input)?.[1].replaceAll('"', "") ?? null;
  } else if (headers.signature) {
    info.spec = "draft-cavage";
    info.keyId = /keyId="([^"]*)"/.exec(headers.signature)?.[1] ?? null;
    info.algorithm = /algorithm="([^"]*)"/.exec(headers.signature)?.[1] ?? null;
    info.headers = /headers="([^"]*)"/.exec(headers.signature)?.[1] ?? null;
  }
  if (headers["content-digest"]) info.digest = "content-digest";
  else if (headers.digest) info.digest = "digest";
  const json = parseJson(body);
  info.proof = json?.proof != null;          // FEP-8b32 Object Integrity Proof
  info.ldSignature = json?.signature != null; // Linked Data Signature (Mastodon's)
  return info;
}

async function record(ctx, activity, extra = {}) {
  const request = currentRequest.getStore();
  remember(received, {
    type: activity.constructor.typeId.href.replace("https://www.w3.org/ns/activitystreams#", ""),
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    object: activity.objectId?.href ?? null,
    recipient: ctx.recipient,  // null: shared inbox
    signature: request?.signature ?? null,
    body: request?.body ?? null,  // the activity as it arrived (JSON), embedded objects and all
    ...extra,
  });
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  // Explicit, or Fedify 1.x warns that its default changes in 2.0.
  .withIdempotency("per-inbox")
  .on(Follow, async (ctx, follow) => {
    await record(ctx, follow);
    if (follow.objectId?.href !== ctx.getActorUri("alice").href) return;
    const follower = await follow.getActor(ctx);
    if (follower?.id == null || follower.inboxId == null) return;
    followers.set(follower.id.href, follower.inboxId.href);
    await ctx.sendActivity({ identifier: "alice" }, follower,
      new Accept({ id: newId(ctx, "accepts"), actor: ctx.getActorUri("alice"), object: follow }));
  })
  .on(Accept, (ctx, accept) => settleFollow(ctx, accept, "accepted"))
  .on(Reject, (ctx, reject) => settleFollow(ctx, reject, "rejected"))
  .on(Undo, async (ctx, undo) => {
    const object = await undo.getObject(ctx);
    await record(ctx, undo, { undone: object?.constructor.typeId.href ?? null });
    if (object instanceof Follow && undo.actorId != null) followers.delete(undo.actorId.href);
  })
  .on(Create, async (ctx, create) => {
    const object = await create.getObject(ctx);
    await record(ctx, create, { content: object?.content?.toString() ?? null, parsed: await embeddedSummary(ctx, create) });
  })
  .on(Update, async (ctx, activity) => record(ctx, activity, { parsed: await embeddedSummary(ctx, activity) }))
  .on(Delete, async (ctx, activity) => record(ctx, activity, { parsed: await embeddedSummary(ctx, activity) }))
  // A boost, or a group's announce (FEP-1b12) embedding the activity it relays. `object` is
  // taken first: getObject replaces an embedded object from another origin by what it fetches.
  .on(Announce, async (ctx, activity) => {
    const object = activity.objectId?.href ?? null;
    await record(ctx, activity, { object, parsed: await embeddedSummary(ctx, activity) });
  })
  // Changes to a collection (featured: pins and unpins), with the collection they name.
  .on(Add, (ctx, activity) => record(ctx, activity, { target: activity.targetId?.href ?? null }))
  .on(Remove, (ctx, activity) => record(ctx, activity, { target: activity.targetId?.href ?? null }))
  .on(Like, (ctx, activity) => record(ctx, activity))
  // Reports, as Mastodon receives them: the reported account and posts, the comment.
  .on(Flag, (ctx, flag) => record(ctx, flag, {
    objects: flag.objectIds.map((url) => url.href),
    content: flag.content?.toString() ?? null,
  }))
  // An account moving to another server: alice follows the target instead, as Mastodon does.
  .on(Move, async (ctx, move) => {
    const outcome = await handleMove(ctx, move);
    await record(ctx, move, { target: move.targetId?.href ?? null, ...outcome });
  })
  .onError((ctx, error) => remember(fedifyLog, { level: "error", category: "peer.inbox", message: inspect(error) }));

// How Fedify parsed the object embedded in a received activity (type, id, attributedTo,
// content, to, cc, ...); null when the object came as a bare id (nothing is fetched here).
// An embedded object from another origin than the activity's (a group's announce of a
// member's Create) Fedify does not trust: getObject fetches it again from its id.
async function embeddedSummary(ctx, activity) {
  const body = currentRequest.getStore()?.body;
  if (body?.object == null || typeof body.object !== "object") return null;
  const object = await activity.getObject(ctx);
  return object == null ? null : await objectSummary(object, ctx);
}

async function settleFollow(ctx, activity, state) {
  await record(ctx, activity);
  // The object is our Follow, embedded or by id; find which actor it was for.
  const followId = activity.objectId?.href;
  for (const [actorId, entry] of following) {
    if (entry.followId === followId || actorId === activity.actorId?.href) entry.state = state;
  }
}

// ---- Move, as Mastodon handles it ---------------------------------------------------------
// Mastodon's ActivityPub::Activity::Move, MoveWorker and UnfollowFollowWorker: the Move's
// actor must be its object (the old account, which signed it: Fedify checked that); the
// target is fetched afresh and must name the old account in alsoKnownAs; then each local
// account that follows the old one (accepted follows only) sends Follow to the target and
// Undo of its Follow to the old account. Mastodon marks an account whose Move it carries out
// and ignores further Moves of it for 7 days; the mark is dropped when the Move is refused.
// The outcome goes into the received log: `outcome` "moved" (with `movedFollowers`, the
// local accounts that now follow the target) or "ignored" (with `reason`).
const moving = new Set();  // old actor ids whose Move was (being) carried out

async function handleMove(ctx, move) {
  const ignored = (reason) => ({ outcome: "ignored", reason, movedFollowers: [] });
  const old = move.actorId?.href ?? null;
  const target = move.targetId?.href ?? null;
  if (old == null || move.objectId?.href !== old) return ignored("the actor is not the object");
  if (target == null) return ignored("no target");
  if (target === old) return ignored("the target is the actor");
  if (moving.has(old)) return ignored("already moved");
  moving.add(old);
  let actor = null;
  try {
    // Afresh, as Mastodon's FetchRemoteAccountService: a cached copy may predate the alias.
    actor = await ctx.lookupObject(target, { crossOrigin: "throw", documentLoader: freshDocumentLoader });
  } catch (error) {
    moving.delete(old);
    return ignored(`cannot fetch the target: ${inspect(error)}`);
  }
  if (actor == null || !isActor(actor) || actor.id?.href !== target) {
    moving.delete(old);
    return ignored(actor == null ? "cannot fetch the target" : "the target is not an actor");
  }
  if (!actor.aliasIds.some((alias) => alias.href === old)) {
    moving.delete(old);
    return ignored("the target does not name the actor in alsoKnownAs");
  }
  const movedFollowers = [];
  if (following.get(old)?.state === "accepted") {
    await followActor(ctx, actor);
    await sendUnfollow(ctx, old);
    movedFollowers.push(ctx.getActorUri("alice").href);
  }
  return { outcome: "moved", reason: null, movedFollowers };
}

// A document loader without the federation's 5-minute cache (private addresses allowed).
const freshDocumentLoader = getDocumentLoader({ allowPrivateAddress: true });

// A Move from alice (`/_test/move`), for tests of how a receiver judges one: sent to the
// actor `to`, with `object` (default alice) and `target` as given (either may be anything,
// `target` may be left out), and `id` (default a new one) so a test can send one twice.
async function sendMove(ctx, { to, object, target, id }) {
  const actor = await lookupActor(ctx, to);
  const self = ctx.getActorUri("alice");
  const move = new Move({
    id: id == null ? newId(ctx, "moves") : new URL(id), actor: self,
    object: object == null ? self : new URL(object), target: target == null ? null : new URL(target),
    to: actor.id,
  });
  await ctx.sendActivity({ identifier: "alice" }, actor, move, { immediate: true });
  return { moveId: move.id.href };
}

function newId(ctx, kind) {
  return new URL(`/users/alice/${kind}/${randomUUID()}`, ctx.origin);
}

// ---- test-control API -------------------------------------------------------------------

async function lookupActor(ctx, target) {
  // crossOrigin "throw": an @id on another origin than the fetched URL is an error, not a silent null.
  const object = await ctx.lookupObject(target, { crossOrigin: "throw" });
  if (!isActor(object)) throw new Error(`${target} is not an actor (${object?.constructor.name ?? "not found"})`);
  return object;
}

async function describeActor(ctx, target) {
  const actor = await lookupActor(ctx, target);
  const keys = [];
  // Each key is fetched/parsed separately; an error on one is reported rather than thrown.
  try {
    for await (const key of actor.getPublicKeys(ctx)) {
      keys.push({ id: key.id?.href ?? null, owner: key.ownerId?.href ?? null, ...algorithmOf(key.publicKey) });
    }
  } catch (error) { keys.push({ error: inspect(error) }); }
  const methods = [];
  try {
    for await (const key of actor.getAssertionMethods(ctx)) {
      methods.push({ id: key.id?.href ?? null, controller: key.controllerId?.href ?? null, ...algorithmOf(key.publicKey) });
    }
  } catch (error) { methods.push({ error: inspect(error) }); }
  const webfinger = String(target).startsWith("acct:") ? await ctx.lookupWebFinger(target) : null;
  return {
    id: actor.id?.href ?? null,
    type: getActorTypeName(actor),
    preferredUsername: actor.preferredUsername?.toString() ?? null,
    name: actor.name?.toString() ?? null,
    inbox: actor.inboxId?.href ?? null,
    outbox: actor.outboxId?.href ?? null,
    followers: actor.followersId?.href ?? null,
    following: actor.followingId?.href ?? null,
    featured: actor.featuredId?.href ?? null,
    sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
    url: actor.url?.href ?? null,
    publicKeys: keys,
    assertionMethods: methods,
    webfinger,
  };
}

function algorithmOf(cryptoKey) {
  if (cryptoKey == null) return { algorithm: null };
  const { name, modulusLength } = cryptoKey.algorithm;
  return modulusLength ? { algorithm: name, modulusLength } : { algorithm: name };
}

// Fedify's getNodeInfo() refuses loopback addresses and has no allowPrivateAddress option,
// so this walks the same two steps (well-known JRD, then the 2.x link) and hands the
// document to Fedify's own parser, strictly and then best-effort.
async function readNodeInfo(base) {
  const wellKnown = await fetch(new URL("/.well-known/nodeinfo", base), { headers: { Accept: "application/json" } });
  if (!wellKnown.ok) throw new Error(`/.well-known/nodeinfo answered ${wellKnown.status}`);
  const jrd = await wellKnown.json();
  const link = jrd?.links?.find((l) =>
    /^http:\/\/nodeinfo\.diaspora\.software\/ns\/schema\/2\.[01]$/.test(l?.rel ?? "") && l.href != null);
  if (link == null) throw new Error("no NodeInfo 2.0/2.1 link in /.well-known/nodeinfo");
  const response = await fetch(link.href, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${link.href} answered ${response.status}`);
  const raw = await response.json();
  const strict = parseNodeInfo(raw);
  const parsed = strict ?? parseNodeInfo(raw, { tryBestEffort: true });
  return {
    href: link.href,
    strict: strict != null,
    software: parsed && { name: parsed.software.name, version: formatSemVer(parsed.software.version) },
    protocols: parsed?.protocols ?? [],
    openRegistrations: parsed?.openRegistrations ?? null,
    usage: parsed?.usage ?? null,
    raw,
  };
}

async function sendFollow(ctx, target) {
  return followActor(ctx, await lookupActor(ctx, target));
}

async function followActor(ctx, actor) {
  const follow = new Follow({ id: newId(ctx, "follows"), actor: ctx.getActorUri("alice"), object: actor.id });
  following.set(actor.id.href, { followId: follow.id.href, state: "pending" });
  await ctx.sendActivity({ identifier: "alice" }, actor, follow, { immediate: true });
  return { followId: follow.id.href, actor: actor.id.href, inbox: actor.inboxId?.href ?? null };
}

async function sendUnfollow(ctx, target) {
  const actor = await lookupActor(ctx, target);
  const entry = following.get(actor.id.href);
  if (entry == null) throw new Error(`alice does not follow ${actor.id.href}`);
  const follow = new Follow({ id: new URL(entry.followId), actor: ctx.getActorUri("alice"), object: actor.id });
  const undo = new Undo({ id: newId(ctx, "undos"), actor: ctx.getActorUri("alice"), object: follow });
  await ctx.sendActivity({ identifier: "alice" }, actor, undo, { immediate: true });
  following.delete(actor.id.href);
  return { undoId: undo.id.href };
}

// A Note by alice (or, with `attributedTo`, one claiming another author) addressed to the
// actor `to`, sent in a Create. The Note is embedded, with attributedTo and to.
// Options: `cc` (more addresses, such as the Public collection, on the Note and the Create),
// `inReplyTo` (the id of the note it answers), `tags` ([{type: "Mention" or "Hashtag", href,
// name}]), and `deliver: false`, which only writes the note (served, sent to nobody; `to`
// then optional).
async function sendNote(ctx, { to, content = "", attributedTo, cc = [], inReplyTo, tags = [], deliver = true }) {
  const actor = to == null && !deliver ? null : await lookupActor(ctx, to);
  const id = ctx.getObjectUri(Note, { identifier: "alice", id: randomUUID() });
  const addressing = { tos: actor == null ? [] : [actor.id], ccs: cc.map((address) => new URL(address)) };
  const note = new Note({
    id,
    attribution: attributedTo == null ? ctx.getActorUri("alice") : new URL(attributedTo),
    ...addressing,
    content,
    replyTarget: inReplyTo == null ? null : new URL(inReplyTo),
    tags: tags.map(tagOf),
  });
  // A Note claiming another author is not served: alice did not write it.
  if (attributedTo == null) notes.set(id.href, note);
  const create = new Create({ id: new URL(`${id.href}#create`), actor: ctx.getActorUri("alice"), object: note, ...addressing });
  if (deliver) await ctx.sendActivity({ identifier: "alice" }, actor, create, { immediate: true });
  return { createId: create.id.href, noteId: id.href };
}

function tagOf({ type, href, name }) {
  const kinds = { Mention, Hashtag };
  if (kinds[type] == null) throw new Error(`a tag is a Mention or a Hashtag, not ${type}`);
  return new kinds[type]({ href: new URL(href), name });
}

// An Update of one of alice's notes with new content (the whole Note embedded).
let updates = 0;
async function sendNoteUpdate(ctx, to, noteId, content) {
  const actor = await lookupActor(ctx, to);
  const old = notes.get(noteId);
  if (old == null) throw new Error(`alice has no note ${noteId}`);
  const note = old.clone({ content });
  notes.set(noteId, note);
  const update = new Update({
    id: new URL(`${noteId}#update-${++updates}`), actor: ctx.getActorUri("alice"),
    object: note, to: actor.id,
  });
  await ctx.sendActivity({ identifier: "alice" }, actor, update, { immediate: true });
  return { updateId: update.id.href, noteId };
}

// A Delete of one of alice's notes, its object a Tombstone (as Mastodon sends it); the note
// is no longer served.
async function sendNoteDelete(ctx, to, noteId) {
  const actor = await lookupActor(ctx, to);
  if (!notes.delete(noteId)) throw new Error(`alice has no note ${noteId}`);
  const del = new Delete({
    id: new URL(`${noteId}#delete`), actor: ctx.getActorUri("alice"),
    object: new Tombstone({ id: new URL(noteId) }), to: actor.id,
  });
  await ctx.sendActivity({ identifier: "alice" }, actor, del, { immediate: true });
  return { deleteId: del.id.href, noteId };
}

// Alice deletes herself: a Delete whose object is her own actor (as Mastodon sends it when
// an account is deleted), signed while her key is still served.
// A report in Mastodon's shape, from alice: the reported account and posts, a comment.
async function sendFlag(ctx, body) {
  const actor = await lookupActor(ctx, body.to);
  const self = ctx.getActorUri("alice");
  const flag = new Flag({
    id: new URL(`${self.href}#flag-${Date.now()}`), actor: self, content: body.content ?? "",
    objects: [actor.id, ...(body.objects ?? []).map((id) => new URL(id))],
  });
  await ctx.sendActivity({ identifier: "alice" }, actor, flag, { immediate: true });
  return { flagId: flag.id.href };
}

async function sendActorDelete(ctx, to) {
  const actor = await lookupActor(ctx, to);
  const self = ctx.getActorUri("alice");
  const del = new Delete({
    id: new URL(`${self.href}#delete-${Date.now()}`), actor: self, object: self, to: actor.id,
  });
  await ctx.sendActivity({ identifier: "alice" }, actor, del, { immediate: true });
  return { deleteId: del.id.href };
}

// What Fedify's lookupObject made of a URL: `found` false when it returned null; otherwise
// the object's type, id and main properties, and its JSON-LD as Fedify re-serialises it.
// The federation's document loader keeps what it fetched for 5 minutes (Fedify's kvCache);
// `fresh` uses an uncached loader instead, so the other server is asked again.
async function describeObject(ctx, target, fresh) {
  const options = { crossOrigin: "throw" };
  if (fresh) options.documentLoader = freshDocumentLoader;
  const object = await ctx.lookupObject(target, options);
  if (object == null) return { found: false };
  return { found: true, ...(await objectSummary(object, ctx)), jsonLd: await object.toJsonLd({ contextLoader: ctx.contextLoader }) };
}

// `options` (document and context loaders) are for tags given by id, which Fedify fetches.
async function objectSummary(object, options = {}) {
  const ids = (list) => list.map((url) => url.href);
  const tags = [];
  for await (const tag of object.getTags(options)) {
    tags.push({ type: typeName(tag), href: tag.href?.href ?? null, name: tag.name?.toString() ?? null });
  }
  return {
    type: getTypeId(object).href.replace("https://www.w3.org/ns/activitystreams#", ""),
    id: object.id?.href ?? null,
    attributedTo: object.attributionIds ? ids(object.attributionIds) : [],
    actor: object.actorIds ? ids(object.actorIds) : [],
    content: object.content?.toString() ?? null,
    summary: object.summary?.toString() ?? null,
    sensitive: object.sensitive ?? null,
    url: object.url?.href ?? null,
    published: object.published?.toString() ?? null,
    deleted: object.deleted?.toString() ?? null,
    to: ids(object.toIds ?? []),
    cc: ids(object.ccIds ?? []),
    objectId: object.objectId?.href ?? null,
    target: object.targetId?.href ?? null,
    name: object.name?.toString() ?? null,
    inReplyTo: object.replyTargetId?.href ?? null,
    replies: object.repliesId?.href ?? null,
    updated: object.updated?.toString() ?? null,
    tags,
  };
}

function typeName(object) {
  return getTypeId(object).href.replace("https://www.w3.org/ns/activitystreams#", "");
}

// A collection read with Fedify: lookupObject, then traverseCollection (first page, then
// `next` until none), each item dereferenced by Fedify when it is only an id.
async function describeCollection(ctx, target) {
  const collection = await ctx.lookupObject(target, { crossOrigin: "throw" });
  if (!(collection instanceof Collection)) {
    throw new Error(`${target} is not a collection (${collection?.constructor.name ?? "not found"})`);
  }
  const options = { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, crossOrigin: "throw" };
  const items = [];
  for await (const item of traverseCollection(collection, options)) {
    const summary = await objectSummary(item, options);
    // For an activity (the outbox's Creates), what it carries.
    if (typeof item.getObject === "function") {
      const inner = await item.getObject(options);
      summary.object = inner == null ? null : await objectSummary(inner, options);
    }
    items.push(summary);
  }
  return {
    type: getTypeId(collection).href.replace("https://www.w3.org/ns/activitystreams#", ""),
    id: collection.id?.href ?? null,
    totalItems: collection.totalItems ?? null,
    first: collection.firstId?.href ?? null,
    items,
  };
}

// A document as Fedify's document loader fetched it (the federation's loader: signed
// fetches off, private addresses allowed, 5-minute cache): the JSON-LD as received, for
// documents whose members no Fedify class models (a petition's signature log entries).
async function loadDocument(ctx, url) {
  const { documentUrl, contextUrl, document } = await ctx.documentLoader(url);
  return { documentUrl, contextUrl, document };
}

const testRoutes = {
  "GET /_test/log": () => received,
  "GET /_test/sent": () => sent,
  "GET /_test/fedify-log": () => fedifyLog,
  "GET /_test/followers": () => [...followers.keys()],
  "GET /_test/following": () => Object.fromEntries(following),
  "POST /_test/lookup": (ctx, body) => describeActor(ctx, body.target),
  "POST /_test/nodeinfo": (ctx, body) => readNodeInfo(body.url),
  "POST /_test/follow": (ctx, body) => sendFollow(ctx, body.target),
  "POST /_test/unfollow": (ctx, body) => sendUnfollow(ctx, body.target),
  "POST /_test/create": (ctx, body) => sendNote(ctx, body),
  "POST /_test/update": (ctx, body) => sendNoteUpdate(ctx, body.to, body.noteId, body.content ?? ""),
  "POST /_test/delete": (ctx, body) => sendNoteDelete(ctx, body.to, body.noteId),
  "POST /_test/delete-actor": (ctx, body) => sendActorDelete(ctx, body.to),
  "POST /_test/move": (ctx, body) => sendMove(ctx, body),
  "POST /_test/flag": (ctx, body) => sendFlag(ctx, body),
  "POST /_test/object": (ctx, body) => describeObject(ctx, body.target, body.fresh === true),
  "POST /_test/collection": (ctx, body) => describeCollection(ctx, body.target),
  "POST /_test/document": (ctx, body) => loadDocument(ctx, body.url),
};

// Answers 200 with the route's JSON, 400 with {error, fedifyLog} (what Fedify logged meanwhile).
async function handleTest(request, url) {
  const route = testRoutes[`${request.method} ${url.pathname}`];
  if (route == null) return Response.json({ error: "no such test route" }, { status: 404 });
  // Our own origin, not the request's: ids alice mints must not depend on the Host header.
  const ctx = federation.createContext(new URL(selfOrigin), undefined);
  const logStart = fedifyLog.length;
  try {
    const body = request.method === "POST" ? await request.json() : {};
    return Response.json(await route(ctx, body));
  } catch (error) {
    return Response.json({ error: inspect(error), fedifyLog: fedifyLog.slice(logStart) }, { status: 400 });
  }
}

// ---- HTTP server: node:http in front of Fedify's fetch-style handler ----------------------

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, `http://${req.headers.host ?? "127.0.0.1"}`);
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const v of [value].flat()) headers.append(name, v);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, { method: req.method, headers, body: hasBody ? body : undefined });
    const response = url.pathname.startsWith("/_test/")
      ? await handleTest(request, url)
      : await currentRequest.run(
          { signature: signatureInfo(req.headers, body), body: parseJson(body) },
          () => federation.fetch(request, { contextData: undefined }));
    // A Content-Length rather than chunks: the C++ tests read plain responses.
    const payload = Buffer.from(await response.arrayBuffer());
    const outgoing = [...response.headers].filter(([name]) => name !== "content-length" && name !== "transfer-encoding");
    res.writeHead(response.status, [...outgoing, ["content-length", String(payload.length)]].flat());
    res.end(payload);
  } catch (error) {
    remember(fedifyLog, { level: "error", category: "peer.http", message: inspect(error) });
    res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
  }
});

let selfOrigin = null;
const port = Number(process.argv[2] ?? process.env.FEDIFY_PEER_PORT ?? 0);
server.listen(port, "127.0.0.1", () => {
  selfOrigin = `http://127.0.0.1:${server.address().port}`;
  console.log(`fedify-peer listening on ${selfOrigin}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
}
