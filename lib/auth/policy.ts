// The one place that says who may do what. Routes (through their contract's action), domain
// functions (once they have loaded the resource) and pages ask `can`; none of them compares roles or
// scopes itself. tests/unit/policy.test.ts pins the whole matrix, so a change here is a visible diff.
import { roleAtLeast, type Role, type Scope } from "./roles";
import type { Principal } from "./principal";
import { AppError } from "../errors";
import type { Environment } from "../serving/shared/environments";

/**
 * One row per action:
 * - `role`: the least role a person needs (viewer < engineer < approver < admin; each may do all the ones before it may).
 * - `token`: the scope an API token needs, or `false` when tokens may never do it (a leaked token must not mint
 *   more tokens or let people in).
 * - `production`: the least role when the resource is a production endpoint (tokens, which act as {@link TOKEN_ROLE}, included).
 * - `does`: what the action is, in words, for messages.
 *
 * Approvers may do everything engineers may, and decide on promotions. A traffic change on a production endpoint
 * becomes a promotion (lib/governance), which the team's release policy gates; creating production endpoints and
 * their keys stays with admins.
 */
export const POLICY = {
  "model.read":      { role: "viewer",   token: "read",   does: "read models, versions and artifacts" },
  "model.create":    { role: "engineer", token: "write",  does: "register models" },
  "version.push":    { role: "engineer", token: "write",  does: "push model versions" },
  "alias.set":       { role: "engineer", token: "write",  does: "point aliases at versions" },
  "endpoint.read":   { role: "viewer",   token: "read",   does: "read endpoints and their metrics" },
  "feedback.write":  { role: "engineer", token: "write",  does: "send ground-truth labels for an endpoint's predictions" },
  "drift.request":   { role: "engineer", token: "write",  does: "request drift reports of an endpoint's logged inputs" },
  "drift.manage":    { role: "engineer", token: "write",  does: "set an endpoint's drift thresholds and report schedule" },
  "predictionlog.manage": { role: "engineer", token: "write", does: "set how much of an endpoint's inputs the prediction log keeps" },
  "endpoint.create": { role: "engineer", token: "deploy", does: "create endpoints", production: "admin" },
  "traffic.change":  { role: "engineer", token: "deploy", does: "change an endpoint's traffic (a production endpoint's through a promotion)" },
  "endpointkey.manage": { role: "engineer", token: "deploy", does: "create or revoke endpoint keys and set whether an endpoint needs one", production: "admin" },
  "deployment.read": { role: "viewer",   token: "read",   does: "read deployments" },
  // A safety action, allowed to engineers on production too (no `production` rule, no promotion): an abort
  // only puts back the routing that served before the deployment, so stopping a bad rollout never waits on approvals.
  "deployment.abort": { role: "engineer", token: "deploy", does: "abort a deployment in progress (it rolls back to what served before)" },
  "audit.read":      { role: "viewer",   token: "read",   does: "read the audit log" },
  "member.read":     { role: "viewer",   token: false,    does: "list the team's members" },
  "member.manage":   { role: "admin",    token: false,    does: "manage members" },
  "token.read":      { role: "admin",    token: false,    does: "list API tokens" },
  "token.manage":    { role: "admin",    token: false,    does: "create or revoke API tokens" },
  "deadletter.read":  { role: "admin",    token: false,    does: "read the team's dead-lettered prediction records" },
  "password.change": { role: "viewer",   token: false,    does: "change your own password" },
  "profile.update":  { role: "viewer",   token: false,    does: "change your own name" },
  "promotion.read":    { role: "viewer",   token: "read",   does: "read promotions and their evidence" },
  "promotion.request": { role: "engineer", token: "deploy", does: "request promotions" },
  "promotion.cancel":  { role: "engineer", token: "deploy", does: "cancel promotions" },
  "promotion.decide":  { role: "approver", token: false,    does: "approve or reject promotions (a person must decide)" },
  "policy.read":       { role: "viewer",   token: "read",   does: "read release policies" },
  "policy.manage":     { role: "admin",    token: false,    does: "change release policies" },
  "channel.read":      { role: "admin",    token: false,    does: "list notification channels" },
  "channel.manage":    { role: "admin",    token: false,    does: "create, test or delete notification channels" },
  "delivery.read":     { role: "admin",    token: false,    does: "read notification deliveries" },
  "delivery.redeliver": { role: "admin",   token: false,    does: "redeliver notifications" },
  "audit.verify":      { role: "admin",    token: false,    does: "verify the audit chain" },
  "alert.read":        { role: "viewer",   token: "read",   does: "read alert rules and incidents" },
  // production included: watching an endpoint, or muting a noisy rule, never waits on approvals
  "alert.manage":      { role: "engineer", token: "write",  does: "create, change, delete or silence alert rules" },
} as const satisfies Record<string, Rule>;

export type Rule = { role: Role; token: Scope | false; production?: Role; does: string };
export type Action = keyof typeof POLICY;
export const ACTIONS = Object.keys(POLICY) as Action[];
export const ruleOf = (action: Action): Rule => POLICY[action];

/** API tokens act with this role, limited by their scopes. */
export const TOKEN_ROLE: Role = "engineer";

/**
 * What about the resource can change the answer: its environment (production rules), and a least role
 * the resource's own rules ask for (a release policy's approver role).
 */
export type Resource = { environment?: Environment; atLeast?: Role };

/** What the policy needs to know about the caller. */
export type Who = Pick<Principal, "kind" | "role" | "scopes" | "teamSlug">;

export type Decision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

export function can(who: Who, action: Action, resource?: Resource): Decision {
  const rule: Rule = POLICY[action];
  const isToken = who.kind === "token";
  const role = isToken ? TOKEN_ROLE : who.role;
  const as = isToken ? `API tokens act as ${TOKEN_ROLE} in team "${who.teamSlug}"` : `you are ${who.role} in team "${who.teamSlug}"`;
  if (isToken) {
    if (rule.token === false) return deny(`API tokens cannot ${rule.does}; sign in instead`);
    if (!who.scopes.includes(rule.token)) return deny(`this token lacks the "${rule.token}" scope`);
  }
  if (!roleAtLeast(role, rule.role)) return deny(`this needs the ${rule.role} role; ${as}`);
  if (rule.production && resource?.environment === "production" && !roleAtLeast(role, rule.production)) {
    return deny(`this needs the ${rule.production} role for production endpoints; ${as}`);
  }
  if (resource?.atLeast && !roleAtLeast(role, resource.atLeast)) return deny(`the team's release policy lets ${resource.atLeast}s and above do this; ${as}`);
  return ALLOW;
}

/** `can`, as a boolean. */
export const allowed = (who: Who, action: Action, resource?: Resource): boolean => can(who, action, resource).allowed;

/** Throws the 403 with the policy's reason unless `who` may do `action`. */
export function ensureCan(who: Who, action: Action, resource?: Resource): void {
  const d = can(who, action, resource);
  if (!d.allowed) throw new AppError("forbidden", d.reason);
}
