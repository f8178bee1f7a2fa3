// The request that puts a past routing back: a promotion on a production endpoint (the release policy
// gates it like any other change), a traffic change on a staging one. Shared by the endpoint page's
// "Revert to this" and its tests, so both send the same thing.
import type { DeploymentStrategy } from "../serving/shared/deployment-status";
import type { Environment } from "../serving/shared/environments";
import type { Sticky, VariantRole } from "../serving/shared/routing";

type PastVariant = { model: string; version: number; weight: number; role: VariantRole; device: "cpu" | "gpu"; replicas: number; placement?: "worker" | "inline" };
type PastRouting = { sticky: Sticky; variants: PastVariant[] };

export type RevertRequest =
  | { method: "POST"; path: string; body: { kind: "traffic"; endpoint: string; traffic: TrafficBody; reason: string } }
  | { method: "PUT"; path: string; body: TrafficBody & { reason: string } };
type TrafficBody = { variants: PastVariant[]; sticky: Sticky; strategy: DeploymentStrategy; expectedRoutingVersion?: number };

const serving = (vs: { model: string; version: number; weight: number; role: VariantRole }[]) =>
  vs.filter((v) => v.role !== "shadow" && v.weight > 0).map((v) => `${v.model}@${v.version}`);

/**
 * `live`: the variants serving now. `requiredStrategy`: the production policy's, which applies when the
 * revert brings back a version that is not serving now (a change of weights alone goes immediate: a
 * canary needs a new version to test). `routingVersion`: the live routing's version the page saw; the
 * server refuses the revert (409) if the endpoint changed since.
 */
export function revertRequest(opts: {
  endpoint: string; environment: Environment; routing: PastRouting; servedFrom: string;
  live: { model: string; version: number; weight: number; role: VariantRole }[]; requiredStrategy: DeploymentStrategy | null;
  routingVersion?: number;
}): RevertRequest {
  const seen = opts.routingVersion === undefined ? {} : { expectedRoutingVersion: opts.routingVersion };
  const variants = opts.routing.variants.map((v) => ({ model: v.model, version: v.version, weight: v.weight, role: v.role, device: v.device, replicas: v.replicas, ...(v.placement ? { placement: v.placement } : {}) }));
  const reason = `revert to routing of ${opts.servedFrom.slice(0, 16).replace("T", " ")} UTC`;
  const live = new Set(serving(opts.live));
  const bringsBack = serving(variants).some((v) => !live.has(v));
  if (opts.environment === "production") {
    const strategy = opts.requiredStrategy && bringsBack ? opts.requiredStrategy : "immediate";
    return { method: "POST", path: "/api/v1/promotions", body: { kind: "traffic", endpoint: opts.endpoint, traffic: { variants, sticky: opts.routing.sticky, strategy, ...seen }, reason } };
  }
  return { method: "PUT", path: `/api/v1/endpoints/${opts.endpoint}/traffic`, body: { variants, sticky: opts.routing.sticky, strategy: "immediate", ...seen, reason } };
}
