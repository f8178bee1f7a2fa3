// What the console's Alerts page shows for a team: every endpoint (with its variants and its model's
// inputs, for the rule form), every rule with its state, the recent incidents, and the team's channels
// by name (an engineer picks a rule's channels without the admin's channel.read: names only, no secrets).
import type { Db } from "../db/client";
import { readJson } from "../db/json";
import { signatureSchema } from "../onnx/signature";
import { asRouting } from "../serving/shared/routing";
import { toRuleView } from "./alert-views";
import { listIncidents } from "./list-incidents";

export async function listTeamAlerts(opts: { db: Db; teamId: string; incidents?: number; now?: Date }) {
  const { db, teamId } = opts;
  const [endpoints, rules, { incidents }, channels] = await Promise.all([
    db.endpoint.findMany({ where: { teamId }, select: { id: true, name: true, environment: true, routing: true }, orderBy: { name: "asc" } }),
    db.alertRule.findMany({ where: { teamId }, orderBy: { createdAt: "asc" }, include: { endpoint: { select: { name: true } }, incidents: { where: { openFor: { not: null } }, take: 1 } } }),
    listIncidents({ db, teamId, limit: opts.incidents ?? 50 }),
    db.channel.findMany({ where: { teamId }, select: { id: true, name: true, kind: true }, orderBy: { name: "asc" } }),
  ]);
  const routings = endpoints.map((e) => asRouting(e.routing));
  const versionIds = [...new Set(routings.flatMap((r) => r.variants.map((v) => v.versionId)))];
  const versions = await db.modelVersion.findMany({ where: { id: { in: versionIds }, model: { teamId } }, select: { id: true, signature: true } });
  const inputsOf = new Map(versions.map((v) => [v.id, readJson(signatureSchema, v.signature, "signature").inputs.map((i) => i.name)]));
  return {
    endpoints: endpoints.map((e, i) => ({
      name: e.name,
      environment: e.environment,
      variants: routings[i].variants.map((v) => v.name),
      inputs: [...new Set(routings[i].variants.flatMap((v) => inputsOf.get(v.versionId) ?? []))],
    })),
    rules: rules.map((r) => toRuleView(r, r.endpoint.name, r.incidents[0] ?? null, opts.now)),
    incidents,
    channels,
  };
}
export type TeamAlerts = Awaited<ReturnType<typeof listTeamAlerts>>;
