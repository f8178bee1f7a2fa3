// What a promotion would change, resolved from a request (POST /promotions, PUT …/traffic, PUT
// …/aliases) or rebuilt from a stored promotion, so its evidence can be taken again.
import type { Db } from "../db/client";
import { AppError, notFound } from "../errors";
import { readJson } from "../db/json";
import { findVersion } from "../registry/find-model";
import { archivedMessage } from "../registry/archived";
import { findEndpoint } from "../serving/control/endpoints/read-endpoints";
import { planTraffic } from "../serving/control/endpoints/plan-traffic";
import { trafficRequestSchema, type TrafficRequest } from "../serving/control/endpoints/traffic-request";
import { z } from "zod";
import type { PromotionTarget } from "./collect-evidence";

export type PromotionInput =
  | { kind: "traffic"; endpoint: string; traffic: TrafficRequest; reason?: string }
  | { kind: "alias"; model: string; alias: string; version: number; reason?: string };

/** Protected aliases answer to the production policy: they name what production should serve. */
export const ALIAS_ENVIRONMENT = "production" as const;

export const targetKey = (t: PromotionTarget) => (t.kind === "traffic" ? `endpoint:${t.endpoint.id}` : `alias:${t.model.id}:${t.alias}`);

/**
 * `fieldPrefix` is where the traffic request sits in the caller's input ("traffic." for a promotion
 * request, "" for PUT …/traffic), so an error names the field the caller sent.
 */
/** `inlineMaxModelMb`: the web's INLINE_MAX_MODEL_MB, for variants asking for placement "inline". */
export async function resolveTarget(db: Db, teamId: string, input: PromotionInput, fieldPrefix = "traffic.", inlineMaxModelMb?: number): Promise<PromotionTarget> {
  if (input.kind === "traffic") {
    const endpoint = await findEndpoint(db, teamId, input.endpoint);
    const plan = await withFieldPrefix(fieldPrefix, () => planTraffic({ db, teamId, endpoint, request: input.traffic, inlineMaxModelMb }));
    return { kind: "traffic", environment: endpoint.environment, endpoint, request: input.traffic, plan };
  }
  const { model, version } = await findVersion(db, teamId, input.model, input.version);
  if (version.archivedAt) throw new AppError("unprocessable", archivedMessage(model.name, version.number), { field: "version" });
  const current = await db.alias.findUnique({ where: { modelId_name: { modelId: model.id, name: input.alias } }, include: { version: { select: { id: true, number: true } } } });
  return { kind: "alias", environment: ALIAS_ENVIRONMENT, model, alias: input.alias, version, current: current?.version ?? null };
}

const storedAlias = z.object({ alias: z.string(), version: z.number() });

/** The target of a stored promotion, as the database is now (`inlineMaxModelMb`: as in resolveTarget). */
export async function targetOfPromotion(db: Db, p: { teamId: string; kind: string; endpointId: string | null; modelId: string | null; request: unknown }, inlineMaxModelMb?: number): Promise<PromotionTarget> {
  if (p.kind === "traffic") {
    const e = await db.endpoint.findUnique({ where: { id: p.endpointId! }, select: { name: true } });
    if (!e) throw notFound("the promotion's endpoint");
    // the routing version the requester's page saw was judged when it was asked for; from then on the
    // evidence (which holds the live routing) says whether the endpoint changed under the promotion
    const { expectedRoutingVersion: _seen, ...traffic } = readJson(trafficRequestSchema, p.request, "promotion request");
    return resolveTarget(db, p.teamId, { kind: "traffic", endpoint: e.name, traffic }, "", inlineMaxModelMb);
  }
  const m = await db.model.findUnique({ where: { id: p.modelId! }, select: { name: true } });
  if (!m) throw notFound("the promotion's model");
  const r = readJson(storedAlias, p.request, "promotion request");
  return resolveTarget(db, p.teamId, { kind: "alias", model: m.name, alias: r.alias, version: r.version });
}

async function withFieldPrefix<T>(prefix: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && prefix) throw new AppError(err.code, err.message, { field: err.field ? `${prefix}${err.field}` : prefix.replace(/\.$/, ""), retryAfterSeconds: err.retryAfterSeconds });
    throw err;
  }
}
