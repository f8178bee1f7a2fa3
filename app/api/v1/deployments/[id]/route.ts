import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/endpoints";
import { getDeployment } from "@/lib/serving/control/endpoints/read-endpoints";

export const GET = route(c.getDeployment, ({ principal, params, services }) => getDeployment({ db: services.db, teamId: principal.teamId, id: params.id }));
