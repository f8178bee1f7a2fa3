// The gateway's in-memory routing table, loaded from Postgres. A failed reload keeps the last
// good table, so the data plane keeps answering while Postgres is away. It carries each endpoint's
// key hashes too, so a request's endpoint key is checked with one in-memory lookup.
import type { Db } from "../../../db/client";
import { signatureSchema, type Signature } from "../../../onnx/signature";
import { asRouting, servingVariants, shadowVariants, type Sticky, type Variant } from "../../shared/routing";
import { readJson } from "../../../db/json";

/** One endpoint key as the gateway knows it: by its hash, never the key. */
export type KeyEntry = { id: string; endpoint: string; revoked: boolean };

export type EndpointRoute = {
  id: string;
  name: string;
  /** requests need one of `keys` (Authorization: Bearer sk_…) */
  requireKey: boolean;
  /** this endpoint's keys by hash, revoked ones included (to say so) */
  keys: Map<string, KeyEntry>;
  routingVersion: number;
  serving: Variant[];
  shadows: Variant[];
  all: Variant[];
  sticky: Sticky;
  signatures: Map<string, Signature>;
  /** share of requests whose inputs the prediction log keeps (Endpoint.logInputs; sample-inputs.ts) */
  logInputs: number;
};

export async function loadRoutingTable(db: Db): Promise<Map<string, EndpointRoute>> {
  const endpoints = await db.endpoint.findMany({ select: { id: true, name: true, routing: true, routingVersion: true, requireKey: true, logInputs: true, keys: { select: { id: true, keyHash: true, revokedAt: true } } } });
  const routings = endpoints.map((e) => ({ e, r: asRouting(e.routing) }));
  const versionIds = [...new Set(routings.flatMap(({ r }) => r.variants.map((v) => v.versionId)))];
  const versions = versionIds.length ? await db.modelVersion.findMany({ where: { id: { in: versionIds } }, select: { id: true, signature: true } }) : [];
  const signatures = new Map(versions.map((v) => [v.id, readJson(signatureSchema, v.signature, "signature")]));
  const table = new Map<string, EndpointRoute>();
  for (const { e, r } of routings) {
    table.set(e.name, {
      id: e.id,
      name: e.name,
      requireKey: e.requireKey,
      keys: new Map(e.keys.map((k) => [k.keyHash, { id: k.id, endpoint: e.name, revoked: k.revokedAt !== null }])),
      routingVersion: e.routingVersion,
      serving: servingVariants(r),
      shadows: shadowVariants(r),
      all: r.variants,
      sticky: r.sticky,
      logInputs: e.logInputs,
      signatures: new Map(r.variants.filter((v) => signatures.has(v.versionId)).map((v) => [v.versionId, signatures.get(v.versionId)!])),
    });
  }
  return table;
}

