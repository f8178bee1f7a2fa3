import { z } from "zod";
import { defineContract } from "../contract";
import { promotionAccepted } from "./promotions";
import { dbIntParam, dbText, named, slugName } from "./shared";
import { stickySchema, trafficRequestSchema, variantRequestSchema } from "../../serving/control/endpoints/traffic-request";
import { STEP_KINDS, STEP_STATUSES } from "../../serving/control/deployments/plan";
import { DEPLOYMENT_STATUSES, DEPLOYMENT_STRATEGIES } from "../../serving/shared/deployment-status";
import { PLACEMENTS, ROLES as VARIANT_ROLES } from "../../serving/shared/routing";
import { VARIANT_DEVICES } from "../../serving/shared/devices";
import { ENVIRONMENTS } from "../../serving/shared/environments";
import { METRIC_RANGES } from "../../serving/control/metrics/time-window";

named("Sticky", stickySchema);
named("VariantRequest", variantRequestSchema);

const variantView = named("LiveVariant", z.object({
  name: z.string(), model: z.string(), version: z.number(), weight: z.number(), role: z.enum(VARIANT_ROLES), device: z.enum(VARIANT_DEVICES), replicas: z.number(), placement: z.enum(PLACEMENTS),
  batching: z.object({ maxBatch: z.number(), maxQueueDelayMs: z.number() }),
  readyReplicas: z.number().describe("inference workers with it ready; for placement inline, gateway processes with it ready"),
  unbatchedReason: z.string().nullable().describe("why a worker runs this variant's requests one at a time (its rows are not independent), or null when it batches them"),
}));
const stepView = named("DeploymentStep", z.object({ kind: z.enum(STEP_KINDS), percent: z.number().optional(), seconds: z.number().optional(), status: z.enum(STEP_STATUSES), startedAt: z.string().optional(), finishedAt: z.string().optional(), detail: z.string().optional() }));
const routeSummary = z.array(named("RouteShare", z.object({
  name: z.string(), model: z.string(), version: z.number(), weight: z.number(), role: z.enum(VARIANT_ROLES), device: z.enum(VARIANT_DEVICES), replicas: z.number(), placement: z.enum(PLACEMENTS),
})));
export const deploymentView = named("Deployment", z.object({
  id: z.string(), endpoint: z.string().nullable(), strategy: z.enum(DEPLOYMENT_STRATEGIES), status: z.enum(DEPLOYMENT_STATUSES),
  steps: z.array(stepView), currentStep: z.number(), from: routeSummary, to: routeSummary,
  toSticky: z.object({ header: z.string().optional(), field: z.string().optional() }).nullable().describe("the sticky setting of the routing it deploys"),
  error: z.string().nullable(), rollbackReason: z.string().nullable(),
  abortReason: z.string().nullable().describe("set once someone asked to abort it: the reason it rolls back with (\"aborted by <who>: <why>\")"),
  reason: z.string(), createdBy: z.string(), createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(),
  promotionId: z.string().nullable().describe("the promotion this deployment carries out, if it went through one"),
}));
const endpointView = named("Endpoint", z.object({
  name: z.string(), environment: z.enum(ENVIRONMENTS), description: z.string(),
  requireKey: z.boolean().describe("the data plane asks for an endpoint key (Authorization: Bearer sk_…)"), sticky: z.object({ header: z.string().optional(), field: z.string().optional() }).nullable(),
  routingVersion: z.number(), variants: z.array(variantView), latestDeployment: deploymentView.nullable(), createdBy: z.string(), createdAt: z.string(),
}));
const endpointParams = z.object({ endpoint: slugName });

export const createEndpoint = defineContract({
  method: "POST", path: "/api/v1/endpoints", summary: "Create an endpoint (no traffic until a traffic change is deployed)", tag: "endpoints",
  auth: { action: "endpoint.create" },
  body: z.object({
    name: slugName, environment: z.enum(ENVIRONMENTS).default("staging"), description: dbText.max(2000).optional(), sticky: stickySchema.optional(),
    requireKey: z.boolean().optional().describe("ask the data plane for an endpoint key; default: on for production, off for staging"),
  }).strict(),
  response: endpointView, status: 201,
});

export const listEndpoints = defineContract({
  method: "GET", path: "/api/v1/endpoints", summary: "List endpoints with their live variants", tag: "endpoints",
  auth: { action: "endpoint.read" }, response: z.object({ endpoints: z.array(endpointView) }),
});

export const getEndpoint = defineContract({
  method: "GET", path: "/api/v1/endpoints/{endpoint}", summary: "Show an endpoint: live variants, ready replicas, recent deployments", tag: "endpoints",
  auth: { action: "endpoint.read" }, params: endpointParams, response: endpointView.extend({ deployments: z.array(deploymentView) }),
});

export const setTraffic = defineContract({
  method: "PUT", path: "/api/v1/endpoints/{endpoint}/traffic",
  summary: "Ask for a new traffic split; answers 202 with the deployment that carries it out, or, for a production endpoint, with the promotion that will once approved", tag: "endpoints",
  auth: { action: "traffic.change" }, params: endpointParams, body: trafficRequestSchema,
  response: z.union([deploymentView.extend({ queued: z.boolean() }), promotionAccepted]), status: 202,
});

const latencyNote = "read from log-linear latency histograms: within 2.93% of the exact nearest-rank value (within 0.1 ms below 0.1 ms); 60000 means at least 60 s; null without requests";
const trafficKind = z.enum(["served", "shadow"]).describe("served: answers returned to clients; shadow: copies sent to a shadow variant, never returned");
const figures = {
  requests: z.number(), errors: z.number(), errorRate: z.number().describe("errors / requests; 0 without requests"),
  requestsPerSecond: z.number(),
  p50Ms: z.number().nullable().describe(latencyNote), p95Ms: z.number().nullable().describe(latencyNote), p99Ms: z.number().nullable().describe(latencyNote),
  meanMs: z.number().nullable(),
};

export const endpointMetrics = defineContract({
  method: "GET", path: "/api/v1/endpoints/{endpoint}/metrics", tag: "endpoints",
  summary: "Per-variant requests/s, error rate and p50/p95/p99 latency over a time range, totals and a continuous series, served traffic and shadow copies apart",
  auth: { action: "endpoint.read" }, params: endpointParams, fieldsIn: "query",
  query: z.object({
    range: z.enum(METRIC_RANGES).optional().describe("time range ending now; resolution 1 min for 15m and 1h, 5 min for 24h, 1 h for 7d. Default 15m"),
    minutes: dbIntParam.min(1).max(24 * 60).optional().describe("instead of range: the last N minutes (resolution fitted as for range)"),
  }),
  response: z.object({
    endpoint: z.string(),
    range: z.enum(METRIC_RANGES).nullable().describe("null when asked by minutes"), minutes: z.number(),
    stepSeconds: z.number().describe("width of a series bucket"),
    since: z.string().describe("start of the first bucket"), until: z.string().describe("now: the series' axis ends here"),
    buckets: z.array(z.string()).describe("start of every bucket from since to now, oldest first"),
    variants: z.array(named("VariantTotals", z.object({ variant: z.string(), model: z.string(), version: z.number(), traffic: trafficKind, ...figures }))),
    shadows: z.array(z.object({
      variant: z.string(),
      compared: z.number().describe("requests whose first output value is a number (or a string) in both the shadow's and the served answer"),
      meanAbsDiff: z.number().nullable().describe("mean |shadow − served| over numeric first outputs; null when there are none"),
      maxAbsDiff: z.number().nullable(),
      equalShare: z.number().nullable().describe("share of compared answers that are equal (how string outputs such as labels are compared)"),
    })),
    series: z.array(named("SeriesPoint", z.object({
      at: z.string().describe("bucket start"), variant: z.string(), traffic: trafficKind, ...figures,
    }).describe("one per bucket for every variant and traffic kind in variants: zeros where there was no traffic; requestsPerSecond of the last bucket counts the seconds elapsed in it"))),
  }),
});

export const getDeployment = defineContract({
  method: "GET", path: "/api/v1/deployments/{id}", summary: "Deployment status, steps, timings, error and rollback reason", tag: "deployments",
  auth: { action: "deployment.read" }, params: z.object({ id: dbText.min(1) }), response: deploymentView,
});

export const abortDeployment = defineContract({
  method: "POST", path: "/api/v1/deployments/{id}/abort",
  summary: "Abort a pending or running deployment: it stops and the routing from before it is put back (202; a running one rolls back within about a second, its status then says rolled_back). A finished one answers 409", tag: "deployments",
  auth: { action: "deployment.abort" }, params: z.object({ id: dbText.min(1) }),
  body: z.object({ reason: dbText.min(1).max(500).describe("why, in words: shown on the deployment, its promotion and the notification as \"aborted by <you>: <reason>\"") }).strict(),
  response: deploymentView, status: 202,
});

export const deploymentEvents = defineContract({
  method: "GET", path: "/api/v1/deployments/{id}/events", summary: "Server-sent events: the deployment each time it changes, until it finishes", tag: "deployments",
  auth: { action: "deployment.read" }, params: z.object({ id: dbText.min(1) }), produces: "text/event-stream",
});
