import type { Db } from "../../../db/client";
import type { Principal } from "../../../auth/principal";
import { actorOf } from "../../../auth/principal";
import { ensureCan } from "../../../auth/policy";
import { recordAudit } from "../../../audit/record-audit";
import { AppError } from "../../../errors";
import { isUniqueViolation } from "../../../db/errors";
import { EMPTY_ROUTING, type Sticky } from "../../shared/routing";
import { toEndpointView } from "./views";
import type { Environment } from "../../shared/environments";
import { toJson } from "../../../db/json";

/** `requireKey` (the data plane asks for an endpoint key) defaults to on for production, off for staging. */
export async function createEndpoint(opts: { db: Db; principal: Principal; name: string; environment: Environment; description?: string; sticky?: Sticky; requireKey?: boolean }) {
  const { db, principal } = opts;
  ensureCan(principal, "endpoint.create", { environment: opts.environment });
  try {
    return await db.$transaction(async (tx) => {
      const e = await tx.endpoint.create({
        data: {
          teamId: principal.teamId, name: opts.name, environment: opts.environment, description: opts.description ?? "",
          requireKey: opts.requireKey ?? opts.environment === "production",
          routing: toJson({ ...EMPTY_ROUTING, sticky: opts.sticky ?? null }), createdBy: principal.label,
        },
      });
      const view = toEndpointView(e);
      await recordAudit(tx, { teamId: principal.teamId, actor: actorOf(principal), action: "endpoint.create", resourceType: "endpoint", resourceId: e.id, after: view });
      return view;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", `endpoint "${opts.name}" already exists`);
    throw err;
  }
}
