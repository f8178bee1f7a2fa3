import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/alerts";
import { silenceAlertRule } from "@/lib/alerts/silence-alert-rule";

export const POST = route(c.silenceAlertRule, ({ principal, params, body, services }) =>
  silenceAlertRule({ db: services.db, principal, endpointName: params.endpoint, id: params.id, until: new Date(body.until), reason: body.reason }),
);

export const DELETE = route(c.unsilenceAlertRule, ({ principal, params, services }) =>
  silenceAlertRule({ db: services.db, principal, endpointName: params.endpoint, id: params.id, until: null }),
);
