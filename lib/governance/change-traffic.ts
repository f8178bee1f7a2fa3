// PUT …/traffic: a staging endpoint changes at once (a deployment); a production endpoint's change
// becomes a promotion that the team's release policy gates.
import type { Db } from "../db/client";
import type { Principal } from "../auth/principal";
import { findEndpoint } from "../serving/control/endpoints/read-endpoints";
import { requestTraffic } from "../serving/control/endpoints/request-traffic";
import type { TrafficRequest } from "../serving/control/endpoints/traffic-request";
import { requestPromotion } from "./request-promotion";

export async function changeTraffic(opts: { db: Db; redisUrl: string; principal: Principal; endpointName: string; request: TrafficRequest; inlineMaxModelMb?: number }) {
  const endpoint = await findEndpoint(opts.db, opts.principal.teamId, opts.endpointName);
  if (endpoint.environment !== "production") return requestTraffic(opts);
  const promotion = await requestPromotion({
    db: opts.db, redisUrl: opts.redisUrl, principal: opts.principal, fieldPrefix: "", inlineMaxModelMb: opts.inlineMaxModelMb,
    input: { kind: "traffic", endpoint: endpoint.name, traffic: opts.request, reason: opts.request.reason },
  });
  return { promotion };
}
