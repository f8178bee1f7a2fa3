export const ROLES = ["viewer", "engineer", "approver", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ["read", "write", "deploy"] as const;
export type Scope = (typeof SCOPES)[number];

/** Roles are ordered: each one may do everything the ones before it may. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** What a person's role lets them do, in token-scope terms, so one check covers both. */
export function scopesOfRole(role: Role): Scope[] {
  return role === "viewer" ? ["read"] : ["read", "write", "deploy"];
}
