import { Prisma } from "../generated/prisma/client";
import type { Db } from "../db/client";
import { findModel, findVersion } from "./find-model";
import { toVersionView, VERSION_INCLUDE } from "./views";
import { decodeCursor, encodeCursor } from "./list-cursor";
import type { MetricFilter } from "./metric-filter";

import { DEFAULT_VERSION_SORT } from "./list-sorts";

// the only text put into the query unparameterised: one of these, whatever a caller hands in
const OP_SQL: Record<MetricFilter["op"], string> = { ">": ">", ">=": ">=", "<": "<", "<=": "<=", "=": "=" };

export type ListVersionsOptions = {
  db: Db; teamId: string; modelName: string;
  tag?: string; metrics?: MetricFilter[];
  /** archived versions are listed only when asked for */
  archived?: boolean;
  sort?: string; cursor?: string; limit?: number;
};

/**
 * A model's versions, a page at a time. Metrics live in a JSON column, so filtering and sorting by
 * them happens in SQL on `metrics -> name`; versions without the sorted metric come last either way.
 * Ties (same metric value or creation time) are broken by the version number, in the sort's direction.
 */
export async function listVersions(opts: ListVersionsOptions) {
  const model = await findModel(opts.db, opts.teamId, opts.modelName);
  const sort = opts.sort ?? DEFAULT_VERSION_SORT;
  const limit = opts.limit ?? 50;
  const desc = sort.startsWith("-");
  const field = sort.replace(/^-/, "");
  const metric = field.startsWith("metrics.") ? field.slice("metrics.".length) : null;
  const cmp = Prisma.raw(desc ? "<" : ">");
  const dir = Prisma.raw(desc ? "DESC" : "ASC");

  const metricValue = (name: string) => Prisma.sql`(CASE WHEN jsonb_typeof(v.metrics -> ${name}::text) = 'number' THEN (v.metrics ->> ${name}::text)::float8 END)`;
  const key = metric !== null ? metricValue(metric) : field === "createdAt" ? Prisma.sql`v."createdAt"` : Prisma.sql`v."number"`;

  const conditions: Prisma.Sql[] = [Prisma.sql`v."modelId" = ${model.id}`];
  if (!opts.archived) conditions.push(Prisma.sql`v."archivedAt" IS NULL`);
  if (opts.tag) conditions.push(Prisma.sql`${opts.tag}::text = ANY(v.tags)`);
  for (const f of opts.metrics ?? []) conditions.push(Prisma.sql`${metricValue(f.metric)} ${Prisma.raw(OP_SQL[f.op])} ${f.value}::float8`);
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor, sort);
    const n = Number(c.t);
    if (field === "number") conditions.push(Prisma.sql`v."number" ${cmp} ${n}::int`);
    else if (c.k === null) conditions.push(Prisma.sql`(${key} IS NULL AND v."number" ${cmp} ${n}::int)`);
    else {
      const k = metric !== null ? Prisma.sql`${Number(c.k)}::float8` : Prisma.sql`${String(c.k)}::timestamp(3)`;
      const orMissing = metric !== null ? Prisma.sql` OR ${key} IS NULL` : Prisma.empty;
      conditions.push(Prisma.sql`(${key} ${cmp} ${k} OR (${key} = ${k} AND v."number" ${cmp} ${n}::int)${orMissing})`);
    }
  }
  const rows = await opts.db.$queryRaw<{ id: string; number: number; k: number | Date | null }[]>`
    SELECT v.id, v."number", ${key} AS k FROM "ModelVersion" v
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY ${key} ${dir} NULLS LAST, v."number" ${dir}
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const full = await opts.db.modelVersion.findMany({ where: { id: { in: page.map((r) => r.id) } }, include: VERSION_INCLUDE });
  const byId = new Map(full.map((r) => [r.id, r]));
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last
    ? encodeCursor({ s: sort, k: last.k instanceof Date ? last.k.toISOString() : last.k, t: last.number })
    : null;
  return { versions: page.map((r) => toVersionView(byId.get(r.id)!)), nextCursor };
}

export async function getVersion(opts: { db: Db; teamId: string; modelName: string; number: number }) {
  const { version } = await findVersion(opts.db, opts.teamId, opts.modelName, opts.number);
  const row = await opts.db.modelVersion.findUniqueOrThrow({ where: { id: version.id }, include: VERSION_INCLUDE });
  return toVersionView(row);
}
