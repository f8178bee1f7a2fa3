import type { Db } from "../../../db/client";
import { findEndpoint } from "./read-endpoints";
import { toEndpointKeyView } from "./endpoint-key-view";

export async function listEndpointKeys(opts: { db: Db; teamId: string; endpointName: string }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.endpointName);
  const rows = await opts.db.endpointKey.findMany({ where: { endpointId: e.id }, orderBy: { createdAt: "desc" } });
  return { endpoint: e.name, requireKey: e.requireKey, keys: rows.map(toEndpointKeyView) };
}
