import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/models";
import { getModel } from "@/lib/registry/list-models";

export const GET = route(c.getModel, ({ principal, params, services }) => getModel({ db: services.db, teamId: principal.teamId, name: params.model }));
