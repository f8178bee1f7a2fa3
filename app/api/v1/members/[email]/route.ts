import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/members";
import { actorOf } from "@/lib/auth/principal";
import { updateMember } from "@/lib/teams/members";

export const PUT = route(c.updateMember, ({ principal, params, body, services }) =>
  updateMember({ db: services.db, teamId: principal.teamId, email: params.email, role: body.role, slackUserId: body.slackUserId, actor: actorOf(principal) }),
);

export const DELETE = route(c.removeMember, ({ principal, params, services }) =>
  updateMember({ db: services.db, teamId: principal.teamId, email: params.email, role: null, actor: actorOf(principal) }),
);
