import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/models";
import { changeAlias } from "@/lib/governance/change-alias";

export const PUT = route(c.setAlias, async ({ principal, params, body, services }) => {
  const r = await changeAlias({ db: services.db, redisUrl: services.config.redisUrl, principal, modelName: params.model, alias: params.alias, version: body.version });
  // a protected alias: 202, the promotion that will move it once approved
  return "promotion" in r ? Response.json({ promotion: r.promotion }, { status: 202 }) : r.moved;
});
