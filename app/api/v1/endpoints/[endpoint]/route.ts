import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/endpoints";
import { getEndpoint } from "@/lib/serving/control/endpoints/read-endpoints";

export const GET = route(c.getEndpoint, ({ principal, params, services }) => getEndpoint({ db: services.db, redis: services.redis, clusterSecret: services.config.clusterSecret, teamId: principal.teamId, name: params.endpoint }));
