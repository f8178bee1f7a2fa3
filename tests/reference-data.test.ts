// Reference data per version (issue 10, item 1): pushed as the `reference` part (CSV or JSON Lines),
// checked against the model's inputs off the web's event loop, stored content-addressed and column-wise
// beside the artifact, sampled beyond 100,000 rows, and read back by drift reports. Real Postgres, real
// upload route, real child processes and artifact store.
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { LocalArtifactStore } from "@/lib/storage/artifact-store";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { createVersion } from "@/lib/registry/create-version";
import { collectArtifacts } from "@/lib/registry/collect-artifacts";
import { readReferenceData } from "@/lib/registry/read-reference-data";
import { rowsToColumns } from "@/lib/drift/build-profile";
import { readUpload } from "@/lib/api/read-upload";
import { AppError } from "@/lib/errors";
import { GraphBuilder } from "@/lib/onnx/graph-builder";
import { DataType } from "@/lib/onnx/proto";
import * as models from "@/app/api/v1/models/route";
import * as versions from "@/app/api/v1/models/[model]/versions/route";
import * as version from "@/app/api/v1/models/[model]/versions/[n]/route";
import * as reference from "@/app/api/v1/models/[model]/versions/[n]/reference/route";
import { call } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { trained } from "./helpers/models";
import { createHash } from "node:crypto";

const db = getDb();
const ARTIFACT_DIR = process.env.ARTIFACT_DIR!;
const store = new LocalArtifactStore(ARTIFACT_DIR);
let w: World;

const CSV_LINES = readFileSync("fixtures/german_credit.csv", "utf8").trim().split("\n");
const HEADER = CSV_LINES[0].split(",");
/** The first `n` rows of the German credit data (label column included: it is not a model input, so it is ignored). */
const creditCsv = (n: number) => CSV_LINES.slice(0, n + 1).join("\n") + "\n";
const creditRows = (n: number) => CSV_LINES.slice(1, n + 1).map((line) => Object.fromEntries(line.split(",").map((v, i) => [HEADER[i], /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])));

/** A model with one numeric input `x`, its bytes new each call. */
function xModel(): Uint8Array {
  const g = new GraphBuilder(`x-${randomUUID()}`);
  const x = g.input("x", DataType.FLOAT, ["N", 1]);
  const c = g.floats("c", [1], [Math.random()]);
  g.node("Add", [x, c], [], undefined, "y");
  g.output("y", DataType.FLOAT, ["N", 1]);
  return g.toBytes();
}

function form(parts: { file?: Uint8Array; metadata?: unknown; reference?: string | Uint8Array; referenceName?: string }): FormData {
  const f = new FormData();
  if (parts.metadata !== undefined) f.set("metadata", JSON.stringify(parts.metadata));
  if (parts.file) f.set("file", new Blob([Buffer.from(parts.file)]), "model.onnx");
  if (parts.reference !== undefined) f.set("reference", new Blob([typeof parts.reference === "string" ? parts.reference : Buffer.from(parts.reference)]), parts.referenceName ?? "reference.csv");
  return f;
}

const push = (name: string, parts: Parameters<typeof form>[0], token = w.tokens.write) =>
  call(versions.POST, "POST", `/api/v1/models/${name}/versions`, { token, rawBody: form(parts), params: { model: name } });

const putReference = (name: string, n: number, data: string, token = w.tokens.write) =>
  call(reference.PUT, "PUT", `/api/v1/models/${name}/versions/${n}/reference`, { token, rawBody: form({ reference: data }), params: { model: name, n: String(n) } });

async function freshModel(prefix: string, world = w): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const r = await call(models.POST, "POST", "/api/v1/models", { token: world.tokens.write, body: { name } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return name;
}

/** What a push leaves: version rows and audit events of the team, files in the store (temp files included). */
async function leftovers(teamId: string) {
  const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name)).sort() : []);
  return {
    versions: await db.modelVersion.count({ where: { model: { teamId } } }),
    audit: await db.auditEvent.count({ where: { teamId } }),
    files: [...files(path.join(ARTIFACT_DIR, "sha256")), ...files(path.join(ARTIFACT_DIR, "tmp"))],
  };
}

beforeAll(async () => {
  w = await makeWorld("ref");
});

describe("pushing reference data with a version", () => {
  it("stores a CSV column-wise beside the artifact: one column per model input, values typed, extra columns ignored", async () => {
    const name = await freshModel("csv");
    const r = await push(name, { file: trained().onnx, reference: creditCsv(200) });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.reference).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), rows: 200, sampledFrom: 200 });
    expect(r.json.hasReferenceProfile).toBe(true);
    expect(await store.has(r.json.reference.sha256)).toBe(true);

    const shown = await call(version.GET, "GET", `/api/v1/models/${name}/versions/1`, { token: w.tokens.read, params: { model: name, n: "1" } });
    expect(shown.json.reference).toEqual(r.json.reference);

    const data = await readReferenceData({ db, store, teamId: w.teamId, model: name, version: 1 });
    expect(data).not.toBeNull();
    expect(data!.rows).toBe(200);
    expect(data!.sampledFrom).toBe(200);
    const inputs = r.json.signature.inputs.map((i: { name: string }) => i.name);
    expect(Object.keys(data!.columns).sort()).toEqual([...inputs].sort());
    expect(data!.columns).not.toHaveProperty("credit_risk");
    const rows = creditRows(200);
    expect(data!.columns.duration).toEqual(rows.map((row) => row.duration));
    expect(data!.columns.purpose).toEqual(rows.map((row) => row.purpose));
    expect(data!.columns.age.every((v) => typeof v === "number")).toBe(true);
  });

  it("stores JSON Lines the same way: the same rows give the same stored file", async () => {
    const name = await freshModel("jsonl");
    const rows = creditRows(200);
    const csv = await push(name, { file: trained().onnx, reference: creditCsv(200) });
    const jsonl = await push(name, { file: trained().onnx, reference: rows.map((row) => JSON.stringify(row)).join("\n"), referenceName: "reference.jsonl" });
    expect(jsonl.status, JSON.stringify(jsonl.json)).toBe(201);
    expect(jsonl.json.reference).toEqual(csv.json.reference);
  });

  it("reads missing values (empty cells, null, absent keys) as null", async () => {
    const name = await freshModel("missing");
    const csv = "x,note\n1.5,a\n,b\nNA,c\n2,d\n";
    const r = await push(name, { file: xModel(), reference: csv });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect((await readReferenceData({ db, store, teamId: w.teamId, model: name, version: 1 }))!.columns).toEqual({ x: [1.5, null, null, 2] });
    const jl = await push(name, { file: xModel(), reference: '{"x": 3}\n{"x": null}\n{"other": 1}\n' });
    expect(jl.status, JSON.stringify(jl.json)).toBe(201);
    expect((await readReferenceData({ db, store, teamId: w.teamId, model: name, version: 2 }))!.columns).toEqual({ x: [3, null, null] });
  });

  it("keeps a seeded uniform sample of 100,000 rows out of 100,050, the same one for the same file, and says so", async () => {
    const name = await freshModel("sample");
    const n = 100_050;
    const csv = `x\n${Array.from({ length: n }, (_, i) => i).join("\n")}\n`;
    const started = performance.now();
    const r = await push(name, { file: xModel(), reference: csv });
    const ms = performance.now() - started;
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.reference).toMatchObject({ rows: 100_000, sampledFrom: n });
    expect(ms).toBeLessThan(20_000);
    const kept = (await readReferenceData({ db, store, teamId: w.teamId, model: name, version: 1 }))!.columns.x as number[];
    expect(kept).toHaveLength(100_000);
    expect(new Set(kept).size).toBe(100_000); // rows, not repeats
    expect(kept.every((x) => Number.isInteger(x) && x >= 0 && x < n)).toBe(true);
    expect(kept.some((x) => x >= 100_000)).toBe(true); // the last rows had their chance too
    // the same file again: the same sample (seeded by the file's hash), so the same stored file
    const again = await push(name, { file: xModel(), reference: csv });
    expect(again.json.reference).toEqual(r.json.reference);
  }, 60_000);
});

describe("reference rows that do not fit the model's inputs", () => {
  it("answers 400 naming the row and the column, and leaves nothing behind", async () => {
    const name = await freshModel("refused");
    const lines = creditCsv(30).trim().split("\n");
    const durationAt = HEADER.indexOf("duration");
    const withBad = (row: number, col: number, value: string) => lines.map((l, i) => (i === row ? l.split(",").map((v, j) => (j === col ? value : v)).join(",") : l)).join("\n");
    const dropColumn = (col: number) => lines.map((l) => l.split(",").filter((_, j) => j !== col).join(",")).join("\n");
    const before = await leftovers(w.teamId);
    const cases: [string, string, RegExp][] = [
      ["a word for a number", withBad(17, durationAt, "long"), /^reference row 17: column "duration" must be a number, not "long"$/],
      ["a missing column", dropColumn(durationAt), /^reference: column "duration" is missing; the model's inputs are /],
      ["a ragged row", lines.map((l, i) => (i === 3 ? `${l},extra` : l)).join("\n"), /^reference row 3: 22 fields where the header has 21$/],
      ["a NUL in a category", withBad(5, HEADER.indexOf("purpose"), "car\u0000"), /^reference row 5: column "purpose" holds a NUL character/],
      ["JSON Lines with a string for a number", `${JSON.stringify({ ...creditRows(1)[0] })}\n${JSON.stringify({ ...creditRows(1)[0], age: "old" })}\n`, /^reference row 2: column "age" must be a number, not "old"$/],
      ["JSON Lines with a lone surrogate", `${JSON.stringify(creditRows(1)[0]).replace('"Radio.Television"', '"\\ud800"')}\n`, /^reference row 1: column "purpose" holds a lone UTF-16 surrogate$/],
      ["a JSON line that is no object", `${JSON.stringify(creditRows(1)[0])}\n[1, 2]\n`, /^reference row 2: must be a JSON object/],
      ["an unclosed quote", `${lines[0]}\n"6,1169`, /^reference: not valid CSV after row 0: /],
      ["only a header", `${lines[0]}\n`, /^reference: no rows/],
      ["empty", "", /^reference: the file is empty$/],
      ["not UTF-8", Buffer.concat([Buffer.from(`${lines[0]}\n`), Buffer.from([0xff, 0xfe, 0x41])]).toString("latin1"), /^reference: the file is not UTF-8 text/],
    ];
    for (const [label, data, message] of cases) {
      const r = label === "not UTF-8"
        ? await push(name, { file: trained().onnx, reference: Buffer.from(data, "latin1") })
        : await push(name, { file: trained().onnx, reference: data });
      expect(r.status, `${label}: ${JSON.stringify(r.json)}`).toBe(400);
      expect(r.json.error.message, label).toMatch(message);
      expect(r.json.error.field, label).toBe("reference");
    }
    expect(await leftovers(w.teamId)).toEqual(before);
  }, 60_000);

  it("refuses reference data for a model whose inputs take more than one value per row, and data given twice", async () => {
    const name = await freshModel("wide");
    const g = new GraphBuilder("wide");
    const x = g.input("pixels", DataType.FLOAT, ["N", 784]);
    g.node("Identity", [x], [], undefined, "y");
    g.output("y", DataType.FLOAT, ["N", 784]);
    const wide = await push(name, { file: g.toBytes(), reference: "pixels\n1\n" });
    expect(wide.status).toBe(400);
    expect(wide.json.error.message).toBe('reference data does not fit this model: input "pixels" takes [N, 784] values; reference data has one value per row for each input ([N] or [N, 1])');
    const twice = await push(name, { file: xModel(), reference: "x\n1\n", metadata: { referenceData: { x: [1] } } });
    expect(twice.status).toBe(400);
    expect(twice.json.error.field).toBe("metadata.referenceData");
  });

  it("refuses with 422 data whose check runs past its time or memory limit, leaving nothing", async () => {
    const name = await freshModel("limits");
    const model = await db.model.findFirstOrThrow({ where: { teamId: w.teamId, name } });
    const before = await leftovers(w.teamId);
    const csv = `x\n${Array.from({ length: 20_000 }, (_, i) => i).join("\n")}\n`;
    for (const [limits, message] of [
      [{ timeoutMs: 1, maxMemoryMb: 1024, concurrency: 2, queue: 16 }, /took longer than the limit of 1 ms \(REFERENCE_CHECK_TIMEOUT_MS\)/],
      [{ timeoutMs: 60_000, maxMemoryMb: 64, concurrency: 2, queue: 16 }, /needed more memory than the limit of 64 MiB \(REFERENCE_CHECK_MAX_MEMORY_MB\)/],
    ] as const) {
      const bytes = xModel();
      const tempFile = await store.tempPath();
      await writeFile(tempFile, bytes);
      const refFile = await store.tempPath();
      await writeFile(refFile, csv);
      const err = await createVersion({
        db, store, teamId: model.teamId, modelName: name, actor: SYSTEM_ACTOR, referenceLimits: limits,
        upload: { tempFile, sha256: createHash("sha256").update(bytes).digest("hex"), sizeBytes: bytes.length },
        reference: { tempFile: refFile, sha256: createHash("sha256").update(csv).digest("hex"), sizeBytes: csv.length },
        metadata: { metrics: {}, params: {}, tags: [] },
      }).then(() => null, (e: Error & { code?: string }) => e);
      expect(err?.code).toBe("unprocessable");
      expect(err?.message).toMatch(message);
    }
    expect(await leftovers(w.teamId)).toEqual(before);
  }, 60_000);
});

describe("the reference part's size limit (MAX_REFERENCE_BYTES)", () => {
  it("answers 413 naming the part and its limit, keeps the model's own limit, and leaves no temp file", async () => {
    const before = await leftovers(w.teamId);
    const read = (parts: Parameters<typeof form>[0]) => readUpload(new Request("http://localhost/x", { method: "POST", body: form(parts) }), {
      store, maxBytes: 1000, extraFiles: { reference: { maxBytes: 100, limitName: "MAX_REFERENCE_BYTES" } },
    }).then((u) => u, (e: AppError) => e);
    const tooBig = await read({ file: new Uint8Array(500), reference: `x\n${"1\n".repeat(100)}` });
    expect(tooBig).toBeInstanceOf(AppError);
    expect(tooBig).toMatchObject({ code: "payload_too_large", message: "reference is larger than the limit of 100 bytes (MAX_REFERENCE_BYTES)", requestField: "reference" });
    const modelTooBig = await read({ file: new Uint8Array(1500), reference: "x\n1\n" });
    expect(modelTooBig).toMatchObject({ code: "payload_too_large", message: "file is larger than the limit of 1000 bytes (MAX_UPLOAD_BYTES)" });
    const twice = new FormData();
    twice.set("file", new Blob([new Uint8Array(10)]), "m.onnx");
    twice.append("reference", new Blob(["x\n1\n"]), "a.csv");
    twice.append("reference", new Blob(["x\n2\n"]), "b.csv");
    const repeated = await readUpload(new Request("http://localhost/x", { method: "POST", body: twice }), { store, maxBytes: 1000, extraFiles: { reference: { maxBytes: 100, limitName: "MAX_REFERENCE_BYTES" } } }).catch((e: AppError) => e);
    expect(repeated).toMatchObject({ code: "bad_request", message: "reference: send one 'reference' part" });
    const fine = await read({ file: new Uint8Array(500), reference: "x\n1\n" });
    expect(fine).toMatchObject({ sizeBytes: 500, files: { reference: { sizeBytes: 4, sha256: createHash("sha256").update("x\n1\n").digest("hex") } } });
    if (!(fine instanceof AppError)) for (const f of [fine.tempFile, fine.files.reference.tempFile]) await store.removeTemp(f);
    expect(await leftovers(w.teamId)).toEqual(before);
  });
});

describe("versions pushed without the part", () => {
  it("stores metadata.referenceData — what the built-in trainer hands in — the same way", async () => {
    const name = await freshModel("trainer");
    const t = trained();
    const r = await push(name, { file: t.onnx, metadata: { referenceData: rowsToColumns(t.trainRows) } });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.reference).toMatchObject({ rows: t.trainRows.length, sampledFrom: t.trainRows.length });
    const data = await readReferenceData({ db, store, teamId: w.teamId, model: name, version: 1 });
    expect(data!.columns.amount).toEqual(t.trainRows.map((row) => row.amount));
    expect(data!.columns.housing).toEqual(t.trainRows.map((row) => row.housing));
  });

  it("has none (null) until PUT …/versions/{n}/reference gives it one, audited; replacing it is audited too", async () => {
    const name = await freshModel("later");
    const v = await push(name, { file: xModel() });
    expect(v.status).toBe(201);
    expect(v.json.reference).toBeNull();
    expect(await readReferenceData({ db, store, teamId: w.teamId, model: name, version: 1 })).toBeNull();

    const bad = await putReference(name, 1, "x\nlots\n");
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ field: "reference", message: 'reference row 1: column "x" must be a number, not "lots"' });

    const set = await putReference(name, 1, "x\n1\n2\n3\n");
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    expect(set.json.reference).toMatchObject({ rows: 3, sampledFrom: 3 });
    const replaced = await putReference(name, 1, "x\n4\n5\n");
    expect(replaced.json.reference).toMatchObject({ rows: 2 });
    expect((await readReferenceData({ db, store, teamId: w.teamId, model: name, version: 1 }))!.columns).toEqual({ x: [4, 5] });
    const events = await db.auditEvent.findMany({ where: { teamId: w.teamId, action: "version.reference.set", after: { path: ["model"], equals: name } }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [(e.before as { reference: unknown }).reference, (e.after as { reference: { rows: number } }).reference.rows])).toEqual([[null, 3], [set.json.reference, 2]]);

    expect((await putReference(name, 9, "x\n1\n")).status).toBe(404);
    expect((await putReference(name, 1, "x\n1\n", w.tokens.read)).status).toBe(403);
  });
});

describe("reference data and the rest of the registry", () => {
  it("keeps teams apart: another team can neither read nor set a version's reference data", async () => {
    const name = await freshModel("mine");
    expect((await push(name, { file: xModel(), reference: "x\n1\n" })).status).toBe(201);
    const other = await makeWorld("ref-other");
    expect((await call(version.GET, "GET", `/api/v1/models/${name}/versions/1`, { token: other.tokens.read, params: { model: name, n: "1" } })).status).toBe(404);
    expect((await putReference(name, 1, "x\n2\n", other.tokens.write)).status).toBe(404);
    await expect(readReferenceData({ db, store, teamId: other.teamId, model: name, version: 1 })).rejects.toThrow(/not found/);
    // the same model name in the other team is the other team's own
    await freshModel("mine", other).then(async (theirs) => {
      expect((await push(theirs, { file: xModel() }, other.tokens.write)).status).toBe(201);
      expect(await readReferenceData({ db, store, teamId: other.teamId, model: theirs, version: 1 })).toBeNull();
    });
    expect((await readReferenceData({ db, store, teamId: w.teamId, model: name, version: 1 }))!.columns).toEqual({ x: [1] });
  });

  it("is never collected as garbage while a version refers to it", async () => {
    const name = await freshModel("gc");
    const r = await push(name, { file: xModel(), reference: `x\n${randomUUID().length}\n7\n` });
    expect(r.status).toBe(201);
    const collected = await collectArtifacts({ db, store, graceMs: 0 });
    expect(collected.removed).not.toContain(r.json.reference.sha256);
    expect(await store.has(r.json.reference.sha256)).toBe(true);
  });
});
