import type { Db, Prisma } from "../db/client";
import { MODEL_INCLUDE, toModelView } from "./views";
import { findModel } from "./find-model";
import { decodeCursor, encodeCursor } from "./list-cursor";
import type { ModelSort } from "./list-sorts";


export type ListModelsOptions = {
  db: Db; teamId: string;
  /** part of the name or the description, any case */
  q?: string;
  /** models with an unarchived version carrying this tag */
  tag?: string;
  sort?: ModelSort; cursor?: string; limit?: number;
};

/** The team's models, a page at a time: by name (unique in a team), or by creation time with the id as tiebreaker. */
export async function listModels(opts: ListModelsOptions) {
  const sort = opts.sort ?? "name";
  const limit = opts.limit ?? 50;
  const desc = sort.startsWith("-");
  const dir = desc ? "desc" : "asc";
  const cmp = desc ? "lt" : "gt";
  const byName = sort.endsWith("name");
  const where: Prisma.ModelWhereInput[] = [{ teamId: opts.teamId }];
  if (opts.q) {
    // Prisma hands `contains` to LIKE as is: escape its wildcards so "%" and "_" mean themselves
    const q = opts.q.replace(/[\\%_]/g, "\\$&");
    where.push({ OR: [{ name: { contains: q, mode: "insensitive" } }, { description: { contains: q, mode: "insensitive" } }] });
  }
  if (opts.tag) where.push({ versions: { some: { tags: { has: opts.tag }, archivedAt: null } } });
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor, sort);
    if (byName) where.push({ name: { [cmp]: String(c.k) } });
    else {
      const at = new Date(String(c.k));
      where.push({ OR: [{ createdAt: { [cmp]: at } }, { createdAt: at, id: { [cmp]: String(c.t) } }] });
    }
  }
  const rows = await opts.db.model.findMany({
    where: { AND: where }, include: MODEL_INCLUDE, take: limit + 1,
    orderBy: byName ? [{ name: dir }] : [{ createdAt: dir }, { id: dir }],
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last
    ? encodeCursor({ s: sort, k: byName ? last.name : last.createdAt.toISOString(), t: last.id })
    : null;
  return { models: page.map(toModelView), nextCursor };
}

export async function getModel(opts: { db: Db; teamId: string; name: string }) {
  const model = await findModel(opts.db, opts.teamId, opts.name);
  const row = await opts.db.model.findUniqueOrThrow({ where: { id: model.id }, include: MODEL_INCLUDE });
  return toModelView(row);
}
