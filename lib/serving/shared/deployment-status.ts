// Deployment statuses and strategies, from the Prisma enums: the database is the one declaration.
import { DeploymentStatus, DeploymentStrategy } from "../../generated/prisma/enums";

export { DeploymentStatus, DeploymentStrategy };

const values = <T extends string>(o: Record<string, T>) => Object.values(o) as [T, ...T[]];

export const DEPLOYMENT_STATUSES = values(DeploymentStatus);
export const DEPLOYMENT_STRATEGIES = values(DeploymentStrategy);

/** Statuses a deployment never leaves. */
export const FINISHED_STATUSES = [DeploymentStatus.succeeded, DeploymentStatus.failed, DeploymentStatus.rolled_back] as const;
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];
export const isFinished = (status: string): status is FinishedStatus => (FINISHED_STATUSES as readonly string[]).includes(status);

/** Statuses of a deployment that still holds its endpoint (one at a time per endpoint). */
export const ACTIVE_STATUSES = [DeploymentStatus.pending, DeploymentStatus.running] as const;
