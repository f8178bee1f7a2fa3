import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/notifications";
import { actorOf } from "@/lib/auth/principal";
import { deleteChannel } from "@/lib/notifications/delete-channel";

export const DELETE = route(c.deleteChannel, ({ principal, params, services }) =>
  deleteChannel({ db: services.db, teamId: principal.teamId, channelId: params.id, actor: actorOf(principal) }),
);
