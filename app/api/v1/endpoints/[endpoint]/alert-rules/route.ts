import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/alerts";
import { createAlertRule } from "@/lib/alerts/create-alert-rule";
import { listAlertRules } from "@/lib/alerts/list-alert-rules";

export const POST = route(c.createAlertRule, ({ principal, params, body, services }) => createAlertRule({ db: services.db, principal, endpointName: params.endpoint, input: body }));

export const GET = route(c.listAlertRules, ({ principal, params, services }) => listAlertRules({ db: services.db, teamId: principal.teamId, endpointName: params.endpoint }));
