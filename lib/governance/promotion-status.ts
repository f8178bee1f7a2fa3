// Promotion statuses, from the Prisma enum: the database is the one declaration.
import { PromotionStatus, PromotionKind } from "../generated/prisma/enums";

export { PromotionStatus, PromotionKind };

export const PROMOTION_STATUSES = Object.values(PromotionStatus) as [PromotionStatus, ...PromotionStatus[]];
export const PROMOTION_KINDS = Object.values(PromotionKind) as [PromotionKind, ...PromotionKind[]];

/**
 * Statuses of a promotion that still holds its target: at most one per target (a partial unique
 * index in the governance migration lists the same four).
 */
export const OPEN_STATUSES = [PromotionStatus.checking, PromotionStatus.pending_approval, PromotionStatus.approved, PromotionStatus.deploying] as const;
export const isOpen = (s: string): boolean => (OPEN_STATUSES as readonly string[]).includes(s);

/** Statuses that a person can still decide on. */
export const DECIDABLE_STATUSES = [PromotionStatus.pending_approval] as const;
