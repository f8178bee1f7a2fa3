// promote and promotions: request a promotion and follow it until it is deployed or closed.
import type { Client } from "./client";
import type { Out } from "./commands";
import { CommandFailed, intFlag, oneOf, UsageError, wholeNumber } from "./errors";
import type { ResponseOf } from "../lib/api/contract";
import type * as promotions from "../lib/api/contracts/promotions";
import type { Flags } from "./flags";
import { describePromotion } from "./describe-promotion";
import { canaryPlan } from "./serving-commands";

type Promotion = ResponseOf<typeof promotions.getPromotion>;

/** Where a promotion ends: deployed is success; every other closed status is a failure (exit 1). */
const FAILED = ["blocked", "failed", "rolled_back", "rejected", "cancelled", "expired", "stale"];
const STRATEGIES = ["immediate", "canary", "blue_green"] as const;

export async function promote(api: Client, [model, version]: string[], f: Flags, out: Out) {
  if (!model || !version || (!f.endpoint && !f.alias) || (f.endpoint && f.alias)) {
    throw new UsageError("usage: promote <model> <version> (--endpoint <e> [--strategy canary --steps 10,50 --bake-seconds 300] | --alias champion) [--reason text] [--wait [--timeout-seconds 3600]]");
  }
  const number = wholeNumber("<version>", version.replace(/^v/, ""), { min: 1 });
  const reason = f.reason === undefined ? {} : { reason: String(f.reason) };
  let body: object;
  if (f.alias) {
    body = { kind: "alias", model, alias: String(f.alias), version: number, ...reason };
  } else {
    const strategy = oneOf("--strategy", String(f.strategy ?? "canary"), STRATEGIES);
    const traffic = { model, variants: [{ version: number, weight: 100 }], strategy, ...(strategy === "canary" ? { canary: canaryPlan(f) } : {}), ...reason };
    body = { kind: "traffic", endpoint: String(f.endpoint), traffic, ...reason };
  }
  const p = await api.request<Promotion>("POST", "/api/v1/promotions", body);
  out(describePromotion(p));
  if (FAILED.includes(p.status)) throw new CommandFailed(describePromotion(p), p);
  if (f.wait) return waitPromotion(api, p.id, out, intFlag(f, "timeout-seconds", { min: 1 }) ?? 3600);
  return p;
}

export async function promotionsWait(api: Client, [id]: string[], f: Flags, out: Out) {
  if (!id) throw new UsageError("usage: promotions wait <id> [--timeout-seconds 3600]");
  return waitPromotion(api, id, out, intFlag(f, "timeout-seconds", { min: 1 }) ?? 3600);
}

export async function promotionsDecide(api: Client, [id]: string[], f: Flags, out: Out, decision: "approve" | "reject" | "cancel") {
  if (!id) throw new UsageError(`usage: promotions ${decision} <id> [--comment text]`);
  const p = await api.request<Promotion>("POST", `/api/v1/promotions/${encodeURIComponent(id)}/${decision}`, f.comment === undefined ? {} : { comment: String(f.comment) });
  out(describePromotion(p));
  return p;
}

/** Polls until the promotion is deployed (returns) or closed otherwise (exit 1), printing each change of status. */
export async function waitPromotion(api: Client, id: string, out: Out, timeoutSeconds: number, pollMs = 2000) {
  const until = Date.now() + timeoutSeconds * 1000;
  let shown = "";
  for (;;) {
    const p = await api.request<Promotion>("GET", `/api/v1/promotions/${encodeURIComponent(id)}`);
    const line = describePromotion(p) + (p.deployment ? ` (deployment ${p.deployment.id} ${p.deployment.status})` : "");
    if (line !== shown) out((shown = line));
    if (p.status === "deployed") return p;
    if (FAILED.includes(p.status)) throw new CommandFailed(describePromotion(p), p);
    if (Date.now() + pollMs > until) throw new CommandFailed(`promotion ${id}: still ${p.status} after ${timeoutSeconds}s (promotions wait ${id} keeps waiting)`, p);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
