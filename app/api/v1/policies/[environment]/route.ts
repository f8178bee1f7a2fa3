import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/promotions";
import { readPolicy } from "@/lib/governance/read-policy";
import { updatePolicy } from "@/lib/governance/update-policy";

export const GET = route(c.getPolicy, ({ principal, params, services }) => readPolicy(services.db, principal.teamId, params.environment));

export const PUT = route(c.putPolicy, ({ principal, params, body, services }) =>
  updatePolicy({ db: services.db, principal, environment: params.environment, rules: body }),
);
