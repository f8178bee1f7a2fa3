// PUT …/aliases/{alias}: an alias the production policy protects (champion, by default) moves only
// through a promotion; any other alias moves at once.
import type { Db } from "../db/client";
import { actorOf, type Principal } from "../auth/principal";
import { setAlias } from "../registry/set-alias";
import { readPolicy } from "./read-policy";
import { ALIAS_ENVIRONMENT } from "./resolve-target";
import { requestPromotion } from "./request-promotion";

export async function changeAlias(opts: { db: Db; redisUrl: string; principal: Principal; modelName: string; alias: string; version: number }) {
  const { db, principal } = opts;
  const policy = await readPolicy(db, principal.teamId, ALIAS_ENVIRONMENT);
  if (!policy.rules.protectedAliases.includes(opts.alias)) {
    return { moved: await setAlias({ db, teamId: principal.teamId, modelName: opts.modelName, alias: opts.alias, version: opts.version, actor: actorOf(principal) }) };
  }
  const promotion = await requestPromotion({ db, redisUrl: opts.redisUrl, principal, input: { kind: "alias", model: opts.modelName, alias: opts.alias, version: opts.version } });
  return { promotion };
}
