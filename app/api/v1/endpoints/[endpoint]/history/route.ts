import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/history";
import { readEndpointHistory } from "@/lib/serving/control/endpoints/endpoint-history";

export const GET = route(c.endpointHistory, ({ principal, params, query, services }) =>
  readEndpointHistory({ db: services.db, teamId: principal.teamId, name: params.endpoint, at: query.at, cursor: query.cursor, limit: query.limit }),
);
