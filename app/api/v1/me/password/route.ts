import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/account";
import { actorOf } from "@/lib/auth/principal";
import { changePassword } from "@/lib/auth/change-password";

export const POST = route(c.changePassword, async ({ principal, body, services }) => {
  await changePassword({ db: services.db, redis: services.redis, userId: principal.id, currentPassword: body.currentPassword, newPassword: body.newPassword, actor: actorOf(principal) });
});
