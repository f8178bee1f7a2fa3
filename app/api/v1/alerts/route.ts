import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/alerts";
import { listIncidents } from "@/lib/alerts/list-incidents";

export const GET = route(c.listAlerts, ({ principal, query, services }) =>
  listIncidents({ db: services.db, teamId: principal.teamId, state: query.state, endpointName: query.endpoint, limit: query.limit }),
);
