import type { Prisma } from "../db/client";
import { ACTIVE_STATUSES } from "../serving/shared/deployment-status";

/**
 * The endpoints that route a version now: in their live routing, or in the routing a pending or
 * running deployment is moving them to. Sorted names, for messages.
 */
export async function endpointsRouting(tx: Prisma.TransactionClient, teamId: string, versionId: string): Promise<string[]> {
  const needle = JSON.stringify([{ versionId }]);
  const rows = await tx.$queryRaw<{ name: string }[]>`
    SELECT e.name FROM "Endpoint" e
    WHERE e."teamId" = ${teamId} AND e.routing -> 'variants' @> ${needle}::jsonb
    UNION
    SELECT e.name FROM "Deployment" d JOIN "Endpoint" e ON e.id = d."endpointId"
    WHERE e."teamId" = ${teamId} AND d.status::text = ANY(${[...ACTIVE_STATUSES]}::text[]) AND d."toRouting" -> 'variants' @> ${needle}::jsonb
    ORDER BY name`;
  return rows.map((r) => r.name);
}
