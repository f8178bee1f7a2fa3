import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/endpoints";
import { changeTraffic } from "@/lib/governance/change-traffic";

export const PUT = route(c.setTraffic, ({ principal, params, body, services }) =>
  changeTraffic({ db: services.db, redisUrl: services.config.redisUrl, principal, endpointName: params.endpoint, request: body, inlineMaxModelMb: services.config.inlineMaxModelMb }),
);
