import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/endpoint-keys";
import { revokeEndpointKey } from "@/lib/serving/control/endpoints/revoke-endpoint-key";

export const DELETE = route(c.revokeEndpointKey, ({ principal, params, services }) =>
  revokeEndpointKey({ db: services.db, redis: services.redis, principal, endpointName: params.endpoint, keyId: params.id }),
);
