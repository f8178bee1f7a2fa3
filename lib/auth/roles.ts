import { Role as DbRole } from "../generated/prisma/enums";

/** The roles of the Prisma enum, least first: each may do everything the ones before it may. */
export const ROLES = [DbRole.viewer, DbRole.engineer, DbRole.approver, DbRole.admin] as const;
export type Role = (typeof ROLES)[number];
// Every role in the database has a rank here: a new enum value without one fails to compile.
type Unranked = Exclude<DbRole, Role>;
export const _everyRoleRanked: [Unranked] extends [never] ? true : Unranked = true;

export const SCOPES = ["read", "write", "deploy"] as const;
export type Scope = (typeof SCOPES)[number];

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** What a person's role lets them do, in token-scope terms, so one check covers both. */
export function scopesOfRole(role: Role): Scope[] {
  return role === "viewer" ? ["read"] : ["read", "write", "deploy"];
}
