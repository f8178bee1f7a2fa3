import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/endpoint-keys";
import { updateEndpointSettings } from "@/lib/serving/control/endpoints/update-endpoint-settings";

export const PUT = route(c.updateEndpointSettings, ({ principal, params, body, services }) =>
  updateEndpointSettings({ db: services.db, redis: services.redis, principal, endpointName: params.endpoint, requireKey: body.requireKey }),
);
