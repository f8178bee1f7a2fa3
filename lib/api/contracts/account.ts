import { z } from "zod";
import { defineContract } from "../contract";
import { MIN_PASSWORD_LENGTH } from "../../auth/change-password";
import { dbText } from "./shared";

// The signed-in person's own account. A generated first password (the seeded admin, a member added
// without one) must be changed here before the API allows anything else.
export const changePassword = defineContract({
  method: "POST", path: "/api/v1/me/password", summary: "Change your own password (signed-in people only; required after a generated first password)", tag: "account",
  auth: { action: "password.change" },
  // dbText: a NUL would end the password early for bcrypt-style hashing; refuse it like any stored text
  body: z.object({ currentPassword: dbText.min(1).max(1000), newPassword: dbText.min(MIN_PASSWORD_LENGTH).max(1000) }).strict(),
  status: 204,
});
