import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/performance";
import { readPerformance } from "@/lib/performance/read-performance";

export const GET = route(c.endpointPerformance, ({ principal, params, query, services }) =>
  readPerformance({ db: services.db, teamId: principal.teamId, name: params.endpoint, ...query }),
);
