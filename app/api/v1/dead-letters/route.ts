import { route } from "@/lib/api/handle";
import { listDeadLetters as contract } from "@/lib/api/contracts/dead-letters";
import { listDeadLetters } from "@/lib/serving/control/dead-letters/list-dead-letters";

export const GET = route(contract, ({ principal, query, services }) =>
  listDeadLetters({ db: services.db, redis: services.redis, teamId: principal.teamId, limit: query.limit, before: query.before }),
);
