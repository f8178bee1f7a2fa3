import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/promotions";
import { decidePromotion } from "@/lib/governance/decide-promotion";

export const POST = route(c.approvePromotion, ({ req, principal, params, body, services }) =>
  decidePromotion({ db: services.db, redisUrl: services.config.redisUrl, principal, inlineMaxModelMb: services.config.inlineMaxModelMb, id: params.id, decision: "approve", comment: body.comment, via: req.headers.get("authorization") ? "api" : "web" }),
);
