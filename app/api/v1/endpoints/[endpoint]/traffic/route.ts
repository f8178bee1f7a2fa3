import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/endpoints";
import { requestTraffic } from "@/lib/serving/control/endpoints/request-traffic";

export const PUT = route(c.setTraffic, ({ principal, params, body, services }) =>
  requestTraffic({ db: services.db, redisUrl: services.config.redisUrl, principal, endpointName: params.endpoint, request: body }),
);
