import { z } from "zod";
import { defineContract } from "../contract";
import { MIN_PASSWORD_LENGTH } from "../../auth/change-password";
import { dbText, named } from "./shared";
import { ROLES } from "../../auth/roles";

// The signed-in person's own account. A generated first password (the seeded admin, a member added
// without one) must be changed here before the API allows anything else.
export const changePassword = defineContract({
  method: "POST", path: "/api/v1/me/password", summary: "Change your own password (signed-in people only; required after a generated first password)", tag: "account",
  auth: { action: "password.change" },
  // the answer re-issues this browser's session cookie: every other session of the account ends
  // dbText: a NUL would end the password early for bcrypt-style hashing; refuse it like any stored text
  body: z.object({ currentPassword: dbText.min(1).max(1000), newPassword: dbText.min(MIN_PASSWORD_LENGTH).max(1000) }).strict(),
  status: 204,
});

/** The signed-in person as their profile page shows them, in the team the request is for. */
export const profileView = named("Profile", z.object({
  email: z.string(), name: z.string(), team: z.string(), role: z.enum(ROLES),
  slackUserId: z.string().nullable().describe("set by the team's admins (PUT /api/v1/members/{email})"),
}));

export const updateProfile = defineContract({
  method: "PUT", path: "/api/v1/me", summary: "Change your own name (signed-in people only); your email, role and Slack id are set by admins", tag: "account",
  auth: { action: "profile.update" },
  body: z.object({ name: dbText.trim().min(1, "enter a name").max(100) }).strict(),
  response: profileView,
});
