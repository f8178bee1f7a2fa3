import { z } from "zod";
import { defineContract } from "../contract";
import { dbText, named } from "./shared";
import { ROLES } from "../../auth/roles";

const memberView = named("Member", z.object({ userId: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES).nullable(), since: z.string() }));

// People are managed by signed-in admins only, like tokens.
export const listMembers = defineContract({
  method: "GET", path: "/api/v1/members", summary: "The team's members and roles", tag: "members",
  auth: { action: "member.read" }, response: z.object({ members: z.array(memberView) }),
});

export const addMember = defineContract({
  method: "POST", path: "/api/v1/members", summary: "Add a person with a role; a new user's first password is in this answer only", tag: "members",
  auth: { action: "member.manage" },
  body: z.object({ email: z.email(), name: dbText.min(1).max(100).optional(), role: z.enum(ROLES) }).strict(),
  response: z.object({ email: z.string(), role: z.enum(ROLES), team: z.string(), created: z.boolean(), initialPassword: z.string().optional() }),
  status: 201,
});

export const updateMember = defineContract({
  method: "PUT", path: "/api/v1/members/{userId}", summary: "Change a member's role", tag: "members",
  auth: { action: "member.manage" },
  params: z.object({ userId: dbText.min(1) }), body: z.object({ role: z.enum(ROLES) }).strict(), response: memberView,
});

export const removeMember = defineContract({
  method: "DELETE", path: "/api/v1/members/{userId}", summary: "Remove a member from the team", tag: "members",
  auth: { action: "member.manage" }, params: z.object({ userId: dbText.min(1) }), response: memberView,
});
