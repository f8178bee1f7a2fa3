import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/endpoints";
import { endpointMetrics } from "@/lib/serving/control/endpoints/read-endpoints";

export const GET = route(c.endpointMetrics, ({ principal, params, query, services }) =>
  endpointMetrics({ db: services.db, teamId: principal.teamId, name: params.endpoint, range: query.range, minutes: query.minutes }),
);
