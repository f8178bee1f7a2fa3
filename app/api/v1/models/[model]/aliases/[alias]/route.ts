import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/models";
import { actorOf } from "@/lib/auth/principal";
import { setAlias } from "@/lib/registry/set-alias";

export const PUT = route(c.setAlias, ({ principal, params, body, services }) =>
  setAlias({ db: services.db, teamId: principal.teamId, modelName: params.model, alias: params.alias, version: body.version, actor: actorOf(principal) }),
);
