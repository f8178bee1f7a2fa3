// The whole permission matrix, pinned: every action × every role and token scope, on staging and
// production where the environment matters. A change to lib/auth/policy.ts shows up here as a diff.
import { describe, expect, it } from "vitest";
import { ACTIONS, POLICY, TOKEN_ROLE, can, ensureCan, type Action, type Resource, type Who } from "@/lib/auth/policy";
import { ROLES, type Role, type Scope } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { ALL_CONTRACTS } from "@/lib/api/contracts";

const TEAM = "demo";
const person = (role: Role): Who => ({ kind: "user", role, scopes: [], teamSlug: TEAM });
const token = (...scopes: Scope[]): Who => ({ kind: "token", role: TOKEN_ROLE, scopes, teamSlug: TEAM });

const COLUMNS: [string, Who][] = [
  ...ROLES.map((r): [string, Who] => [r, person(r)]),
  ["tok:read", token("read")],
  ["tok:write", token("write")],
  ["tok:deploy", token("deploy")],
  ["tok:all", token("read", "write", "deploy")],
];

// Y: allowed, -: refused. Rows with an environment are the actions whose answer depends on it.
const EXPECTED = `
action                      viewer engineer approver admin tok:read tok:write tok:deploy tok:all
model.read                  Y      Y        Y        Y     Y        -         -          Y
model.create                -      Y        Y        Y     -        Y         -          Y
version.push                -      Y        Y        Y     -        Y         -          Y
alias.set                   -      Y        Y        Y     -        Y         -          Y
endpoint.read               Y      Y        Y        Y     Y        -         -          Y
feedback.write              -      Y        Y        Y     -        Y         -          Y
drift.request               -      Y        Y        Y     -        Y         -          Y
drift.manage                -      Y        Y        Y     -        Y         -          Y
predictionlog.manage        -      Y        Y        Y     -        Y         -          Y
endpoint.create staging     -      Y        Y        Y     -        -         Y          Y
endpoint.create production  -      -        -        Y     -        -         -          -
traffic.change              -      Y        Y        Y     -        -         Y          Y
endpointkey.manage staging  -      Y        Y        Y     -        -         Y          Y
endpointkey.manage production -    -        -        Y     -        -         -          -
deployment.read             Y      Y        Y        Y     Y        -         -          Y
deployment.abort            -      Y        Y        Y     -        -         Y          Y
audit.read                  Y      Y        Y        Y     Y        -         -          Y
member.read                 Y      Y        Y        Y     -        -         -          -
member.manage               -      -        -        Y     -        -         -          -
token.read                  -      -        -        Y     -        -         -          -
token.manage                -      -        -        Y     -        -         -          -
deadletter.read             -      -        -        Y     -        -         -          -
password.change             Y      Y        Y        Y     -        -         -          -
profile.update              Y      Y        Y        Y     -        -         -          -
promotion.read              Y      Y        Y        Y     Y        -         -          Y
promotion.request           -      Y        Y        Y     -        -         Y          Y
promotion.cancel            -      Y        Y        Y     -        -         Y          Y
promotion.decide            -      -        Y        Y     -        -         -          -
policy.read                 Y      Y        Y        Y     Y        -         -          Y
policy.manage               -      -        -        Y     -        -         -          -
channel.read                -      -        -        Y     -        -         -          -
channel.manage              -      -        -        Y     -        -         -          -
delivery.read               -      -        -        Y     -        -         -          -
delivery.redeliver          -      -        -        Y     -        -         -          -
audit.verify                -      -        -        Y     -        -         -          -
alert.read                  Y      Y        Y        Y     Y        -         -          Y
alert.manage                -      Y        Y        Y     -        Y         -          Y
`;

function actual(): string {
  const rows: [string, (who: Who) => boolean][] = [];
  for (const action of ACTIONS) {
    if ("production" in POLICY[action]) {
      for (const environment of ["staging", "production"] as const) rows.push([`${action} ${environment}`, (who) => can(who, action, { environment }).allowed]);
    } else {
      rows.push([action, (who) => can(who, action).allowed]);
    }
  }
  const header = ["action", ...COLUMNS.map(([name]) => name)].join(" ");
  const lines = rows.map(([label, ok]) => [label, ...COLUMNS.map(([, who]) => (ok(who) ? "Y" : "-"))].join(" "));
  return ["", header, ...lines, ""].join("\n");
}

const normalize = (table: string) => table.split("\n").map((l) => l.replace(/\s+/g, " ").trim()).join("\n");

describe("the permission matrix", () => {
  it("is exactly the expected table, for every action, role and token scope", () => {
    expect(normalize(actual())).toBe(normalize(EXPECTED));
  });

  it("covers every action the policy declares, and every contract names one of them", () => {
    const labelled = normalize(EXPECTED).split("\n").slice(2).filter(Boolean).map((l) => l.split(" ")[0]);
    expect([...new Set(labelled)].sort()).toEqual([...ACTIONS].sort());
    for (const c of ALL_CONTRACTS) if (c.auth !== "public") expect(ACTIONS, `${c.method} ${c.path}`).toContain(c.auth.action);
  });

  it("lets each role do everything the roles before it may", () => {
    const resources: (Resource | undefined)[] = [undefined, { environment: "staging" }, { environment: "production" }];
    for (const action of ACTIONS) {
      for (const resource of resources) {
        for (let i = 1; i < ROLES.length; i++) {
          if (can(person(ROLES[i - 1]), action, resource).allowed) expect(can(person(ROLES[i]), action, resource).allowed, `${ROLES[i]} ${action}`).toBe(true);
        }
      }
    }
  });

  it("gives approvers what engineers have, and the decision on promotions", () => {
    for (const action of ACTIONS.filter((a) => a !== "promotion.decide")) {
      for (const resource of [undefined, { environment: "staging" as const }, { environment: "production" as const }]) {
        expect(can(person("approver"), action, resource).allowed, action).toBe(can(person("engineer"), action, resource).allowed);
      }
    }
  });

  it("ignores the environment for actions that are not about endpoints", () => {
    for (const action of ACTIONS.filter((a) => !("production" in POLICY[a]))) {
      for (const who of COLUMNS.map(([, w]) => w)) {
        expect(can(who, action, { environment: "production" }).allowed, action).toBe(can(who, action).allowed);
      }
    }
  });

  it("lets engineers and deploy tokens abort a production deployment (it only puts back what served before), never viewers", () => {
    expect(can(person("engineer"), "deployment.abort", { environment: "production" }).allowed).toBe(true);
    expect(can(token("deploy"), "deployment.abort", { environment: "production" }).allowed).toBe(true);
    expect(can(person("viewer"), "deployment.abort", { environment: "production" }).allowed).toBe(false);
  });

  it("treats a token as its own role whatever its principal says", () => {
    const claimsAdmin: Who = { ...token("read", "write", "deploy"), role: "admin" };
    expect(can(claimsAdmin, "endpoint.create", { environment: "production" }).allowed).toBe(false);
    expect(can(claimsAdmin, "promotion.decide").allowed).toBe(false);
    expect(can(claimsAdmin, "token.manage").allowed).toBe(false);
  });
});

describe("reasons", () => {
  const reason = (who: Who, action: Action, resource?: Resource) => {
    const d = can(who, action, resource);
    return d.allowed ? null : d.reason;
  };

  it("say what is missing, as the 403 message", () => {
    expect(reason(person("viewer"), "model.create")).toBe('this needs the engineer role; you are viewer in team "demo"');
    expect(reason(person("engineer"), "member.manage")).toBe('this needs the admin role; you are engineer in team "demo"');
    expect(reason(person("approver"), "endpointkey.manage", { environment: "production" })).toBe('this needs the admin role for production endpoints; you are approver in team "demo"');
    expect(reason(person("approver"), "promotion.decide", { atLeast: "admin" })).toBe('the team\'s release policy lets admins and above do this; you are approver in team "demo"');
    expect(reason(token("read", "write", "deploy"), "promotion.decide")).toBe("API tokens cannot approve or reject promotions (a person must decide); sign in instead");
    expect(reason(person("engineer"), "endpoint.create", { environment: "production" })).toBe('this needs the admin role for production endpoints; you are engineer in team "demo"');
    expect(reason(token("read"), "model.create")).toBe('this token lacks the "write" scope');
    expect(reason(token("read", "write"), "traffic.change")).toBe('this token lacks the "deploy" scope');
    expect(reason(token("read", "deploy"), "endpoint.create", { environment: "production" })).toBe(`this needs the admin role for production endpoints; API tokens act as ${TOKEN_ROLE} in team "demo"`);
    expect(reason(token("read", "write", "deploy"), "token.manage")).toBe("API tokens cannot create or revoke API tokens; sign in instead");
    expect(reason(token("read", "write", "deploy"), "member.manage")).toBe("API tokens cannot manage members; sign in instead");
    expect(reason(person("admin"), "endpoint.create", { environment: "production" })).toBeNull();
  });

  it("become a forbidden AppError through ensureCan", () => {
    expect(() => ensureCan(person("admin"), "token.manage")).not.toThrow();
    try {
      ensureCan(person("viewer"), "alias.set");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("forbidden");
      expect((err as AppError).message).toBe('this needs the engineer role; you are viewer in team "demo"');
    }
  });
});
