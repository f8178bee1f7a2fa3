import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/endpoint-keys";
import { createEndpointKey } from "@/lib/serving/control/endpoints/create-endpoint-key";
import { listEndpointKeys } from "@/lib/serving/control/endpoints/list-endpoint-keys";

export const POST = route(c.createEndpointKey, ({ principal, params, body, services }) =>
  createEndpointKey({ db: services.db, redis: services.redis, principal, endpointName: params.endpoint, name: body.name }),
);

export const GET = route(c.listEndpointKeys, ({ principal, params, services }) => listEndpointKeys({ db: services.db, teamId: principal.teamId, endpointName: params.endpoint }));
