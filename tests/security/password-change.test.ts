// Issue 7: POST /api/v1/me/password had no attempt limit, so a stolen session could guess the current
// password without meeting the sign-in throttle. Wrong current passwords now count against the same
// per-account limiter as sign-in (lib/auth/throttle-sign-in.ts) and are audited like failed sign-ins.
// The route handler runs in-process on the test database and the run's private Redis.
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { SIGN_IN_MAX_FAILURES } from "@/lib/auth/throttle-sign-in";
import * as me from "@/app/api/v1/me/password/route";
import { call } from "../helpers/call";
import { makeWorld } from "../helpers/world";

const db = getDb();

// a member of a team of their own (makeWorld's people have the password "password-123")
async function person() {
  const w = await makeWorld("pw");
  const { id, email } = w.people.viewer;
  let cookie = w.people.viewer.cookie;
  const user = await db.user.findUniqueOrThrow({ where: { id } });
  // like a browser, keeps the session cookie a successful change re-issues (the old one has ended then)
  const change = async (body: object) => {
    const r = await call(me.POST, "POST", "/api/v1/me/password", { cookie, body });
    const renewed = r.headers.get("set-cookie");
    if (renewed) cookie = renewed.split(";")[0];
    return r;
  };
  return { user, email, change };
}

describe("changing your own password", () => {
  it("counts wrong current passwords like failed sign-ins: after 10 the right one gets 429 with Retry-After", async () => {
    const { user, email, change } = await person();
    for (let i = 0; i < SIGN_IN_MAX_FAILURES; i++) {
      const wrong = await change({ currentPassword: `guess-${i}`, newPassword: "a-new-password-of-mine" });
      expect(wrong.status, `guess ${i}`).toBe(403);
    }
    const refused = await change({ currentPassword: "password-123", newPassword: "a-new-password-of-mine" });
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // nothing changed: the old password still stands
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.passwordHash).toBe(user.passwordHash);
    expect(await db.auditEvent.count({ where: { action: "user.password", resourceId: email } })).toBe(0);
    // audited as sign-in failures, with the lockout
    const audit = await db.auditEvent.findMany({ where: { resourceId: email }, orderBy: { createdAt: "asc" } });
    expect(audit.filter((e) => e.action === "auth.signin.failed")).toHaveLength(SIGN_IN_MAX_FAILURES);
    expect(audit.filter((e) => e.action === "auth.signin.locked")).toHaveLength(1);
  });

  it("the right current password clears the account's count, as a sign-in does", async () => {
    const { email, change } = await person();
    for (let i = 0; i < SIGN_IN_MAX_FAILURES - 1; i++) expect((await change({ currentPassword: `guess-${i}`, newPassword: "a-new-password-of-mine" })).status).toBe(403);
    expect((await change({ currentPassword: "password-123", newPassword: "a-new-password-of-mine" })).status).toBe(204);
    // counting starts again: another wrong one is a 403, not a 429
    expect((await change({ currentPassword: "guess-again", newPassword: "another-new-password" })).status).toBe(403);
    expect(await db.auditEvent.count({ where: { action: "user.password", resourceId: email } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "auth.signin", resourceId: email } })).toBe(0);
  });
});
