import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/models";
import { actorOf } from "@/lib/auth/principal";
import { getVersion } from "@/lib/registry/list-versions";
import { updateVersion } from "@/lib/registry/update-version";

export const GET = route(c.getVersion, ({ principal, params, services }) =>
  getVersion({ db: services.db, teamId: principal.teamId, modelName: params.model, number: params.n }),
);

export const PATCH = route(c.updateVersion, ({ principal, params, body, services }) =>
  updateVersion({ db: services.db, teamId: principal.teamId, modelName: params.model, number: params.n, ...body, actor: actorOf(principal) }),
);
