// Ground-truth labels for logged predictions, by request id. Each label is checked against the prediction
// it names and stored with what the performance query needs (prediction time, variant, version, score,
// whether the predicted class was right), so reads never join the partitioned log. A repeated label
// replaces the earlier one; ids the log does not hold are listed, and nothing is written for them.
import { z } from "zod";
import type { Db } from "../db/client";
import { actorOf, type Principal } from "../auth/principal";
import { ensureCan } from "../auth/policy";
import { recordAudit } from "../audit/record-audit";
import { AppError } from "../errors";
import { findEndpoint } from "../serving/control/endpoints/read-endpoints";
import { BLOCK_COLUMNS, recordsOfBlocks, type StoredBlock } from "../serving/shared/prediction-log/read-blocks";
import { requestHash } from "../serving/shared/prediction-log/request-hash";
import { outcomeParamsSchema, readOutcome, taskOf, type Label, type Outcome, type Task } from "./read-outcome";

export const FEEDBACK_MAX_RECORDS = 10_000;

export type FeedbackRecord = { requestId: string; label: Label };

type Logged = { requestId: string; variant: string; time: Date; version: number; shadow: boolean; rows: number; status: number; outputs: unknown };

const loggedOutputs = z.record(z.string(), z.array(z.unknown()));

/** The model a variant name belongs to: variants are named `<model>-v<version>` (lib/serving/shared/routing.ts). */
const modelOf = (variant: string, version: number) => (variant.endsWith(`-v${version}`) ? variant.slice(0, -`-v${version}`.length) : null);

/**
 * The newest record per (request id, variant) of the ids: a client that reuses a request id labels its
 * latest use. The blocks holding one of their hashes are read (GIN index), the ids themselves decide.
 */
async function findLogged(db: Db, endpointId: string, ids: string[]): Promise<Logged[]> {
  const wanted = new Set(ids);
  const hashes = [...new Set(ids.map(requestHash))];
  const blocks = await db.$queryRawUnsafe<StoredBlock[]>(
    `SELECT ${BLOCK_COLUMNS} FROM "PredictionBlock" WHERE "endpointId" = $1 AND "requestHashes" && $2::int4[]`, endpointId, hashes);
  const newest = new Map<string, Logged & { t: number }>();
  for (const r of recordsOfBlocks(blocks)) {
    if (!wanted.has(r.id)) continue;
    const k = `${r.id}\u0000${r.v}`;
    const seen = newest.get(k);
    if (seen && seen.t >= r.t) continue;
    newest.set(k, { requestId: r.id, variant: r.v, time: new Date(r.t), t: r.t, version: r.n, shadow: r.sh, rows: r.r, status: r.s, outputs: r.out });
  }
  return [...newest.values()].map(({ t: _t, ...l }) => l);
}

export async function recordFeedback(opts: { db: Db; principal: Principal; endpointName: string; records: FeedbackRecord[] }) {
  const { db, principal } = opts;
  if (opts.records.length > FEEDBACK_MAX_RECORDS) throw new AppError("bad_request", `at most ${FEEDBACK_MAX_RECORDS} records a call`, { field: "records" });
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "feedback.write", { environment: e.environment });

  // within one call the last label for an id wins, as a later call's would
  const byId = new Map<string, { label: Label; index: number }>();
  opts.records.forEach((r, index) => byId.set(r.requestId, { label: r.label, index }));
  const ids = [...byId.keys()];
  // the newest record per (request id, variant): a client that reuses a request id labels its latest use
  const logged = ids.length ? await findLogged(db, e.id, ids) : [];

  const rules = await outcomeRules(db, principal.teamId, logged);
  const rows: (Logged & { label: Label } & Outcome)[] = [];
  const found = new Set<string>();
  const scored = new Set<string>();
  for (const l of logged) {
    found.add(l.requestId);
    const outputs = loggedOutputs.safeParse(l.outputs);
    if (l.status >= 400 || !outputs.success) continue; // an error answer: no prediction to compare
    const { label, index } = byId.get(l.requestId)!;
    if (l.rows !== 1) throw new AppError("unprocessable", `request "${l.requestId}" predicted ${l.rows} rows: a label names the prediction of a one-row request`, { field: `records.${index}.requestId` });
    const rule = rules.get(`${l.variant}|${l.version}`) ?? { task: "classification" as Task };
    const outcome = readOutcome({ ...rule, outputs: outputs.data, label });
    if (typeof outcome === "string") throw new AppError("unprocessable", `request "${l.requestId}" (${l.variant}): ${outcome}`, { field: `records.${index}.label` });
    rows.push({ ...l, label, ...outcome });
    scored.add(l.requestId);
  }
  const unknown = ids.filter((id) => !found.has(id));
  const failed = ids.filter((id) => found.has(id) && !scored.has(id));

  let replaced = 0;
  if (rows.length) {
    replaced = await db.$transaction(async (tx) => {
      const r = await tx.$queryRaw<{ inserted: boolean }[]>`
        INSERT INTO "PredictionFeedback" ("endpointId","requestId","variant","time","version","shadow","label","actual","score","correct","labelledBy","labelledAt")
        SELECT ${e.id}, t.*, ${principal.label}, now() FROM unnest(
          ${rows.map((x) => x.requestId)}::text[], ${rows.map((x) => x.variant)}::text[], ${rows.map((x) => x.time)}::timestamptz[],
          ${rows.map((x) => x.version)}::int[], ${rows.map((x) => x.shadow)}::bool[], ${rows.map((x) => JSON.stringify(x.label))}::jsonb[],
          ${rows.map((x) => x.actual)}::float8[], ${rows.map((x) => x.score)}::float8[], ${rows.map((x) => x.correct)}::bool[]) AS t
        ON CONFLICT ("endpointId","requestId","variant") DO UPDATE SET
          "label" = EXCLUDED."label", "actual" = EXCLUDED."actual", "score" = EXCLUDED."score", "correct" = EXCLUDED."correct",
          "labelledBy" = EXCLUDED."labelledBy", "labelledAt" = EXCLUDED."labelledAt"
        RETURNING (xmax = 0) AS inserted`;
      const n = r.filter((x) => !x.inserted).length;
      // one entry a call, with counts: the labels themselves are data, not changes to audit one by one
      await recordAudit(tx, {
        teamId: principal.teamId, actor: actorOf(principal), action: "feedback.record", resourceType: "endpoint", resourceId: e.id,
        after: { endpoint: e.name, records: opts.records.length, accepted: scored.size, predictions: rows.length, replaced: n, unknown: unknown.length, failed: failed.length },
      });
      return n;
    });
  }
  return { endpoint: e.name, accepted: scored.size, predictions: rows.length, replaced, unknown, failed };
}

/** Task and positive class of every (variant, version) logged, from the team's models. */
async function outcomeRules(db: Db, teamId: string, logged: Logged[]): Promise<Map<string, { task: Task; positiveClass?: string | number }>> {
  const wanted = new Map<string, { model: string; version: number }>();
  for (const l of logged) {
    const model = modelOf(l.variant, l.version);
    if (model) wanted.set(`${l.variant}|${l.version}`, { model, version: l.version });
  }
  const models = await db.model.findMany({
    where: { teamId, name: { in: [...new Set([...wanted.values()].map((w) => w.model))] } },
    select: { name: true, task: true, versions: { where: { number: { in: [...new Set([...wanted.values()].map((w) => w.version))] } }, select: { number: true, params: true } } },
  });
  const out = new Map<string, { task: Task; positiveClass?: string | number }>();
  for (const [key, w] of wanted) {
    const m = models.find((x) => x.name === w.model);
    if (!m) continue;
    const params = outcomeParamsSchema.safeParse(m.versions.find((v) => v.number === w.version)?.params ?? {});
    out.set(key, { task: taskOf(m.task), positiveClass: params.success ? params.data.positive_class : undefined });
  }
  return out;
}
