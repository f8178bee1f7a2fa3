import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/notifications";
import { actorOf } from "@/lib/auth/principal";
import { createChannel } from "@/lib/notifications/create-channel";
import { listChannels } from "@/lib/notifications/list-channels";

export const POST = route(c.createChannel, ({ principal, body, services }) =>
  createChannel({ db: services.db, teamId: principal.teamId, actor: actorOf(principal), settings: services.config.notify, input: body }),
);

export const GET = route(c.listChannels, async ({ principal, services }) => ({ channels: await listChannels({ db: services.db, teamId: principal.teamId }) }));
