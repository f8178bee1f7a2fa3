// A page of an endpoint's prediction log, newest first, filtered: what the explorer shows.
import type { Db } from "../../../db/client";
import { findEndpoint } from "../endpoints/read-endpoints";
import { resolveQuery, searchPage, type PredictionFilter } from "./prediction-query";

/** `budgetMs`: how long the page may search (see searchPage); tests make it small to see a search stop and go on. */
export async function listPredictions(opts: { db: Db; teamId: string; name: string; filter: PredictionFilter; cursor?: string; limit: number; now?: Date; budgetMs?: number }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.name);
  const q = resolveQuery({ endpointId: e.id, filter: opts.filter, cursor: opts.cursor, now: opts.now });
  const page = await searchPage(opts.db, q, opts.limit, opts.budgetMs);
  // the window read, so the next page (and an export) can ask for the same one
  return {
    endpoint: e.name, from: q.from.toISOString(), to: q.to.toISOString(),
    predictions: page.records, nextCursor: page.cursor, searchedFrom: page.searchedFrom.toISOString(),
  };
}
