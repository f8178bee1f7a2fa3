import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/models";
import { actorOf } from "@/lib/auth/principal";
import { archiveVersion } from "@/lib/registry/archive-version";

export const POST = route(c.archiveVersion, ({ principal, params, services }) =>
  archiveVersion({ db: services.db, teamId: principal.teamId, modelName: params.model, number: params.n, actor: actorOf(principal) }),
);
