// Which variants a change brings in: the ones it serves (not shadows, weight above 0) that are not
// serving now. A canary tests exactly these, so a change without any has nothing to canary. One rule
// for the deployment planner (keyed by version id) and the split editor (keyed by model@version).
import type { DeploymentStrategy } from "./deployment-status";
import type { VariantRole } from "./routing";

type Share = { role: VariantRole; weight: number };

const serving = (v: Share) => v.role !== "shadow" && v.weight > 0;

export function addedVariants<T extends Share>(from: readonly T[], to: readonly T[], key: (v: T) => string): T[] {
  const live = new Set(from.filter(serving).map(key));
  return to.filter((v) => serving(v) && !live.has(key(v)));
}

type Row = Share & { model: string; version: number };
export const rowKey = (v: { model: string; version: number }) => `${v.model}@${v.version}`;

/**
 * The strategies that make sense for going from `live` to `next`: a canary or a blue-green switch only
 * when a version comes in (the server refuses a canary without one; a blue-green switch would keep
 * nothing new warm). Changing weights alone, or adding shadows, is immediate.
 */
export function strategiesFor(live: readonly Row[], next: readonly Row[]): DeploymentStrategy[] {
  return addedVariants<Row>(live, next, rowKey).length ? ["immediate", "canary", "blue_green"] : ["immediate"];
}
