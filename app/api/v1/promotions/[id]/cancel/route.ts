import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/promotions";
import { cancelPromotion } from "@/lib/governance/cancel-promotion";

export const POST = route(c.cancelPromotion, ({ principal, params, body, services }) =>
  cancelPromotion({ db: services.db, redisUrl: services.config.redisUrl, principal, id: params.id, comment: body.comment }),
);
