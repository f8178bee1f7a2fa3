import type { WorkerInfo } from "../../shared/worker-registry";
import type { GatewayInfo } from "../../shared/gateway-registry";
import { asRouting, type Variant } from "../../shared/routing";

type DeploymentRow = {
  id: string; strategy: string; status: string; steps: unknown; currentStep: number; fromRouting: unknown; toRouting: unknown;
  error: string | null; rollbackReason: string | null; abortReason?: string | null; reason: string; createdBy: string; createdAt: Date; startedAt: Date | null; finishedAt: Date | null;
  endpoint?: { name: string };
  promotion?: { id: string } | null;
};

const share = (v: Variant) => ({ name: v.name, model: v.model, version: v.version, weight: v.weight, role: v.role, device: v.device, replicas: v.replicas, placement: v.placement ?? "worker" });

export function toDeploymentView(d: DeploymentRow) {
  return {
    id: d.id,
    endpoint: d.endpoint?.name ?? null,
    strategy: d.strategy,
    status: d.status,
    steps: d.steps as { kind: string; percent?: number; seconds?: number; status: string; startedAt?: string; finishedAt?: string; detail?: string }[],
    currentStep: d.currentStep,
    from: asRouting(d.fromRouting).variants.map(share),
    to: asRouting(d.toRouting).variants.map(share),
    toSticky: asRouting(d.toRouting).sticky,
    error: d.error,
    rollbackReason: d.rollbackReason,
    abortReason: d.abortReason ?? null,
    reason: d.reason,
    createdBy: d.createdBy,
    createdAt: d.createdAt.toISOString(),
    startedAt: d.startedAt?.toISOString() ?? null,
    finishedAt: d.finishedAt?.toISOString() ?? null,
    /** the promotion this deployment carries out, when it went through one */
    promotionId: d.promotion?.id ?? null,
  };
}
export type DeploymentView = ReturnType<typeof toDeploymentView>;

type EndpointRow = { name: string; environment: string; description: string; requireKey: boolean; routing: unknown; routingVersion: number; createdBy: string; createdAt: Date };

/** `gateways`: their heartbeats say which inline variants (placement "inline") they hold ready. */
export function toEndpointView(e: EndpointRow, workers: WorkerInfo[] = [], latest: DeploymentView | null = null, gateways: GatewayInfo[] = []) {
  const routing = asRouting(e.routing);
  return {
    name: e.name,
    environment: e.environment,
    description: e.description,
    requireKey: e.requireKey,
    sticky: routing.sticky,
    routingVersion: e.routingVersion,
    variants: routing.variants.map((v) => {
      // who holds the version: the gateways' inline threads, or the inference workers (from their heartbeats)
      const holders: { versionId: string; ready: boolean; batched?: boolean; unbatchedReason?: string | null }[][] = v.placement === "inline" ? gateways.map((g) => g.inline) : workers.map((w) => w.loaded);
      const ready = holders.map((loaded) => loaded.filter((l) => l.versionId === v.versionId && l.ready));
      return {
        ...share(v), batching: v.batching,
        readyReplicas: ready.filter((l) => l.length > 0).length,
        // set when the row-independence probe turned batching off
        unbatchedReason: ready.flat().find((l) => l.batched === false)?.unbatchedReason ?? null,
      };
    }),
    latestDeployment: latest,
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
  };
}
export type EndpointView = ReturnType<typeof toEndpointView>;
