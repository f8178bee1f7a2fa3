import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/promotions";
import { getPromotion } from "@/lib/governance/get-promotion";

export const GET = route(c.getPromotion, ({ principal, params, services }) => getPromotion({ db: services.db, teamId: principal.teamId, id: params.id }));
