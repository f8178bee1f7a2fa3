// A change asked for from a page that showed an older split (someone deployed meanwhile) is refused
// with the split serving now, so the person decides again on what is live, not on what was.
import { AppError } from "../../../errors";
import { asRouting } from "../../shared/routing";

export function describeSplit(routing: unknown): string {
  const vs = asRouting(routing).variants;
  return vs.length ? vs.map((v) => `${v.name} ${v.role === "shadow" ? "(shadow)" : `${v.weight}%`}`).join(", ") : "no traffic";
}

/** Throws 409 unless the endpoint's routing is still the version the caller saw (when it says which it saw). */
export function ensureSeenRouting(endpoint: { name: string; routing: unknown; routingVersion: number }, expected: number | undefined): void {
  if (expected === undefined || expected === endpoint.routingVersion) return;
  throw new AppError(
    "conflict",
    `the split of "${endpoint.name}" changed since you loaded it (you saw routing version ${expected}, it is ${endpoint.routingVersion} now); it serves ${describeSplit(endpoint.routing)}. Review the current split and apply again`,
    { field: "expectedRoutingVersion" },
  );
}
