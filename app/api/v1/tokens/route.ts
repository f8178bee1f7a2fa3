import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/tokens";
import { actorOf } from "@/lib/auth/principal";
import { createToken } from "@/lib/tokens/create-token";
import { listTokens } from "@/lib/tokens/list-tokens";

const DAY_MS = 86_400_000;

export const POST = route(c.createToken, ({ principal, body, services }) =>
  createToken({
    db: services.db,
    teamId: principal.teamId,
    name: body.name,
    scopes: body.scopes,
    expiresAt: body.expiresInDays ? new Date(Date.now() + body.expiresInDays * DAY_MS) : null,
    actor: actorOf(principal),
  }),
);

export const GET = route(c.listTokens, async ({ principal, services }) => ({ tokens: await listTokens({ db: services.db, teamId: principal.teamId }) }));
