import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/drift";
import { requestDriftReport } from "@/lib/monitoring/drift/request-drift-report";
import { listDriftReports } from "@/lib/monitoring/drift/read-drift-reports";

export const POST = route(c.requestDriftReport, ({ principal, params, body, services }) =>
  requestDriftReport({ db: services.db, redisUrl: services.config.redisUrl, principal, endpointName: params.endpoint, from: new Date(body.from), to: new Date(body.to), version: body.version }),
);

export const GET = route(c.listDriftReports, ({ principal, params, query, services }) =>
  listDriftReports({ db: services.db, teamId: principal.teamId, endpointName: params.endpoint, limit: query.limit, cursor: query.cursor }),
);
