import { route } from "@/lib/api/handle";
import { listAudit as contract } from "@/lib/api/contracts/audit";
import { listAudit } from "@/lib/audit/list-audit";

export const GET = route(contract, ({ principal, query, services }) => listAudit({ db: services.db, teamId: principal.teamId, ...query }));
