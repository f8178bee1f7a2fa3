// What a traffic request would do to an endpoint, checked before anything is recorded: the routing it
// leads to and the deployment plan. Shared by direct traffic changes and promotions.
import type { Db } from "../../../db/client";
import { AppError } from "../../../errors";
import { asRouting, type Routing } from "../../shared/routing";
import { blueGreenPlanSchema, canaryPlanSchema, newVariants, type Plan } from "../deployments/plan";
import { resolveRouting } from "./resolve-routing";
import { ensureSeenRouting } from "./seen-routing";
import type { TrafficRequest } from "./traffic-request";

export type TrafficPlan = { live: Routing; to: Routing; plan: Plan };

export async function planTraffic(opts: { db: Db; teamId: string; endpoint: { name: string; routing: unknown; routingVersion: number }; request: TrafficRequest; inlineMaxModelMb?: number }): Promise<TrafficPlan> {
  const { request } = opts;
  ensureSeenRouting(opts.endpoint, request.expectedRoutingVersion);
  const live = asRouting(opts.endpoint.routing);
  const to = await resolveRouting({ db: opts.db, teamId: opts.teamId, live, request, inlineMaxModelMb: opts.inlineMaxModelMb });
  const plan: Plan = {};
  if (request.strategy === "canary") {
    plan.canary = canaryPlanSchema.parse(request.canary ?? {});
    if (!newVariants(live, to).length) throw new AppError("bad_request", "a canary needs a version that is not serving yet; use immediate to change weights", { field: "strategy" });
  }
  if (request.strategy === "blue_green") plan.blueGreen = blueGreenPlanSchema.parse(request.blueGreen ?? {});
  return { live, to, plan };
}
