import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/models";
import { actorOf } from "@/lib/auth/principal";
import { createModel } from "@/lib/registry/create-model";
import { listModels } from "@/lib/registry/list-models";

export const POST = route(c.createModel, ({ principal, body, services }) =>
  createModel({ db: services.db, teamId: principal.teamId, ...body, actor: actorOf(principal) }),
);

export const GET = route(c.listModels, ({ principal, query, services }) =>
  listModels({ db: services.db, teamId: principal.teamId, ...query }),
);
