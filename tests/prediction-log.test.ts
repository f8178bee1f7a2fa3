// The prediction-log writer against the real partitioned table, and the path to it: the gateway's
// logger, a real Redis stream in both entry forms, the ingest consumer; input sampling end to end.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { dropOldPartitions, ensurePartitions } from "@/lib/serving/data/prediction-log/partitions";
import { writePredictionBatch, writePredictionBlocks } from "@/lib/serving/data/prediction-log/write-batch";
import { convertRowLog } from "@/lib/serving/data/prediction-log/convert-row-log";
import { loggedRecords } from "./helpers/logged";
import type { PredictionRecord } from "@/lib/serving/shared/prediction-log/record";
import { PredictionLogger } from "@/lib/serving/data/prediction-log/prediction-logger";
import { asLogged, decodeLogBlock } from "@/lib/serving/shared/prediction-log/log-block";
import { packEntry } from "@/lib/serving/data/prediction-log/stream-entry";
import { IngestConsumer, trimWrittenHistory } from "@/lib/serving/data/prediction-log/ingest-consumer";
import { readIngestBacklog } from "@/lib/serving/data/prediction-log/read-ingest-backlog";
import { sampleInputs, samplingKeyOf } from "@/lib/serving/data/prediction-log/sample-inputs";
import { REDIS_KEYS } from "@/lib/redis-keys";
import { listPredictions } from "@/lib/serving/control/predictions/list-predictions";
import { readPredictionLogSettings, updatePredictionLogSettings } from "@/lib/serving/control/predictions/update-prediction-log-settings";
import { loadRoutingTable } from "@/lib/serving/data/gateway/routing-table";
import { readCurrentData } from "@/lib/monitoring/drift/read-current-data";
import { startRedis, waitFor } from "./helpers/processes";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
afterAll(() => pool.end());

const rec = (i: number, endpoint: string, t: number): PredictionRecord => ({
  t, e: endpoint, v: "m-v1", n: 1, id: `req-${i}`, s: i % 10 === 0 ? 500 : 200, l: (i % 7) + 0.5, sh: false, r: 1, in: { x: [i] }, out: { probability: [0.5] },
});

describe("prediction log", () => {
  it("stores a 9,000-record batch in one transaction, and a replay adds nothing to rows or rollups", async () => {
    await ensurePartitions(pool);
    const now = Date.now();
    const batch = Array.from({ length: 9_000 }, (_, i) => rec(i, "ep-batch", now));
    expect(await writePredictionBatch(pool, batch)).toBe(9_000);
    expect(await writePredictionBatch(pool, batch)).toBe(0);
    expect(await loggedRecords(pool, "ep-batch")).toHaveLength(9_000);
    const rollups = await getDb().metricRollup.findMany({ where: { endpointId: "ep-batch" } });
    expect(rollups.reduce((s, r) => s + r.count, 0)).toBe(9_000);
    expect(rollups.reduce((s, r) => s + r.errors, 0)).toBe(900);
    expect(rollups.reduce((s, r) => s + r.latencyBuckets.reduce((a, b) => a + b, 0), 0)).toBe(9_000);
  });

  it("of a batch that repeats blocks already stored (a replay read in batches of another size, a block twice), stores and counts only what is new", async () => {
    const now = Date.now();
    // sources as ingest hands them over: one per gateway block
    const block = (k: number) => ({ records: Array.from({ length: 100 }, (_, i) => rec(k * 100 + i, "ep-part", now)) });
    const [a, b, c, d] = [0, 1, 2, 3].map(block);
    expect(await writePredictionBlocks(pool, [a, b, c])).toBe(300);
    // b and c stored already, d new, and d once more in the same batch
    expect(await writePredictionBlocks(pool, [b, c, d, { records: d.records.map((r) => ({ ...r })) }])).toBe(100);
    const stored = await loggedRecords(pool, "ep-part");
    expect({ n: stored.length, ids: new Set(stored.map((r) => r.requestId)).size }).toEqual({ n: 400, ids: 400 });
    const rollups = await getDb().metricRollup.findMany({ where: { endpointId: "ep-part" } });
    expect(rollups.reduce((s, r) => s + r.count, 0)).toBe(400);
    const { rows: blocks } = await pool.query(`SELECT coalesce(sum(rows), 0)::int AS n FROM "PredictionColumns" WHERE "endpointId" = 'ep-part'`);
    expect(blocks[0].n).toBe(360); // every tenth is a 500: not in the drift copy
  });

  it("moves what an earlier version logged a row per request into blocks, every field as it was, once", async () => {
    const ep = `ep-rows-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    // the rows as that version's ingest left them
    await pool.query(
      `INSERT INTO "PredictionLog" ("time","endpointId","variant","version","requestId","status","latencyMs","shadow","rows","inputs","outputs","error","inputsSampled")
       SELECT to_timestamp(($2::float8 - g * 7) / 1000), $1, 'm-v1', 1, 'old-' || g, CASE WHEN g % 10 = 0 THEN 503 ELSE 200 END, 1 + g % 5, g % 9 = 0, 1,
              CASE WHEN g % 4 = 0 THEN NULL ELSE json_build_object('x', json_build_array(g)) END, jsonb_build_object('p', jsonb_build_array(g / 5000.0)),
              CASE WHEN g % 10 = 0 THEN 'the worker did not answer' END, g % 4 <> 0
       FROM generate_series(0, 4999) g`,
      [ep, now],
    );
    expect(await convertRowLog(pool)).toBeGreaterThanOrEqual(5_000);
    expect((await pool.query(`SELECT count(*)::int AS n FROM "PredictionLog" WHERE "endpointId" = $1`, [ep])).rows[0].n).toBe(0);
    const stored = (await loggedRecords(pool, ep)).sort((x, y) => y.ms - x.ms);
    expect(stored).toHaveLength(5_000);
    expect(stored[7]).toMatchObject({ requestId: "old-7", status: 200, latencyMs: 3, shadow: false, inputs: { x: [7] }, inputsSampled: true, outputs: { p: [7 / 5000] }, error: null });
    expect(stored[8]).toMatchObject({ requestId: "old-8", inputs: null, inputsSampled: false });
    expect(stored[10]).toMatchObject({ requestId: "old-10", status: 503, error: "the worker did not answer" });
    expect(Math.abs(stored[7].ms - (now - 49))).toBeLessThan(0.01);
    // nothing left to move: a second run moves nothing
    expect(await convertRowLog(pool)).toBe(0);
  });

  it("keeps daily partitions ahead and drops those past retention", async () => {
    const day = 86_400_000;
    const old = new Date(Date.now() - 40 * day);
    await ensurePartitions(pool, 0, old); // partitions around a day 40 days ago
    await writePredictionBatch(pool, [rec(1, "ep-old", old.getTime())]);
    const dropped = await dropOldPartitions(pool, 30);
    expect(dropped).toContain(`PredictionBlock_${old.toISOString().slice(0, 10).replace(/-/g, "")}`);
    expect(await loggedRecords(pool, "ep-old")).toHaveLength(0);
    const today = `PredictionBlock_${new Date().toISOString().slice(0, 10).replace(/-/g, "")}`;
    const { rows: parts } = await pool.query(`SELECT to_regclass($1) AS t`, [`"${today}"`]);
    expect(parts[0].t).not.toBeNull();
  });

  it("writes records whose inputs were not sampled with inputs null and the flag, counted in full", async () => {
    const now = Date.now();
    const batch = Array.from({ length: 1_000 }, (_, i): PredictionRecord => (i % 4 ? { ...rec(i, "ep-ns", now), in: null, ns: true } : rec(i, "ep-ns", now)));
    expect(await writePredictionBatch(pool, batch)).toBe(1_000);
    const stored = await loggedRecords(pool, "ep-ns");
    expect({ n: stored.length, inputs: stored.filter((r) => r.inputs).length, ns: stored.filter((r) => !r.inputsSampled).length }).toEqual({ n: 1_000, inputs: 250, ns: 750 });
    const rollups = await getDb().metricRollup.findMany({ where: { endpointId: "ep-ns" } });
    expect(rollups.reduce((s, r) => s + r.count, 0)).toBe(1_000);
    // the drift reads' copy holds the sampled requests only (not the failures either)
    const { rows: blocks } = await pool.query(`SELECT coalesce(sum(rows), 0)::int AS n FROM "PredictionColumns" WHERE "endpointId" = 'ep-ns'`);
    expect(blocks[0].n).toBe(batch.filter((r) => !r.ns && r.s < 400).length);
  });
});

describe("input sampling", () => {
  it("keeps a share of request ids close to the rate, the same one every time", () => {
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    for (const rate of [0.01, 0.25, 0.5, 0.9]) {
      const kept = ids.filter((id) => sampleInputs(rate, id)).length / ids.length;
      expect(Math.abs(kept - rate)).toBeLessThan(0.015);
    }
    expect(ids.every((id) => sampleInputs(1, id))).toBe(true);
    expect(ids.some((id) => sampleInputs(0, id))).toBe(false);
    // deterministic: a shadow copy or a replay of a request decides as the request did
    expect(ids.map((id) => sampleInputs(0.3, id))).toEqual(ids.map((id) => sampleInputs(0.3, id)));
    // counters (request ids that differ in their last character) are sampled at the rate too
    const counters = Array.from({ length: 20_000 }, (_, i) => `req-${i}`);
    expect(Math.abs(counters.filter((id) => sampleInputs(0.25, id)).length / counters.length - 0.25)).toBeLessThan(0.015);
    // keyed by the cluster secret (HMAC): a client that knows the hash but not the secret cannot choose ids
    // that escape the sample (under the key about half of the decisions differ), and every gateway process
    // derives the same key
    const key = samplingKeyOf("a-cluster-secret-of-32-characters!");
    expect(samplingKeyOf("a-cluster-secret-of-32-characters!").equals(key)).toBe(true);
    expect(samplingKeyOf("another-cluster-secret-32-chars!!").equals(key)).toBe(false);
    const keyed = ids.map((id) => sampleInputs(0.5, id, key));
    expect(keyed).toEqual(ids.map((id) => sampleInputs(0.5, id, key)));
    expect(Math.abs(keyed.filter(Boolean).length / ids.length - 0.5)).toBeLessThan(0.015);
    const differ = ids.filter((id, i) => sampleInputs(0.5, id) !== keyed[i]).length / ids.length;
    expect(Math.abs(differ - 0.5)).toBeLessThan(0.03);
  });

  it("is an endpoint setting (audited, in the gateways' routing table), and ingest stores every request with a sampled share of inputs: counts and rollups 100%, the explorer says which were not sampled, drift reads skip them", async () => {
    const db = getDb();
    const slug = `ls-${randomUUID().slice(0, 8)}`;
    const team = await db.team.create({ data: { slug, name: slug } });
    const user = await db.user.create({ data: { email: `${slug}@example.com`, name: "E" } });
    const principal = { kind: "user" as const, id: user.id, label: user.email, teamId: team.id, teamSlug: slug, role: "engineer" as const, scopes: [] };
    const e = await db.endpoint.create({ data: { teamId: team.id, name: `${slug}-ep`, routing: { variants: [] }, createdBy: "test" } });
    const redis = await startRedis();
    const client = new Redis(redis.url);
    try {
      expect(await readPredictionLogSettings({ db, teamId: team.id, endpointName: e.name })).toEqual({ endpoint: e.name, logInputs: 1 });
      expect(await updatePredictionLogSettings({ db, redis: client, principal, endpointName: e.name, logInputs: 0.25 })).toEqual({ endpoint: e.name, logInputs: 0.25 });
      const audit = await db.auditEvent.findFirstOrThrow({ where: { teamId: team.id, resourceId: e.id, action: "endpoint.update" } });
      expect([audit.before, audit.after]).toEqual([{ logInputs: 1 }, { logInputs: 0.25 }]);
      const route = (await loadRoutingTable(db)).get(e.name)!;
      expect(route.logInputs).toBe(0.25);

      // the gateway's side, as record() does it: the decision by request id, served answer and shadow copy alike
      const logger = new PredictionLogger(client, { maxBuffer: 100_000, perEntry: 64, flushMs: 5 });
      const now = Date.now();
      const n = 2_000;
      for (let i = 0; i < n; i++) {
        const id = `${slug}-${i}`;
        const sampled = sampleInputs(route.logInputs, id);
        for (const shadow of [false, true]) {
          logger.log(asLogged({ t: now - 1_000 + (i % 500), e: e.id, v: shadow ? "m-shadow" : "m-v1", n: shadow ? 2 : 1, id, s: 200, l: 2, sh: shadow, r: 1, in: sampled ? { x: [i], kind: [i % 2 ? "a" : "b"] } : null, ...(sampled ? {} : { ns: true }), out: { p: [0.5] } }));
        }
      }
      await logger.flush();
      const consumer = new IngestConsumer(client, pool, { consumer: "sampling-test" });
      consumer.start();
      try {
        await waitFor("all ingested", async () => consumer.ingested === 2 * n, 60_000, 100);
      } finally {
        await consumer.stop();
      }
      const stored = await loggedRecords(pool, e.id);
      const rows = [{
        n: stored.length, inputs: stored.filter((r) => r.inputs).length, sampled: stored.filter((r) => r.inputsSampled).length,
        lost: stored.filter((r) => !r.inputs && r.inputsSampled).length, sampledRequests: new Set(stored.filter((r) => r.inputsSampled).map((r) => r.requestId)).size,
      }];
      expect(rows[0].n).toBe(2 * n);
      expect(rows[0].inputs).toBe(rows[0].sampled);
      expect(rows[0].lost).toBe(0);
      // a served answer and its shadow copy agree: the sampled records are whole requests
      expect(rows[0].sampled).toBe(2 * rows[0].sampledRequests);
      expect(Math.abs(rows[0].sampledRequests / n - 0.25)).toBeLessThan(0.04);
      const rollups = await db.metricRollup.findMany({ where: { endpointId: e.id } });
      expect(rollups.filter((r) => !r.shadow).reduce((s, r) => s + r.count, 0)).toBe(n);
      expect(rollups.filter((r) => r.shadow).reduce((s, r) => s + r.count, 0)).toBe(n);
      const hours = await db.metricRollupHour.findMany({ where: { endpointId: e.id } });
      expect(hours.reduce((s, r) => s + r.count, 0)).toBe(2 * n);

      // the explorer tells a request without sampled inputs from one with them
      const page = await listPredictions({ db, teamId: team.id, name: e.name, filter: { from: new Date(now - 60_000).toISOString(), to: new Date(now + 60_000).toISOString() }, limit: 500 });
      const missing = page.predictions.filter((p) => !p.inputsSampled);
      expect(missing.length).toBeGreaterThan(0);
      expect(missing.every((p) => p.inputs === null)).toBe(true);
      expect(page.predictions.filter((p) => p.inputsSampled).every((p) => p.inputs !== null)).toBe(true);

      // drift reads see the sampled served answers only
      const current = await readCurrentData({ pool, teamId: team.id, endpointId: e.id, from: new Date(now - 60_000), to: new Date(now + 60_000) });
      expect(current.rows).toBe(rows[0].sampledRequests);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  }, 120_000);
});

describe("the stream between gateways and ingest", () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  it("records logged past the buffer's bound while a flush is out wait for the next (the flush's own left the buffer when packed): none lost, none counted dropped", async () => {
    await client.del(REDIS_KEYS.predictionStream);
    const ep = `ep-inflight-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const logger = new PredictionLogger(client, { maxBuffer: 10, perEntry: 64, flushMs: 60_000 });
    for (let i = 0; i < 10; i++) logger.log(asLogged(rec(i, ep, now + i)));
    // Redis holds the flush's pipeline for a moment (writes paused): five more records arrive meanwhile
    const pauser = new Redis(redis.url);
    await pauser.call("CLIENT", "PAUSE", "400", "WRITE");
    const flushing = logger.flush();
    for (let i = 10; i < 15; i++) logger.log(asLogged(rec(i, ep, now + i)));
    // not counted as dropped while the pipeline may still carry them (the count feeds a counter that only rises)
    expect(logger.dropped).toBe(0);
    await flushing;
    pauser.disconnect();
    expect(logger.pending).toBe(0);
    expect(logger.dropped).toBe(0);
    const entries = (await client.xrangeBuffer(REDIS_KEYS.predictionStream, "-", "+")) as [Buffer, Buffer[]][];
    const ids = entries.flatMap(([, f]) => (decodeLogBlock(f[1]) as { records: PredictionRecord[] }).records.map((r) => r.id));
    expect(ids).toEqual(Array.from({ length: 15 }, (_, i) => `req-${i}`));
    await client.del(REDIS_KEYS.predictionStream);
  });

  it("logs a record its block cannot write without its inputs and outputs, still counted, and its neighbours whole", async () => {
    await client.del(REDIS_KEYS.predictionStream);
    const ep = `ep-strip-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const logger = new PredictionLogger(client, { maxBuffer: 1_000, perEntry: 64, flushMs: 60_000 });
    logger.log(asLogged(rec(0, ep, now)), 2);
    logger.log({ ...asLogged(rec(1, ep, now + 1)), out: [{ name: "big", data: [1n as unknown as number] }] }, 2);
    logger.log(asLogged(rec(2, ep, now + 2)), 2);
    await logger.flush();
    const entries = (await client.xrangeBuffer(REDIS_KEYS.predictionStream, "-", "+")) as [Buffer, Buffer[]][];
    const got = entries.flatMap(([, f]) => (decodeLogBlock(f[1]) as { records: PredictionRecord[] }).records);
    expect(got.map((r) => r.id)).toEqual(["req-0", "req-1", "req-2"]);
    expect(got[1]).toMatchObject({ in: null, out: null, ns: true });
    expect(got[0].in).toEqual(rec(0, ep, now).in);
    expect(got[2].out).toEqual(rec(2, ep, now + 2).out);
    await client.del(REDIS_KEYS.predictionStream);
  });

  it("sends a failed pipeline's entries again as they were packed, so ingest stores a resent block once", async () => {
    await client.del(REDIS_KEYS.predictionStream);
    const ep = `ep-resend-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const logger = new PredictionLogger(client, { maxBuffer: 1_000, perEntry: 64, flushMs: 60_000 });
    for (let i = 0; i < 10; i++) logger.log(asLogged(rec(i, ep, now + i)));
    // the stream's key holds a string: every XADD of the pipeline fails
    await client.set(REDIS_KEYS.predictionStream, "not a stream");
    await logger.flush();
    expect(logger.pending).toBe(10);
    for (let i = 10; i < 15; i++) logger.log(asLogged(rec(i, ep, now + i)));
    await client.del(REDIS_KEYS.predictionStream);
    await logger.flush();
    const entries = (await client.xrangeBuffer(REDIS_KEYS.predictionStream, "-", "+")) as [Buffer, Buffer[]][];
    const idsOf = (f: Buffer[]) => (decodeLogBlock(f[1]) as { records: PredictionRecord[] }).records.map((r) => r.id);
    // not repacked with the records that came since: the same entry, then theirs
    expect(entries.map(([, f]) => idsOf(f))).toEqual([Array.from({ length: 10 }, (_, i) => `req-${i}`), Array.from({ length: 5 }, (_, i) => `req-${10 + i}`)]);
    // the first entry once more: a failed pipeline may have been carried out after all
    await client.xaddBuffer(REDIS_KEYS.predictionStream, "*", ...entries[0][1]);
    const consumer = new IngestConsumer(client, pool, { consumer: "resend-test" });
    consumer.start();
    try {
      await waitFor("the stream read to its end", async () => (await client.xlen(REDIS_KEYS.predictionStream)) === 0 && consumer.ingested >= 15, 30_000, 50);
    } finally {
      await consumer.stop();
    }
    expect(consumer.ingested).toBe(15);
    expect((await loggedRecords(pool, ep)).map((r) => r.requestId).sort()).toEqual(Array.from({ length: 15 }, (_, i) => `req-${i}`).sort());
  });

  it("drops and counts an entry Redis refuses again and again (a reply error, not a lost connection), and goes on logging", async () => {
    await client.del(REDIS_KEYS.predictionStream);
    const ep = `ep-refused-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const logger = new PredictionLogger(client, { maxBuffer: 1_000, perEntry: 64, flushMs: 60_000 });
    for (let i = 0; i < 10; i++) logger.log(asLogged(rec(i, ep, now + i)));
    await client.set(REDIS_KEYS.predictionStream, "not a stream");
    for (let k = 0; k < 4; k++) await logger.flush();
    expect([logger.pending, logger.dropped]).toEqual([10, 0]);
    await logger.flush(); // the fifth refusal
    expect([logger.pending, logger.dropped]).toEqual([0, 10]);
    await client.del(REDIS_KEYS.predictionStream);
    for (let i = 10; i < 13; i++) logger.log(asLogged(rec(i, ep, now + i)));
    await logger.flush();
    const entries = (await client.xrangeBuffer(REDIS_KEYS.predictionStream, "-", "+")) as [Buffer, Buffer[]][];
    expect(entries.flatMap(([, f]) => (decodeLogBlock(f[1]) as { records: PredictionRecord[] }).records.map((r) => r.id))).toEqual(["req-10", "req-11", "req-12"]);
    await client.del(REDIS_KEYS.predictionStream);
  });

  it("a part-full batch lingers for the entries that follow it: records that trickle in over the linger go to Postgres in one transaction, and none waits much longer than the linger", async () => {
    await client.del(REDIS_KEYS.predictionStream);
    const ep = `ep-linger-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    let writes = 0;
    // every write is one transaction on a connection of its own (write-batch.ts): count the connections taken
    const counting = Object.assign(Object.create(pool) as pg.Pool, { connect: () => { writes++; return pool.connect(); }, query: pool.query.bind(pool) });
    const consumer = new IngestConsumer(client, counting, { consumer: "linger-test", lingerMs: 600 });
    consumer.start();
    const logger = new PredictionLogger(client, { maxBuffer: 20_000, perEntry: 64, flushMs: 5 });
    try {
      // five entries 60 ms apart (a gateway flushing a moderate rate), all inside one linger
      const started = Date.now();
      for (let k = 0; k < 5; k++) {
        for (let i = 0; i < 20; i++) logger.log(asLogged(rec(k * 20 + i, ep, now + k * 20 + i)));
        await logger.flush();
        await new Promise((r) => setTimeout(r, 60));
      }
      await waitFor("all ingested", async () => consumer.ingested === 100, 10_000, 20);
      const tookMs = Date.now() - started;
      expect(writes).toBe(1);
      expect(tookMs).toBeGreaterThanOrEqual(600);
      expect(tookMs).toBeLessThan(3_000);
      // a full batch does not wait: 200 entries in the stream at once are written as soon as they are read
      writes = 0;
      for (let i = 0; i < 200 * 64; i++) logger.log(asLogged(rec(1_000 + i, ep, now + 1_000 + i)));
      await logger.flush();
      await waitFor("the full batch ingested", async () => consumer.ingested === 100 + 200 * 64, 10_000, 20);
      expect(writes).toBe(1);
      // written entries leave the stream: Redis holds the backlog, not the history
      await waitFor("the written entries deleted", async () => (await client.xlen(REDIS_KEYS.predictionStream)) === 0, 5_000, 20);
      expect(((await client.xpending(REDIS_KEYS.predictionStream, REDIS_KEYS.ingestGroup)) as [number])[0]).toBe(0);
    } finally {
      await consumer.stop();
    }
    expect(await loggedRecords(pool, ep)).toHaveLength(100 + 200 * 64);
  });

  it("bounds blocks, entries and the gateway's buffer by values as well as records: large records make small entries, and the oldest blocks are dropped first", async () => {
    await client.del(REDIS_KEYS.predictionStream);
    const ep = `ep-size-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const big = (i: number): PredictionRecord => ({ ...rec(i, ep, now + i), in: { x: Array.from({ length: 20_000 }, (_, k) => k) } });
    const idsIn = (entries: [Buffer, Buffer[]][]) => entries.map(([, f]) => f.filter((_, k) => k % 2).flatMap((b) => (decodeLogBlock(b) as { records: PredictionRecord[] }).records.map((r) => r.id)));
    // 65,536 values a block and an entry: three such records fit, so 5 make 2 entries (and 64 small ones one)
    const roomy = new PredictionLogger(client, { maxBuffer: 1_000, perEntry: 64, flushMs: 60_000 });
    for (let i = 0; i < 5; i++) roomy.log(asLogged(big(i)), 20_000);
    await roomy.flush();
    expect(idsIn((await client.xrangeBuffer(REDIS_KEYS.predictionStream, "-", "+")) as [Buffer, Buffer[]][])).toEqual([[0, 1, 2].map((i) => `req-${i}`), [3, 4].map((i) => `req-${i}`)]);
    await client.del(REDIS_KEYS.predictionStream);
    for (let i = 0; i < 64; i++) roomy.log(asLogged(rec(100 + i, ep, now)), 2);
    await roomy.flush();
    expect(await client.xlen(REDIS_KEYS.predictionStream)).toBe(1);
    await client.del(REDIS_KEYS.predictionStream);
    // Redis "away" (no flush yet): 12 records of 20,000 values in a buffer of 100,000 values keep the newest
    // block (of 3 records); the older ones are dropped and counted, whole
    const logger = new PredictionLogger(client, { maxBuffer: 1_000, maxBufferValues: 100_000, perEntry: 64, flushMs: 60_000 });
    for (let i = 0; i < 12; i++) logger.log(asLogged(big(i)), 20_000);
    expect([logger.pending, logger.dropped]).toEqual([3, 9]);
    await logger.flush();
    expect(idsIn((await client.xrangeBuffer(REDIS_KEYS.predictionStream, "-", "+")) as [Buffer, Buffer[]][])).toEqual([[9, 10, 11].map((i) => `req-${i}`)]);
    await client.del(REDIS_KEYS.predictionStream);
    // by records: a buffer of 100 while Redis is away keeps the newest blocks of 64 and what came after
    const counted = new PredictionLogger(client, { maxBuffer: 100, perEntry: 64, flushMs: 60_000 });
    for (let i = 0; i < 300; i++) counted.log(asLogged(rec(i, ep, now + i)), 2);
    expect(counted.pending + counted.dropped).toBe(300);
    expect(counted.pending).toBeLessThanOrEqual(100);
    await counted.flush();
    const kept = idsIn((await client.xrangeBuffer(REDIS_KEYS.predictionStream, "-", "+")) as [Buffer, Buffer[]][]).flat();
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => `req-${300 - kept.length + k}`));
    await client.del(REDIS_KEYS.predictionStream);
    // the oldest block goes first, open or sealed: one record of another endpoint, logged before a full
    // block of this one, is dropped before it
    const mixed = new PredictionLogger(client, { maxBuffer: 70, perEntry: 64, flushMs: 60_000 });
    mixed.log(asLogged(rec(999, `${ep}-other`, now - 1)), 2);
    for (let i = 0; i < 70; i++) mixed.log(asLogged(rec(i, ep, now + i)), 2);
    expect([mixed.pending, mixed.dropped]).toEqual([70, 1]);
    await mixed.flush();
    const mixedIds = idsIn((await client.xrangeBuffer(REDIS_KEYS.predictionStream, "-", "+")) as [Buffer, Buffer[]][]).flat();
    expect(mixedIds).not.toContain("req-999");
    expect(mixedIds).toHaveLength(70);
    await client.del(REDIS_KEYS.predictionStream);
    // and by bytes: records of 100,000-character strings in a buffer of 1 MB keep about ten
    const bytesBound = new PredictionLogger(client, { maxBuffer: 1_000, maxBufferBytes: 1_000_000, perEntry: 64, flushMs: 60_000 });
    for (let i = 0; i < 40; i++) bytesBound.log(asLogged({ ...rec(i, ep, now + i), in: { text: ["x".repeat(100_000)] } }), 1);
    expect(bytesBound.pending + bytesBound.dropped).toBe(40);
    expect(bytesBound.pending).toBeGreaterThan(0);
    expect(bytesBound.pending).toBeLessThanOrEqual(11);
    bytesBound.dropped = 0;
    // a buffer smaller than a block: the open block itself is the oldest, dropped whole, and the records
    // after it start a new one
    const small = new PredictionLogger(client, { maxBuffer: 10, perEntry: 64, flushMs: 60_000 });
    for (let i = 0; i < 25; i++) small.log(asLogged(rec(i, ep, now + i)), 2);
    expect([small.pending, small.dropped]).toEqual([5, 20]);
    await small.flush();
    expect(idsIn((await client.xrangeBuffer(REDIS_KEYS.predictionStream, "-", "+")) as [Buffer, Buffer[]][])).toEqual([[20, 21, 22, 23, 24].map((i) => `req-${i}`)]);
    await client.del(REDIS_KEYS.predictionStream);
  });

  it("trims the history older job workers left in the stream (acknowledged, never deleted), keeping every pending and undelivered entry, and the backlog stays countable", async () => {
    const stream = REDIS_KEYS.predictionStream;
    await client.del(stream);
    for (let i = 0; i < 30; i++) await client.xadd(stream, "*", "r", JSON.stringify([rec(i, "ep-trim", Date.now())]));
    await client.xgroup("CREATE", stream, REDIS_KEYS.ingestGroup, "0");
    // an older job worker: read 20 entries, acknowledged 15 of them without deleting, crashed with 5 pending
    const read = ((await client.xreadgroup("GROUP", REDIS_KEYS.ingestGroup, "old", "COUNT", 20, "STREAMS", stream, ">")) as [string, [string, string[]][]][])[0][1];
    const acked = [...read.slice(0, 6), ...read.slice(11, 20)].map(([id]) => id);
    await client.xack(stream, REDIS_KEYS.ingestGroup, ...acked);
    const pending = read.slice(6, 11).map(([id]) => id);
    // this version deletes what it acknowledges: one written entry past the pending ones is gone already
    await client.xdel(stream, read[19][0]);
    expect(await trimWrittenHistory(client)).toBe(6);
    const left = (await client.xrange(stream, "-", "+")).map(([id]) => id);
    // the 5 pending, the 8 acknowledged among them and after them that only the pending ones' position protects, the 10 undelivered
    expect(left.slice(0, 5)).toEqual(pending);
    expect(left).toHaveLength(5 + 8 + 10);
    const backlog = await readIngestBacklog({ redis: client });
    expect(backlog.entries).toBeGreaterThanOrEqual(15);
    expect(Number.isFinite(backlog.entries)).toBe(true);
    await client.del(stream);
  });

  it("ingests binary entries (this gateway), columnar and list entries (older gateways) from one stream, each record once however often it was sent", async () => {
    const ep = `ep-mixed-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const records = Array.from({ length: 600 }, (_, i): PredictionRecord => ({
      t: now - i, e: ep, v: i % 3 ? "m-v1" : "m-v2", n: i % 3 ? 1 : 2, id: `r-${i}`, s: i % 10 ? 200 : 503, l: 1 + (i % 9), sh: false, r: 1,
      in: { x: [i], label: [`k${i % 4}`] }, out: { p: [i / 600] }, ...(i % 10 ? {} : { err: "the worker did not answer" }), ...(i % 7 ? {} : { in: null, ns: true }),
    }));
    // the first 400 from this gateway (binary)…
    const logger = new PredictionLogger(client, { maxBuffer: 10_000, perEntry: 64, flushMs: 5 });
    for (const r of records.slice(0, 400)) logger.log(asLogged(r));
    await logger.flush();
    const fields = (await client.xrange(REDIS_KEYS.predictionStream, "-", "+")).map(([, f]) => f[0]);
    expect(new Set(fields)).toEqual(new Set(["b"]));
    // …400-499 from an older gateway (columnar), 500-599 from an older one still (lists), with a resend of
    // its first entry (a pipeline that failed half-way); then this gateway's first entry once more
    for (let i = 400; i < 500; i += 64) await client.xadd(REDIS_KEYS.predictionStream, "*", "c", packEntry(records, i, Math.min(500, i + 64)));
    for (let i = 500; i < 600; i += 64) await client.xadd(REDIS_KEYS.predictionStream, "*", "r", JSON.stringify(records.slice(i, Math.min(600, i + 64))));
    await client.xadd(REDIS_KEYS.predictionStream, "*", "r", JSON.stringify(records.slice(500, 564)));
    const first = (await client.xrangeBuffer(REDIS_KEYS.predictionStream, "-", "+", "COUNT", 1))[0][1];
    await client.xaddBuffer(REDIS_KEYS.predictionStream, "*", ...first);

    const consumer = new IngestConsumer(client, pool, { consumer: "mixed-test" });
    consumer.start();
    try {
      await waitFor("the stream read to its end", async () => ((await client.xpending(REDIS_KEYS.predictionStream, REDIS_KEYS.ingestGroup)) as [number])[0] === 0 && consumer.ingested >= 600, 60_000, 100);
    } finally {
      await consumer.stop();
    }
    expect(consumer.ingested).toBe(600);
    expect(consumer.deadLettered).toBe(0);
    const rows = (await loggedRecords(pool, ep)).sort((a, b) => b.ms - a.ms).map((r) => ({ id: r.requestId, variant: r.variant, version: r.version, status: r.status, l: r.latencyMs, inputs: r.inputs, sampled: r.inputsSampled, outputs: r.outputs, error: r.error, t: r.ms }));
    expect(rows).toEqual(records.map((r) => ({ id: r.id, variant: r.v, version: r.n, status: r.s, l: r.l, inputs: r.in, sampled: !r.ns, outputs: r.out, error: r.err ?? null, t: r.t })));
    const rollups = await getDb().metricRollup.findMany({ where: { endpointId: ep } });
    expect(rollups.reduce((s, r) => s + r.count, 0)).toBe(600);
    expect(rollups.reduce((s, r) => s + r.errors, 0)).toBe(60);
    expect(rollups.reduce((s, r) => s + r.latencySumMs, 0)).toBe(records.reduce((s, r) => s + r.l, 0));
  }, 60_000);

  it("dead-letters a bad record of a columnar entry on its own, and a columnar entry that is not one as a whole", async () => {
    await client.del(REDIS_KEYS.predictionStream, REDIS_KEYS.deadLetterStream, REDIS_KEYS.deadLetterSeen);
    const ep = `ep-bad-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const col = (ids: string[], extra: Record<string, unknown[]> = {}) => JSON.stringify({
      t: ids.map(() => now), e: ids.map(() => ep), v: ids.map(() => "m"), n: ids.map(() => 1), id: ids, s: ids.map(() => 200), l: ids.map(() => 1), sh: ids.map(() => 0),
      r: ids.map(() => 1), in: ids.map(() => ({ x: [1] })), out: ids.map(() => null), err: ids.map(() => null), ns: ids.map(() => 0), ...extra,
    });
    await client.xadd(REDIS_KEYS.predictionStream, "*", "c", col(["a", "b", "c"], { n: [1, 1.5, 1], in: [{ x: [1] }, { x: [2] }, { x: ["nul\u0000"] }] }));
    await client.xadd(REDIS_KEYS.predictionStream, "*", "c", col(["d", "e"], { s: [200] }));
    await client.xadd(REDIS_KEYS.predictionStream, "*", "c", "[1, 2");
    const consumer = new IngestConsumer(client, pool, { consumer: "bad-test" });
    consumer.start();
    try {
      await waitFor("handled", async () => consumer.ingested === 1 && consumer.deadLettered === 4, 30_000, 100);
    } finally {
      await consumer.stop();
    }
    const reasons = (await client.xrange(REDIS_KEYS.deadLetterStream, "-", "+")).map(([, f]) => f[f.indexOf("reason") + 1]).sort();
    expect(reasons).toEqual([
      "not a prediction record: n: expected an integer from -2147483648 to 2147483647",
      "not storable: in.x[0] holds a NUL character (\\u0000)",
      "the columnar stream entry's s is not an array of 2 values",
      "the stream entry is not JSON",
    ].sort());
    expect((await loggedRecords(pool, ep)).map((r) => r.requestId)).toEqual(["a"]);
  }, 60_000);
});
