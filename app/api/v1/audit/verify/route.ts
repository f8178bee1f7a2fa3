import { route } from "@/lib/api/handle";
import { verifyAudit as contract } from "@/lib/api/contracts/audit";
import { verifyChain } from "@/lib/audit/verify-chain";

export const dynamic = "force-dynamic";

export const GET = route(contract, ({ principal, services }) => verifyChain({ db: services.db, teamId: principal.teamId }));
