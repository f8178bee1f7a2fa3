import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/predictions";
import { listPredictions } from "@/lib/serving/control/predictions/list-predictions";

export const GET = route(c.listPredictions, ({ principal, params, query: { limit, cursor, ...filter }, services }) =>
  listPredictions({ db: services.db, teamId: principal.teamId, name: params.endpoint, filter, cursor, limit }),
);
