// The audit hash chain: each team's events (and, apart, the events of no team) are numbered 1, 2, 3…
// and each stores the previous event's hash and its own, a sha256 over a canonical JSON of its fields.
// Changing, removing or reordering a stored event breaks the chain from that event on; an auditor
// re-computes it from an export with nothing but sha256 and the rules below (README, "Audit").
import { createHash } from "node:crypto";

/** The stored fields of an event that its hash covers. */
export type ChainedFields = {
  teamId: string | null;
  seq: number;
  actorType: string;
  actorId: string;
  actorLabel: string;
  action: string;
  resourceType: string;
  resourceId: string;
  before: unknown;
  after: unknown;
  createdAt: Date;
};

/**
 * A value as a JSON column gives it back: what JSON.stringify keeps (no undefined, Dates as ISO
 * strings, toJSON applied), so the hash taken before writing is the hash of what is read back.
 * Top-level absence is null (the column is NULL).
 */
export function asStoredJson(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
}

/** JSON with object keys sorted (by UTF-16 code units, as JavaScript sorts) at every depth and no spaces. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/** The document an event's hash is taken over. */
export function canonicalEvent(e: ChainedFields): string {
  return canonicalJson({
    teamId: e.teamId,
    seq: e.seq,
    actorType: e.actorType,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    before: asStoredJson(e.before),
    after: asStoredJson(e.after),
    createdAt: e.createdAt.toISOString(),
  });
}

/** sha256 hex of `${prevHash ?? ""}\n${canonical JSON}`: the first event of a chain has no previous hash. */
export function eventHash(prevHash: string | null, e: ChainedFields): string {
  return createHash("sha256").update(`${prevHash ?? ""}\n${canonicalEvent(e)}`).digest("hex");
}

/** Advisory-lock namespace (first key) of audit chains: "SYAU". The second key is a hash of the team id. */
export const AUDIT_LOCK_NAMESPACE = 0x53594155;
/** The chain key of the events of no team (sign-ins): a team id is a cuid, never this. */
export const NO_TEAM_CHAIN = "-";
