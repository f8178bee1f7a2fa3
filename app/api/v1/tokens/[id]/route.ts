import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/tokens";
import { actorOf } from "@/lib/auth/principal";
import { revokeToken } from "@/lib/tokens/revoke-token";

export const DELETE = route(c.revokeToken, ({ principal, params, services }) =>
  revokeToken({ db: services.db, teamId: principal.teamId, tokenId: params.id, actor: actorOf(principal) }),
);
