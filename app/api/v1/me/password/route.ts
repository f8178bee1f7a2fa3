import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/account";
import { actorOf } from "@/lib/auth/principal";
import { changePassword } from "@/lib/auth/change-password";
import { renewedSessionResponse } from "@/lib/api/renew-session";

export const POST = route(c.changePassword, async ({ req, principal, body, services }) => {
  const { sessionVersion } = await changePassword({ db: services.db, redis: services.redis, userId: principal.id, currentPassword: body.currentPassword, newPassword: body.newPassword, actor: actorOf(principal) });
  return renewedSessionResponse(req, services.config.authSecret, sessionVersion);
});
