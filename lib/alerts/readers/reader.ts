// The shape every metric reader has: it gets all the enabled rules of its metrics at once and
// answers one value per rule id (null: no data in the window), so a cycle reads each source once,
// however many rules watch it.
import type { Db } from "../../db/client";
import type { AlertMetric } from "../alert-metrics";

export type RuleTarget = { id: string; endpointId: string; metric: AlertMetric; variant: string | null; feature: string | null; windowSeconds: number };

export type MetricReader = {
  /** for logs and the benchmark */
  name: string;
  read(opts: { db: Db; now: Date; rules: RuleTarget[] }): Promise<Map<string, number | null>>;
};

/** The distinct (endpoint, window) pairs of some rules, as the arrays the batched queries take. */
export function windowsOf(rules: RuleTarget[]): { endpoints: string[]; seconds: number[] } {
  const seen = new Set<string>();
  const endpoints: string[] = [];
  const seconds: number[] = [];
  for (const r of rules) {
    const k = `${r.endpointId}|${r.windowSeconds}`;
    if (seen.has(k)) continue;
    seen.add(k);
    endpoints.push(r.endpointId);
    seconds.push(r.windowSeconds);
  }
  return { endpoints, seconds };
}

/** A rule's traffic: one variant's when it names one (shadow copies included), else the served answers. */
export const matchesTraffic = (rule: RuleTarget, g: { variant: string; shadow: boolean }) => (rule.variant ? g.variant === rule.variant : !g.shadow);

/** A reader whose source does not exist yet: every rule reads "no data" (and so never fires). */
export function noDataReader(name: string): MetricReader {
  return { name, read: async ({ rules }) => new Map(rules.map((r) => [r.id, null])) };
}
