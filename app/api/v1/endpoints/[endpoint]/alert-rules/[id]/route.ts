import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/alerts";
import { updateAlertRule } from "@/lib/alerts/update-alert-rule";
import { deleteAlertRule } from "@/lib/alerts/delete-alert-rule";

export const PUT = route(c.updateAlertRule, ({ principal, params, body, services }) =>
  updateAlertRule({ db: services.db, redisUrl: services.config.redisUrl, principal, endpointName: params.endpoint, id: params.id, input: body }),
);

export const DELETE = route(c.deleteAlertRule, ({ principal, params, services }) =>
  deleteAlertRule({ db: services.db, redisUrl: services.config.redisUrl, principal, endpointName: params.endpoint, id: params.id }),
);
