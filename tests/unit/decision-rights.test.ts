// Who sees Approve and Reject on a promotion, and whose inbox counts it: the same rules the API enforces.
import { describe, expect, it } from "vitest";
import { decisionRights } from "@/lib/governance/awaiting-decision";
import { DEFAULT_RULES, type PolicyRules } from "@/lib/governance/policy-rules";
import type { Principal } from "@/lib/auth/principal";
import type { Role } from "@/lib/auth/roles";

const person = (role: Role, id = `u-${role}`): Principal => ({ kind: "user", id, label: `${role}@example.test`, teamId: "t1", teamSlug: "demo", role, scopes: [] });
const now = new Date("2025-01-01T12:00:00Z");
const pending = (requestedById = "u-engineer", extra: Partial<{ status: string; onBehalfOf: string | null; expiresAt: Date }> = {}) =>
  ({ status: "pending_approval", requestedById, onBehalfOf: null, expiresAt: new Date(now.getTime() + 3600_000), ...extra });
const rules = (r: Partial<PolicyRules> = {}): PolicyRules => ({ ...DEFAULT_RULES, ...r });
const BOTH = { approve: true, reject: true };
const NONE = { approve: false, reject: false };

describe("decisionRights", () => {
  it("lets approvers and admins decide another person's promotion; engineers and viewers not", () => {
    expect(decisionRights(person("approver"), pending(), rules(), false, now)).toEqual(BOTH);
    expect(decisionRights(person("admin"), pending(), rules(), false, now)).toEqual(BOTH);
    expect(decisionRights(person("engineer", "u-other"), pending(), rules(), false, now)).toEqual(NONE);
    expect(decisionRights(person("viewer"), pending(), rules(), false, now)).toEqual(NONE);
  });

  it("follows the policy's approver role", () => {
    expect(decisionRights(person("approver"), pending(), rules({ approverRole: "admin" }), false, now)).toEqual(NONE);
    expect(decisionRights(person("admin"), pending(), rules({ approverRole: "admin" }), false, now)).toEqual(BOTH);
  });

  it("keeps the requester (or the person whose token asked) from approving under four-eyes, and from rejecting always", () => {
    const admin = person("admin");
    expect(decisionRights(admin, pending(admin.id), rules(), false, now)).toEqual(NONE);
    expect(decisionRights(admin, pending("token-1", { onBehalfOf: admin.label }), rules(), false, now)).toEqual(NONE);
    expect(decisionRights(admin, pending(admin.id), rules({ fourEyes: false }), false, now)).toEqual({ approve: true, reject: false });
  });

  it("offers nothing once the person decided, once it expired, or when it is not waiting for approval", () => {
    const approver = person("approver");
    expect(decisionRights(approver, pending(), rules(), true, now)).toEqual(NONE);
    expect(decisionRights(approver, pending("u-engineer", { expiresAt: now }), rules(), false, now)).toEqual(NONE);
    for (const status of ["checking", "blocked", "approved", "deploying", "deployed", "rejected", "cancelled", "stale", "expired"]) {
      expect(decisionRights(approver, pending("u-engineer", { status }), rules(), false, now)).toEqual(NONE);
    }
  });

  it("never lets a token decide", () => {
    const token: Principal = { ...person("admin"), kind: "token", scopes: ["read", "write", "deploy"] };
    expect(decisionRights(token, pending(), rules(), false, now)).toEqual(NONE);
  });
});
