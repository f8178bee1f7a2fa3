import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/members";
import { actorOf } from "@/lib/auth/principal";
import { resetMemberPassword } from "@/lib/teams/reset-member-password";

export const POST = route(c.resetMemberPassword, ({ principal, params, services }) =>
  resetMemberPassword({ db: services.db, principal, email: params.email, actor: actorOf(principal) }),
);
