import { z } from "zod";
import { defineContract } from "../contract";
import { dbText, named } from "./shared";
import { ROLES } from "../../auth/roles";
import { SLACK_USER_ID } from "../../teams/slack-user-id";

// Members are keyed by email: the API never shows user ids (a session names a user by id), and
// nothing in these answers mentions other teams.
const memberView = named("Member", z.object({
  email: z.string(), name: z.string(), role: z.enum(ROLES).nullable(), since: z.string(),
  slackUserId: z.string().nullable().describe("the person's Slack user id: their Approve / Reject clicks in Slack act as this member"),
}));

/** A member's email in the path (`/api/v1/members/ana@example.com`, `@` percent-encoded or not). */
const memberParams = z.object({
  email: z.string().min(3).max(320).transform((s, ctx) => {
    try {
      return decodeURIComponent(s).trim().toLowerCase();
    } catch {
      ctx.addIssue({ code: "custom", message: "not a valid percent-encoded email" });
      return z.NEVER;
    }
  }).pipe(z.email()),
});

// People are managed by signed-in admins only, like tokens.
export const listMembers = defineContract({
  method: "GET", path: "/api/v1/members", summary: "The team's members and roles", tag: "members",
  auth: { action: "member.read" }, response: z.object({ members: z.array(memberView) }),
});

export const addMember = defineContract({
  method: "POST", path: "/api/v1/members", summary: "Add a person with a role; a new user's first password is in this answer only (they change it at first sign-in)", tag: "members",
  auth: { action: "member.manage" },
  body: z.object({ email: z.email(), name: dbText.min(1).max(100).optional(), role: z.enum(ROLES) }).strict(),
  response: z.object({ email: z.string(), role: z.enum(ROLES), team: z.string(), created: z.boolean(), initialPassword: z.string().optional() }),
  status: 201,
});

export const updateMember = defineContract({
  method: "PUT", path: "/api/v1/members/{email}", summary: "Change a member's role, or link their Slack user id (null unlinks)", tag: "members",
  auth: { action: "member.manage" },
  params: memberParams,
  body: z.object({
    role: z.enum(ROLES).optional(),
    slackUserId: dbText.regex(SLACK_USER_ID, "a Slack user id looks like U024BE7LH (Slack: profile → ⋮ → Copy member ID)").nullable().optional(),
  }).strict().refine((b) => b.role !== undefined || b.slackUserId !== undefined, "give role, slackUserId or both"),
  response: memberView,
});

export const removeMember = defineContract({
  method: "DELETE", path: "/api/v1/members/{email}", summary: "Remove a member from the team", tag: "members",
  auth: { action: "member.manage" }, params: memberParams, response: memberView,
});

export const resetMemberPassword = defineContract({
  method: "POST", path: "/api/v1/members/{email}/reset-password",
  summary: "Give a member a new generated password, shown in this answer only: their open sessions end and they must change it at their next sign-in. Not for your own password, nor for someone who is also in a team you do not administer",
  tag: "members",
  auth: { action: "member.manage" }, params: memberParams,
  response: z.object({ email: z.string(), initialPassword: z.string().describe("shown once; hand it over privately"), mustChangePassword: z.literal(true) }),
});
