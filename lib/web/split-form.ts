// The split editor's pure parts: where an API error belongs in the form, and the rows a
// "Deploy this version" link pre-fills. Kept apart from the component so they are unit-tested.
import type { VariantDevice } from "../serving/shared/devices";
import type { Placement, VariantRole } from "../serving/shared/routing";
import { rowKey } from "../serving/shared/new-variants";

export type SplitRow = { model: string; version: number; weight: number; role: VariantRole; device: VariantDevice; placement?: Placement };

/** Inputs outside the rows that an error can name (the request's own field names). */
export const FORM_FIELDS = ["strategy", "variants", "sticky", "expectedRoutingVersion", "reason", "canary.steps", "canary.bakeSeconds", "canary.maxErrorRate", "canary.maxP95Ms", "canary.minRequests", "canary.maxWaitSeconds", "blueGreen.rollbackWindowSeconds"] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type RowField = "model" | "version" | "weight" | "role" | "device" | "placement";

export type ErrorPlace = { kind: "row"; index: number; field: RowField | null } | { kind: "field"; field: FormField } | { kind: "form" };

/**
 * Where an error with this input path (`ApiFetchError.input`: `variants.1.version`, `canary.steps.0`,
 * `traffic.strategy` from a promotion) is shown: next to a row's input, next to a form field, or above
 * the form when it concerns nothing the form has.
 */
export function errorPlace(input: string | null): ErrorPlace {
  if (!input) return { kind: "form" };
  const path = input.replace(/^traffic\./, "");
  const row = /^variants\.(\d+)(?:\.(\w+))?/.exec(path);
  if (row) {
    const field = row[2] && ["model", "version", "weight", "role", "device", "placement"].includes(row[2]) ? (row[2] as RowField) : null;
    return { kind: "row", index: Number(row[1]), field };
  }
  const known = [...FORM_FIELDS].sort((a, b) => b.length - a.length).find((f) => path === f || path.startsWith(`${f}.`));
  return known ? { kind: "field", field: known } : { kind: "form" };
}

/** `model@version` from a `?deploy=` parameter, or null when it is not one. */
export function parseDeploy(param: string | null | undefined): { model: string; version: number } | null {
  const m = /^([a-z0-9][a-z0-9-]*)@([1-9]\d{0,9})$/.exec(param ?? "");
  return m && Number(m[2]) <= 2_147_483_647 ? { model: m[1], version: Number(m[2]) } : null;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The split with `deploy` added as a canary taking `percent` of the traffic, the serving rows keeping
 * the rest in their proportions (the last one takes the rounding, so the total stays exactly 100).
 * An endpoint serving nothing gets the version at 100% as its primary; one serving it already is unchanged.
 */
export function withDeployedVersion(rows: SplitRow[], deploy: { model: string; version: number }, percent = 10): SplitRow[] {
  if (rows.some((r) => rowKey(r) === rowKey(deploy))) return rows;
  const serving = rows.filter((r) => r.role !== "shadow" && r.weight > 0);
  const total = serving.reduce((s, r) => s + r.weight, 0);
  if (!serving.length || total <= 0) return [...rows.filter((r) => r.role === "shadow"), { ...deploy, weight: 100, role: "primary", device: rows[0]?.device ?? "cpu" }];
  let left = 100 - percent;
  const last = serving[serving.length - 1];
  const scaled = rows.map((r) => {
    if (!serving.includes(r)) return r;
    const weight = r === last ? round(left) : round(((r.weight / total) * (100 - percent)));
    left -= weight;
    return { ...r, weight };
  });
  return [...scaled, { ...deploy, weight: percent, role: "canary", device: last.device }];
}
