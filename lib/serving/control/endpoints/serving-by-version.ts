import type { Db } from "../../../db/client";
import { asRouting } from "../../shared/routing";

/** For one model: which endpoints route to each version number, with what share and role. */
export async function servingByVersion(db: Db, teamId: string, model: string): Promise<Map<number, { endpoint: string; weight: number; role: string }[]>> {
  const endpoints = await db.endpoint.findMany({ where: { teamId }, select: { name: true, routing: true } });
  const out = new Map<number, { endpoint: string; weight: number; role: string }[]>();
  for (const e of endpoints) {
    for (const v of asRouting(e.routing).variants) {
      if (v.model !== model) continue;
      (out.get(v.version) ?? out.set(v.version, []).get(v.version)!).push({ endpoint: e.name, weight: v.weight, role: v.role });
    }
  }
  return out;
}
