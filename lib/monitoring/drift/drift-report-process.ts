// A drift report's child process (started by run-drift-report.ts with a heap limit, watched for
// time and resident memory): reads the version's reference data and the window's logged answers,
// computes the statistics, prints "RESULT <json>" and exits. Logged inputs are clients' data, so
// parsing them and computing over a million rows happens here, never on a job worker's event loop,
// and a report that runs away is killed without taking ingest or alerting with it.
import { text } from "node:stream/consumers";
import pg from "pg";
import { z } from "zod";
import { createDb } from "../../db/client";
import { LocalArtifactStore } from "../../storage/artifact-store";
import { readReferenceData } from "../../registry/read-reference-data";
import { readCurrentData, type CurrentColumn } from "./read-current-data";
import { buildDriftReport, type TypedColumn } from "./build-drift-report";
import { reportInputSchema } from "./report-input";
import { signatureSchema } from "../../onnx/signature";


const typed = (c: CurrentColumn): TypedColumn => (c.kind === "numeric" ? c.values : { codes: c.codes, labels: c.labels });

async function main() {
  const { databaseUrl, artifactDir, ...input } = reportInputSchema.extend({ databaseUrl: z.string(), artifactDir: z.string() }).parse(JSON.parse(await text(process.stdin)));
  const db = createDb(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const t0 = performance.now();
    const ref = await readReferenceData({ db, store: new LocalArtifactStore(artifactDir), teamId: input.teamId, model: input.referenceModel, version: input.referenceVersion });
    if (!ref) throw new Error(`${input.referenceModel} v${input.referenceVersion} has no reference data any more`);
    const t1 = performance.now();
    // the version's outputs a reference may hold (its predictions) are compared as the prediction, not as features
    const { signature } = await db.modelVersion.findFirstOrThrow({ where: { number: input.referenceVersion, model: { teamId: input.teamId, name: input.referenceModel } }, select: { signature: true } });
    const outputs = new Set(signatureSchema.parse(signature).outputs.map((o) => o.name));
    const reference: Record<string, TypedColumn> = {};
    const referenceOutputs: Record<string, TypedColumn> = {};
    for (const c of ref.table.columns) (outputs.has(c.name) ? referenceOutputs : reference)[c.name] = c.type === "number" ? c.values : { codes: c.codes, labels: c.categories };
    const cur = await readCurrentData({
      pool, teamId: input.teamId, endpointId: input.endpointId, from: new Date(input.from), to: new Date(input.to),
      version: input.version ?? undefined, columns: Object.keys(reference), maxRows: input.maxRows, seed: input.seed,
    });
    const t2 = performance.now();
    const current: Record<string, TypedColumn> = {};
    for (const [name, c] of Object.entries(cur.columns)) current[name] = typed(c);
    const result = buildDriftReport({
      reference, referenceOutputs, current, currentRows: cur.rows, thresholds: input.thresholds,
      prediction: cur.prediction ? { name: cur.prediction.name, column: typed(cur.prediction.column) } : null,
    });
    if (ref.sampledFrom > ref.rows) result.notes.push(`the reference is a seeded sample of ${ref.rows.toLocaleString("en-US")} of the ${ref.sampledFrom.toLocaleString("en-US")} rows pushed`);
    if (cur.sampled) result.notes.push(`the window held ${cur.seenRows.toLocaleString("en-US")} rows: the report reads a seeded uniform sample of ${cur.rows.toLocaleString("en-US")} (DRIFT_REPORT_MAX_ROWS)`);
    const t3 = performance.now();
    // startMs: from this process's start (performance.now()'s origin) to main: node, tsx and the imports;
    // the read's split (until the first block, decoding) comes from readCurrentData
    const out = {
      result, rowsReference: ref.rows, rowsCurrent: cur.seenRows, versions: cur.versions,
      timings: { startMs: t0, referenceMs: t1 - t0, readMs: t2 - t1, readFirstBlockMs: cur.timings.firstBlockMs, readDecodeMs: cur.timings.decodeMs, computeMs: t3 - t2, totalMs: t3 - t0 },
    };
    process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  } finally {
    await pool.end().catch(() => {});
    await db.$disconnect().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`ERROR ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
