import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/notifications";
import { listDeliveries } from "@/lib/notifications/list-deliveries";

export const GET = route(c.listDeliveries, ({ principal, query, services }) =>
  listDeliveries({ db: services.db, teamId: principal.teamId, status: query.status, channelId: query.channel, limit: query.limit, cursor: query.cursor }),
);
