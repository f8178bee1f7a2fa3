import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/models";
import { getVersion } from "@/lib/registry/list-versions";

export const GET = route(c.getVersion, ({ principal, params, services }) =>
  getVersion({ db: services.db, teamId: principal.teamId, modelName: params.model, number: params.n }),
);
