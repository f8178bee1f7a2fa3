// The prediction-log explorer and its export, through the REST routes, against the real partitioned
// table. Records are written by the gateway's own writer (writePredictionBatch); a few with
// microsecond times, which the writer never makes, by SQL.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as predictions from "@/app/api/v1/endpoints/[endpoint]/predictions/route";
import * as exportRoute from "@/app/api/v1/endpoints/[endpoint]/predictions/export/route";
import { ensurePartitions } from "@/lib/serving/data/prediction-log/partitions";
import { writePredictionBatch, writePredictionBlocks } from "@/lib/serving/data/prediction-log/write-batch";
import type { PredictionRecord } from "@/lib/serving/shared/prediction-log/record";
import { listPredictions } from "@/lib/serving/control/predictions/list-predictions";
import { exportPredictions } from "@/lib/serving/control/predictions/export-predictions";
import { readNewest } from "@/lib/serving/shared/prediction-log/read-window";
import { call, type CallOptions } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";

const db = getDb();
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
afterAll(() => pool.end());

const MIN = 60_000;
const DAY = 86_400_000;
let w: World;
let other: World;
let name: string;
let otherName: string;
let endpointId: string;
// every record written for `name`, to compare answers against
const written: PredictionRecord[] = [];
const now = Date.now();
const tie = now - 20 * MIN; // 30 served records share this millisecond

type View = { time: string; requestId: string; variant: string; version: number; status: number; latencyMs: number; shadow: boolean; rows: number; inputs: Record<string, unknown[]> | null; outputs: Record<string, unknown[]> | null; error: string | null };

async function newEndpoint(world: World, endpoint: string): Promise<string> {
  const r = await call(endpoints.POST, "POST", "/api/v1/endpoints", { cookie: world.people.admin.cookie, body: { name: endpoint } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return (await db.endpoint.findFirstOrThrow({ where: { teamId: world.teamId, name: endpoint } })).id;
}

const rec = (over: Partial<PredictionRecord> & { id: string; t: number }): PredictionRecord => ({
  e: endpointId, v: "credit-v1", n: 1, s: 200, l: 5, sh: false, r: 1, in: { age: [30], purpose: ["car"] }, out: { label: ["good"], probability: [0.2] }, ...over,
});

const list = (query: string, who: CallOptions = { token: w.tokens.read }, endpoint = name) =>
  call(predictions.GET, "GET", `/api/v1/endpoints/${endpoint}/predictions${query ? `?${query}` : ""}`, { ...who, params: { endpoint } });

const ids = (r: { json: { predictions: View[] } }) => r.json.predictions.map((p) => p.requestId);
const served = () => written.filter((r) => !r.sh && r.t >= now - 60 * MIN);

beforeAll(async () => {
  w = await makeWorld("plog");
  other = await makeWorld("plog-other");
  name = `log-${randomUUID().slice(0, 8)}`;
  endpointId = await newEndpoint(w, name);
  await ensurePartitions(pool);
  await ensurePartitions(pool, 0, new Date(now - 3 * DAY));
  const recs: PredictionRecord[] = [];
  for (let i = 0; i < 30; i++) recs.push(rec({ id: `tie-${i}`, t: tie, in: { age: [100 + i], purpose: ["car"] } }));
  recs.push(
    rec({ id: "canary-ok", t: now - 5 * MIN, v: "credit-v2", n: 2, l: 12.3 }),
    rec({ id: "canary-500", t: now - 6 * MIN, v: "credit-v2", n: 2, s: 500, l: 250, out: null, err: "the worker did not answer in time" }),
    rec({ id: "bad-input", t: now - 7 * MIN, s: 400, l: 1, out: null, err: "inputs.age: expected a number" }),
    rec({ id: "age-42", t: now - 8 * MIN, in: { age: [42], purpose: ["radio/tv"] } }),
    rec({ id: "age-42.0-text", t: now - 9 * MIN, in: { age: ["42"], purpose: ["education"] } }),
    rec({ id: "batch", t: now - 10 * MIN, r: 2, in: { age: [7, 42], purpose: ["car", "car"] }, out: { label: ["good", "bad"], probability: [0.1, 0.9] } }),
    rec({ id: "formula", t: now - 11 * MIN, in: { age: [50], purpose: ["=HYPERLINK(\"http://evil.example\")"], extra: [1] } }),
    // a shadow copy of canary-ok: logged, not served
    rec({ id: "canary-ok", t: now - 5 * MIN + 1, v: "credit-v3-shadow", n: 3, sh: true, l: 14 }),
    rec({ id: "two-days-ago", t: now - 2 * DAY, in: { age: [77], purpose: ["vacation"] } }),
  );
  expect(await writePredictionBatch(pool, recs)).toBe(recs.length);
  written.push(...recs);

  // the other team has an endpoint of its own, with a record
  otherName = `log-other-${randomUUID().slice(0, 8)}`;
  const theirs = await newEndpoint(other, otherName);
  expect(await writePredictionBatch(pool, [rec({ id: "other-team", t: now - 3 * MIN, e: theirs })])).toBe(1);
});

describe("prediction-log explorer", () => {
  it("shows the last hour's served records by default, newest first, with inputs, outputs and errors", async () => {
    const r = await list("", { cookie: w.people.viewer.cookie, headers: { "x-switchyard-team": w.slug } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(Date.parse(r.json.to) - Date.parse(r.json.from)).toBe(60 * MIN);
    expect(r.json.predictions).toHaveLength(served().length);
    expect(r.json.nextCursor).toBeNull();
    const times = r.json.predictions.map((p: View) => Date.parse(p.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(ids(r)).not.toContain("two-days-ago");
    expect(ids(r)).not.toContain("other-team");
    const failed = r.json.predictions.find((p: View) => p.requestId === "canary-500");
    expect(failed).toMatchObject({ variant: "credit-v2", version: 2, status: 500, latencyMs: 250, shadow: false, outputs: null, error: "the worker did not answer in time", inputs: { age: [30], purpose: ["car"] } });
    expect(r.json.predictions.find((p: View) => p.requestId === "batch")).toMatchObject({ rows: 2, outputs: { label: ["good", "bad"], probability: [0.1, 0.9] } });
  });

  it("filters by variant, status, shadow, latency, request id and an input's value", async () => {
    expect(ids(await list("variant=credit-v2")).sort()).toEqual(["canary-500", "canary-ok"]);
    expect(ids(await list("status=error")).sort()).toEqual(["bad-input", "canary-500"]);
    expect(ids(await list("status=500"))).toEqual(["canary-500"]);
    expect(ids(await list("status=ok"))).toHaveLength(served().length - 2);
    expect(ids(await list("variant=credit-v2&status=ok"))).toEqual(["canary-ok"]);
    const shadow = await list("shadow=shadow");
    expect(shadow.json.predictions.map((p: View) => [p.requestId, p.variant, p.shadow])).toEqual([["canary-ok", "credit-v3-shadow", true]]);
    expect((await list("shadow=all")).json.predictions).toHaveLength(served().length + 1);
    expect(ids(await list("requestId=canary-ok&shadow=all")).sort()).toEqual(["canary-ok", "canary-ok"]);
    // at least: 12.3 is stored as a real and still found by 12.3
    expect(ids(await list("minLatencyMs=12.3")).sort()).toEqual(["canary-500", "canary-ok"]);
    expect(ids(await list("minLatencyMs=100"))).toEqual(["canary-500"]);
    // a number matches the number (and the same text); the first value only
    expect(ids(await list("feature=age&value=42")).sort()).toEqual(["age-42", "age-42.0-text"]);
    expect(ids(await list("feature=age&value=42.0"))).toEqual(["age-42"]);
    expect(ids(await list(`feature=purpose&value=${encodeURIComponent("radio/tv")}`))).toEqual(["age-42"]);
    expect(ids(await list("feature=nope&value=1"))).toEqual([]);
    const old = await list(`from=${new Date(now - 3 * DAY).toISOString()}&to=${new Date(now - DAY).toISOString()}`);
    expect(ids(old)).toEqual(["two-days-ago"]);
  });

  it("pages by cursor through records sharing one timestamp, with no duplicate and no gap", async () => {
    const seen: View[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await list(`limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json.predictions.length).toBeLessThanOrEqual(7);
      seen.push(...r.json.predictions);
      cursor = r.json.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(cursor).toBeNull();
    expect(seen.map((p) => p.requestId).sort()).toEqual(served().map((r) => r.id).sort());
    expect(new Set(seen.map((p) => p.requestId)).size).toBe(seen.length);
    expect(seen.filter((p) => Date.parse(p.time) === tie)).toHaveLength(30);
  });

  it("keeps rows apart that differ by microseconds", async () => {
    const e = await newEndpoint(w, `micro-${randomUUID().slice(0, 8)}`);
    const endpoint = (await db.endpoint.findUniqueOrThrow({ where: { id: e } })).name;
    const base = Math.floor(now - 2 * MIN); // a whole millisecond
    // one block each: records ordered by time across blocks, not by block
    for (const [i, us] of [100, 200, 300, 400].entries()) {
      expect(await writePredictionBatch(pool, [rec({ id: `micro-${i}`, e, t: base + us / 1000, l: 1 })])).toBe(1);
    }
    const got: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await list(`limit=1${cursor ? `&cursor=${cursor}` : ""}`, { token: w.tokens.read }, endpoint);
      got.push(...ids(r));
      cursor = r.json.nextCursor;
    } while (cursor);
    expect(got).toEqual(["micro-3", "micro-2", "micro-1", "micro-0"]);
  });

  it("pages a latency filter the same whether it matches a few records or thousands", async () => {
    const e = await newEndpoint(w, `slow-${randomUUID().slice(0, 8)}`);
    const endpoint = (await db.endpoint.findUniqueOrThrow({ where: { id: e } })).name;
    // 2,100 slow records and 900 fast ones, interleaved, in 300 blocks of 10 (past the 256 blocks the
    // unordered path takes); 30 of them slower still, one block each
    const recs = Array.from({ length: 3000 }, (_, i) => rec({ id: `r-${i}`, e, t: now - 30 * MIN + Math.floor(i / 3) * 100, l: i % 100 === 0 ? 70 : i % 10 < 7 ? 50 + (i % 7) : 2 }));
    expect(await writePredictionBlocks(pool, Array.from({ length: 300 }, (_, k) => ({ records: recs.slice(10 * k, 10 * k + 10) })))).toBe(3000);
    const walk = async (query: string) => {
      const got: string[] = [];
      let cursor: string | null = null;
      do {
        const r = await list(`${query}&limit=500${cursor ? `&cursor=${cursor}` : ""}`, { token: w.tokens.read }, endpoint);
        expect(r.status, JSON.stringify(r.json)).toBe(200);
        got.push(...ids(r));
        cursor = r.json.nextCursor;
      } while (cursor);
      return got;
    };
    const slow = recs.filter((r) => r.l >= 50).sort((a, b) => b.t - a.t || Number(b.id.slice(2)) - Number(a.id.slice(2))).map((r) => r.id);
    const many = await walk("minLatencyMs=50");
    expect(many).toHaveLength(2100);
    expect(new Set(many).size).toBe(2100);
    expect([...many].sort()).toEqual([...slow].sort());
    const few = await walk("minLatencyMs=70");
    expect(few).toHaveLength(30);
    expect(few).toEqual(recs.filter((r) => r.l >= 70).sort((a, b) => b.t - a.t).map((r) => r.id));
  });

  it("stops inside a busy time slice when out of time, and goes on from there with no record repeated or missed", async () => {
    const e = await newEndpoint(w, `busy-${randomUUID().slice(0, 8)}`);
    const endpoint = (await db.endpoint.findUniqueOrThrow({ where: { id: e } })).name;
    // 400 blocks of 8 records within ten minutes (more than one read of blocks); one record in five matches
    const recs = Array.from({ length: 3200 }, (_, i) => rec({ id: `b-${i}`, e, t: now - 20 * MIN + i * 150 + (i % 8) * 0.001, in: { age: [i % 5 ? 30 : 77] } }));
    expect(await writePredictionBlocks(pool, Array.from({ length: 400 }, (_, k) => ({ records: recs.slice(8 * k, 8 * k + 8) })))).toBe(3200);
    const filter = { feature: "age", value: "77" };
    const got: string[] = [];
    let cursor: string | null = null;
    let answers = 0;
    do {
      const page: Awaited<ReturnType<typeof listPredictions>> = await listPredictions({ db, teamId: w.teamId, name: endpoint, filter, limit: 100, cursor: cursor ?? undefined, budgetMs: 0 });
      got.push(...page.predictions.map((p) => p.requestId));
      cursor = page.nextCursor;
      answers++;
    } while (cursor && answers < 1_000);
    expect(answers).toBeGreaterThan(7); // stopped inside the slice, not only at its end
    expect(got).toEqual(recs.filter((r) => r.in!.age[0] === 77).sort((a, b) => b.t - a.t).map((r) => r.id));
  });

  it("gives the shadow comparison the newest shadow copies across pages of blocks, in order, none repeated or missed", async () => {
    const e = await newEndpoint(w, `shadows-${randomUUID().slice(0, 8)}`);
    // 700 blocks of 4 (more than two pages of 256): every third record a shadow copy, one in ten of those failed
    const recs = Array.from({ length: 2800 }, (_, i) => rec({ id: `s-${i}`, e, t: now - 30 * MIN + i * 200, sh: i % 3 === 0, s: i % 30 === 0 ? 500 : 200 }));
    expect(await writePredictionBlocks(pool, Array.from({ length: 700 }, (_, k) => ({ records: recs.slice(4 * k, 4 * k + 4) })))).toBe(2800);
    const wanted = recs.filter((r) => r.sh && r.s === 200).sort((a, b) => b.t - a.t).map((r) => r.id);
    const window = { endpointId: e, from: now - 30 * MIN, to: now + MIN, kind: "shadow" as const };
    for (const limit of [10, 500, 5_000]) {
      const got = await readNewest(db, window, limit, (r) => r.sh && r.s === 200);
      expect(got.map((r) => r.id)).toEqual(wanted.slice(0, limit));
    }
  });

  it("answers a rarely matching filter in time, then searches on from where it stopped", async () => {
    // a budget of 0: every page searches one time slice and says where it stopped
    const filter = { from: new Date(now - 3 * DAY).toISOString(), to: new Date(now).toISOString(), feature: "age", value: "77" };
    const first = await listPredictions({ db, teamId: w.teamId, name, filter, limit: 10, budgetMs: 0 });
    expect(first.predictions).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    expect(Date.parse(first.searchedFrom)).toBeGreaterThan(now - 3 * DAY);
    const found: string[] = [];
    let cursor: string | null = first.nextCursor;
    let answers = 1;
    while (cursor && answers < 100) {
      const page = await listPredictions({ db, teamId: w.teamId, name, filter, limit: 10, cursor, budgetMs: 0 });
      found.push(...page.predictions.map((p) => p.requestId));
      cursor = page.nextCursor;
      answers++;
    }
    expect(found).toEqual(["two-days-ago"]);
    expect(answers).toBeGreaterThan(2);
    // with the default budget, the same search is one answer
    const once = await listPredictions({ db, teamId: w.teamId, name, filter, limit: 10 });
    expect(once.predictions.map((p) => p.requestId)).toEqual(["two-days-ago"]);
    expect(once.nextCursor).toBeNull();
    expect(once.searchedFrom).toBe(filter.from);
  });

  it("shows a team only its own endpoints' records", async () => {
    const theirs = await list("", { token: other.tokens.read }, otherName);
    expect(theirs.status).toBe(200);
    expect(ids(theirs)).toEqual(["other-team"]);
    // each team's endpoint is a 404 to the other, like one that does not exist
    expect((await list("", { token: w.tokens.read }, otherName)).status).toBe(404);
    expect((await list("", { token: other.tokens.read })).status).toBe(404);
    const unknown = await list("", { token: other.tokens.read }, `nope-${randomUUID().slice(0, 8)}`);
    expect(unknown.status).toBe(404);
    const stranger = await makeWorld("plog-stranger");
    const r = await list("", { token: stranger.tokens.read });
    expect(r.status).toBe(404);
    const ex = await call(exportRoute.GET, "GET", `/api/v1/endpoints/${name}/predictions/export?format=csv`, { token: stranger.tokens.read, params: { endpoint: name } });
    expect(ex.status).toBe(404);
  });

  it("answers 400 naming the field to a bad cursor, a reversed or too long range and a half feature filter", async () => {
    const cases: [string, string, RegExp][] = [
      ["cursor=bm90LWEtY3Vyc29y", "query.cursor", /not a cursor/],
      ["cursor=%%%", "query.cursor", /not a cursor/],
      [`from=${new Date(now).toISOString()}&to=${new Date(now - MIN).toISOString()}`, "query.from", /must be before to/],
      [`from=${new Date(now - 8 * DAY).toISOString()}&to=${new Date(now).toISOString()}`, "query.from", /at most 7 days/],
      ["from=yesterday", "query.from", /./],
      ["status=fine", "query.status", /ok, error or an HTTP status/],
      ["feature=age", "query.value", /both feature/],
      ["value=42", "query.feature", /both feature/],
      ["limit=501", "query.limit", /./],
      ["minLatencyMs=-1", "query.minLatencyMs", /./],
      ["shadow=maybe", "query.shadow", /./],
    ];
    for (const [query, field, message] of cases) {
      const r = await list(query);
      expect(r.status, `${query}: ${JSON.stringify(r.json)}`).toBe(400);
      expect(r.json.error.field, query).toBe(field);
      expect(r.json.error.message, query).toMatch(message);
    }
    const ex = await call(exportRoute.GET, "GET", `/api/v1/endpoints/${name}/predictions/export?format=csv&status=fine`, { token: w.tokens.read, params: { endpoint: name } });
    expect(ex.status).toBe(400);
    expect(ex.json.error.field).toBe("query.status");
  });
});

describe("prediction-log export", () => {
  const exportUrl = (query: string) => `/api/v1/endpoints/${name}/predictions/export?${query}`;

  it("streams the filtered records as CSV: a column per input feature, outputs as JSON, formulas defused", async () => {
    const req = new Request(`http://localhost${exportUrl("format=csv&shadow=all")}`, { headers: { authorization: `Bearer ${w.tokens.read}` } });
    const res = await exportRoute.GET(req, { params: Promise.resolve({ endpoint: name }) });
    expect(res.status).toBe(200);
    expect(res.body).toBeInstanceOf(ReadableStream);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="predictions-${name}-\\d{8}T\\d{4}-\\d{8}T\\d{4}\\.csv"$`));
    expect(res.headers.get("x-switchyard-export-max-rows")).toBe("1000000");
    const lines = (await res.text()).split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("time,requestId,variant,version,status,latencyMs,shadow,rows,error,input.age,input.extra,input.purpose,otherInputs,outputs");
    expect(lines).toHaveLength(1 + served().length + 1);
    const batch = lines.find((l) => l.includes(",batch,"))!;
    expect(batch).toContain(",credit-v1,1,200,5,false,2,,7,,car,,");
    expect(batch).toContain(`"{""label"":[""good"",""bad""],""probability"":[0.1,0.9]}"`);
    expect(lines.find((l) => l.includes(",formula,"))).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(lines.find((l) => l.includes(",canary-500,"))).toContain(",the worker did not answer in time,30,,car,,");
  });

  it("streams JSON Lines: the same records as the list, filtered", async () => {
    const r = await call(exportRoute.GET, "GET", exportUrl("format=jsonl&variant=credit-v2"), { token: w.tokens.read, params: { endpoint: name } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename=".*\.jsonl"$/);
    const rows = (r.json as string).trim().split("\n").map((l) => JSON.parse(l));
    const listed = await list("variant=credit-v2");
    expect(rows).toEqual(listed.json.predictions);
  });

  it("reads a page at a time while the client reads, and stops at its row limit", async () => {
    const out = await exportPredictions({ db, teamId: w.teamId, name, filter: {}, format: "jsonl", pageSize: 4 });
    let chunks = 0;
    let records = 0;
    for await (const chunk of out.chunks) {
      chunks++;
      records += chunk.trim().split("\n").length;
    }
    expect(records).toBe(served().length);
    expect(chunks).toBe(Math.ceil(served().length / 4));
    const capped = await exportPredictions({ db, teamId: w.teamId, name, filter: {}, format: "csv", pageSize: 4, maxRows: 10 });
    let text = "";
    for await (const chunk of capped.chunks) text += chunk;
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(1 + 10);
  });

  it("gives a header row even when nothing matches", async () => {
    const r = await call(exportRoute.GET, "GET", exportUrl("format=csv&requestId=none"), { token: w.tokens.read, params: { endpoint: name } });
    expect(r.status).toBe(200);
    expect(r.json).toBe("time,requestId,variant,version,status,latencyMs,shadow,rows,error,otherInputs,outputs\r\n");
  });
});
