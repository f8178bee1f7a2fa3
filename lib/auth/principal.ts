import type { Role, Scope } from "./roles";

/** Who is calling, resolved for one team: a signed-in person or an API token. */
export type Principal = {
  kind: "user" | "token";
  id: string;
  label: string;
  teamId: string;
  teamSlug: string;
  role: Role;
  scopes: Scope[];
};

export type Actor = { type: "user" | "token" | "system"; id: string; label: string };

export const actorOf = (p: Principal): Actor => ({ type: p.kind, id: p.id, label: p.label });
export const SYSTEM_ACTOR: Actor = { type: "system", id: "system", label: "switchyard" };
