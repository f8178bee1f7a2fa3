import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/notifications";
import { actorOf } from "@/lib/auth/principal";
import { testChannel } from "@/lib/notifications/test-channel";

export const POST = route(c.testChannel, ({ principal, params, services }) =>
  testChannel({ db: services.db, redis: services.redis, redisUrl: services.config.redisUrl, settings: services.config.notify, teamId: principal.teamId, channelId: params.id, actor: actorOf(principal) }),
);
