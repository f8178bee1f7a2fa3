import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/notifications";
import { actorOf } from "@/lib/auth/principal";
import { redeliverDelivery } from "@/lib/notifications/redeliver-delivery";

export const POST = route(c.redeliverDelivery, ({ principal, params, services }) =>
  redeliverDelivery({ db: services.db, redisUrl: services.config.redisUrl, teamId: principal.teamId, deliveryId: params.id, actor: actorOf(principal) }),
);
