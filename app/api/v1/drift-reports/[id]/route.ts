import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/drift";
import { getDriftReport } from "@/lib/monitoring/drift/read-drift-reports";

export const GET = route(c.getDriftReport, ({ principal, params, services }) => getDriftReport({ db: services.db, teamId: principal.teamId, id: params.id }));
