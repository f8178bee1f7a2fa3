// The evidence a promotion carries: what is promoted, what serves now, the policy it was checked
// against and every check's result. Approvals sign its hash; when a fresh snapshot hashes
// differently, the decision no longer stands on what the approvers saw (the promotion is stale).
import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../canonical-json";
import { signatureSchema } from "../onnx/signature";
import { metricsSchema, paramsSchema } from "../registry/version-metadata";
import { policyRulesSchema } from "./policy-rules";

export const versionFactsSchema = z.object({
  model: z.string(),
  version: z.number(),
  sha256: z.string(),
  signature: signatureSchema,
  metrics: metricsSchema,
  params: paramsSchema,
  lineage: z.object({ parentVersion: z.number().nullable(), dataset: z.string().nullable(), source: z.string(), createdBy: z.string(), createdAt: z.string() }),
});
export type VersionFacts = z.infer<typeof versionFactsSchema>;

export const checkSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  detail: z.string(),
  /** figures that move with traffic (shadow comparisons): shown, not signed */
  observed: z.record(z.string(), z.number().nullable()).optional(),
});
export type Check = z.infer<typeof checkSchema>;

const routeSchema = z.object({ name: z.string(), model: z.string(), version: z.number(), weight: z.number(), role: z.string(), sha256: z.string() });

export const evidenceSchema = z.object({
  environment: z.string(),
  policy: z.object({ revision: z.number(), rules: policyRulesSchema }),
  target: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("traffic"), endpoint: z.string(), routingVersion: z.number(), live: z.array(routeSchema), requested: z.array(routeSchema), strategy: z.string() }),
    z.object({ kind: z.literal("alias"), model: z.string(), alias: z.string(), current: z.number().nullable(), requested: z.number() }),
  ]),
  /** the versions this promotion brings into service */
  candidates: z.array(versionFactsSchema),
  /** what serves now: the endpoint's main primary, or the alias's current version */
  champion: versionFactsSchema.nullable(),
  checks: z.array(checkSchema),
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** sha256 over the evidence's canonical JSON, leaving out what moves with traffic (check details and figures). */
export function hashEvidence(e: Evidence): string {
  const signed = { ...e, checks: e.checks.map((c) => ({ name: c.name, passed: c.passed })) };
  return createHash("sha256").update(canonicalJson(signed)).digest("hex");
}

/** In words, what differs between the evidence approvers saw and a fresh snapshot. */
export function describeChange(before: Evidence, now: Evidence): string {
  const out: string[] = [];
  if (before.policy.revision !== now.policy.revision) out.push(`the ${now.environment} policy changed (revision ${before.policy.revision} → ${now.policy.revision})`);
  const bt = before.target, nt = now.target;
  if (bt.kind === "traffic" && nt.kind === "traffic" && bt.routingVersion !== nt.routingVersion) out.push(`the live routing of "${nt.endpoint}" changed (routing version ${bt.routingVersion} → ${nt.routingVersion})`);
  if (bt.kind === "alias" && nt.kind === "alias" && bt.current !== nt.current) out.push(`alias "${nt.alias}" moved (v${bt.current ?? "none"} → v${nt.current ?? "none"})`);
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  for (const c of now.candidates) {
    const old = before.candidates.find((x) => x.model === c.model && x.version === c.version);
    if (!old) continue;
    for (const k of ["sha256", "signature", "metrics", "params", "lineage"] as const) if (!same(old[k], c[k])) out.push(`${c.model} v${c.version}'s ${k} changed`);
  }
  if (!same(before.champion, now.champion)) out.push("the champion changed");
  const failed = now.checks.filter((c) => !c.passed && before.checks.find((b) => b.name === c.name)?.passed);
  for (const c of failed) out.push(`check "${c.name}" no longer passes: ${c.detail}`);
  return out.length ? out.join("; ") : "the evidence changed";
}
