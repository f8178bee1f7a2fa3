// What a gateway should hold inline: every inline variant an endpoint routes to, and every inline
// variant a deployment in progress brings in (the deployment waits for gateways to report it ready
// before it switches traffic to it, as it waits for inference workers to load a worker variant).
import type { Db } from "../../../db/client";
import type { Variant } from "../../shared/routing";
import { variantsInUse } from "../../shared/variants-in-use";
import type { InlineWant } from "./inline-host";

/** `routed`: the variants of the routing table the gateway has just loaded (not read again here). */
export async function loadInlineWants(db: Db, routed: Iterable<Variant>): Promise<InlineWant[]> {
  const wants = new Map<string, InlineWant>();
  for (const v of await variantsInUse(db, routed)) {
    if (v.placement === "inline" && !wants.has(v.versionId)) wants.set(v.versionId, { versionId: v.versionId, sha256: v.sha256, batching: v.batching });
  }
  return [...wants.values()];
}
