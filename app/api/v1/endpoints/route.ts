import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/endpoints";
import { createEndpoint } from "@/lib/serving/control/endpoints/create-endpoint";
import { listEndpoints } from "@/lib/serving/control/endpoints/read-endpoints";

export const POST = route(c.createEndpoint, ({ principal, body, services }) => createEndpoint({ db: services.db, principal, ...body }));

export const GET = route(c.listEndpoints, async ({ principal, services }) => ({
  endpoints: await listEndpoints({ db: services.db, redis: services.redis, clusterSecret: services.config.clusterSecret, teamId: principal.teamId }),
}));
