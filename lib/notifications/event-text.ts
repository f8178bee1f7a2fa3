// The words every channel uses for an event: a one-line summary, the facts a person wants (model,
// version, endpoint, status, reason) and a link into the app. Slack, PagerDuty and the UI build on it.
import type { EventEnvelope } from "./event-types";

type Data = EventEnvelope["data"];

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : typeof v === "number" ? String(v) : undefined);

export const field = (data: Data, key: string) => str(data[key]);

/** `credit-risk v3`, or the model alone, or undefined. */
export function modelVersion(data: Data): string | undefined {
  const model = field(data, "model");
  const version = field(data, "version");
  return model ? (version ? `${model} v${version}` : model) : undefined;
}

/** The page that shows what the event is about. */
export function linkOf(e: EventEnvelope, appUrl: string): string {
  const base = `${appUrl.replace(/\/+$/, "")}/t/${encodeURIComponent(e.team)}`;
  const d = e.data;
  const id = (k: string) => field(d, k);
  if (e.type.startsWith("promotion.") && id("promotionId")) return `${base}/promotions/${encodeURIComponent(id("promotionId")!)}`;
  if (e.type.startsWith("deployment.") && id("deploymentId")) return `${base}/deployments/${encodeURIComponent(id("deploymentId")!)}`;
  if (e.type === "version.created" && id("model") && id("version")) return `${base}/models/${encodeURIComponent(id("model")!)}/versions/${encodeURIComponent(id("version")!)}`;
  if (e.type === "channel.test") return `${base}/admin/channels`;
  if (id("endpoint")) return `${base}/endpoints/${encodeURIComponent(id("endpoint")!)}`;
  return base;
}

/** One line: what happened, to what. */
export function summaryOf(e: EventEnvelope): string {
  const d = e.data;
  const mv = modelVersion(d);
  const endpoint = field(d, "endpoint");
  const reason = field(d, "reason") ?? field(d, "error");
  const by = field(d, "createdBy") ?? field(d, "requestedBy");
  const on = endpoint ? ` on ${endpoint}` : "";
  switch (e.type) {
    case "channel.test": return `Test notification from Switchyard (team ${e.team})${by ? `, sent by ${by}` : ""}`;
    case "version.created": return `New version ${mv ?? "(unknown model)"}${by ? ` pushed by ${by}` : ""}`;
    case "deployment.succeeded": return `Deployment${on} succeeded${mv ? `: ${mv}` : ""}`;
    case "deployment.failed": return `Deployment${on} failed${reason ? `: ${reason}` : ""}`;
    case "deployment.rolled_back": return `Deployment${on} rolled back${reason ? `: ${reason}` : ""}`;
    default: {
      // promotion.* and events added later: "<subject> <action>"
      const [subject, action] = e.type.split(".");
      return `${subject[0].toUpperCase()}${subject.slice(1)} ${action.replace(/_/g, " ")}${mv ? ` for ${mv}` : ""}${on}${reason ? `: ${reason}` : ""}`;
    }
  }
}

/** The facts shown as fields, in order, the ones present only. */
export function factsOf(e: EventEnvelope): [string, string][] {
  const d = e.data;
  const rows: [string, string | undefined][] = [
    ["Model", field(d, "model")],
    ["Version", field(d, "version")],
    ["Endpoint", field(d, "endpoint")],
    ["Environment", field(d, "environment")],
    ["Status", field(d, "status")],
    ["Strategy", field(d, "strategy")],
    ["Reason", field(d, "reason") ?? field(d, "rollbackReason") ?? field(d, "error")],
    ["By", field(d, "createdBy") ?? field(d, "requestedBy")],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined);
}

/** How urgent: failures and rollbacks are errors, stale and expired promotions warnings. */
export function severityOf(type: EventEnvelope["type"]): "critical" | "error" | "warning" | "info" {
  if (type === "deployment.failed" || type === "deployment.rolled_back" || type === "promotion.failed" || type === "promotion.rolled_back") return "error";
  if (type === "promotion.stale" || type === "promotion.expired" || type === "promotion.rejected") return "warning";
  return "info";
}
