import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/endpoints";
import { abortDeployment } from "@/lib/serving/control/deployments/abort-deployment";

export const POST = route(c.abortDeployment, ({ principal, params, body, services }) =>
  abortDeployment({ db: services.db, redisUrl: services.config.redisUrl, principal, id: params.id, reason: body.reason }),
);
