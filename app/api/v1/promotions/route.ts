import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/promotions";
import { requestPromotion } from "@/lib/governance/request-promotion";
import { listPromotions } from "@/lib/governance/list-promotions";

export const POST = route(c.requestPromotion, ({ principal, body, services }) =>
  requestPromotion({ db: services.db, redisUrl: services.config.redisUrl, principal, input: body, inlineMaxModelMb: services.config.inlineMaxModelMb }),
);

export const GET = route(c.listPromotions, ({ principal, query, services }) =>
  listPromotions({ db: services.db, teamId: principal.teamId, status: query.status, endpointName: query.endpoint, limit: query.limit, cursor: query.cursor }),
);
