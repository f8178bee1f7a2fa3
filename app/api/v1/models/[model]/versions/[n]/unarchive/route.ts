import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/models";
import { actorOf } from "@/lib/auth/principal";
import { unarchiveVersion } from "@/lib/registry/unarchive-version";

export const POST = route(c.unarchiveVersion, ({ principal, params, services }) =>
  unarchiveVersion({ db: services.db, teamId: principal.teamId, modelName: params.model, number: params.n, actor: actorOf(principal) }),
);
