-- CreateEnum
CREATE TYPE "PromotionKind" AS ENUM ('traffic', 'alias');

-- CreateEnum
CREATE TYPE "PromotionStatus" AS ENUM ('checking', 'blocked', 'pending_approval', 'approved', 'deploying', 'deployed', 'failed', 'rolled_back', 'rejected', 'cancelled', 'expired', 'stale');

-- CreateEnum
CREATE TYPE "ApprovalDecision" AS ENUM ('approve', 'reject');

-- CreateEnum
CREATE TYPE "ChannelKind" AS ENUM ('slack', 'webhook', 'pagerduty');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'sending', 'succeeded', 'failed');

-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "slackUserId" TEXT;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "hash" TEXT,
ADD COLUMN     "prevHash" TEXT,
ADD COLUMN     "seq" INTEGER;

-- CreateTable
CREATE TABLE "ReleasePolicy" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "environment" "Environment" NOT NULL,
    "rules" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReleasePolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Promotion" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "kind" "PromotionKind" NOT NULL,
    "status" "PromotionStatus" NOT NULL DEFAULT 'checking',
    "target" TEXT NOT NULL,
    "environment" "Environment" NOT NULL,
    "endpointId" TEXT,
    "modelId" TEXT,
    "alias" TEXT,
    "versionId" TEXT,
    "request" JSONB NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "evidence" JSONB NOT NULL,
    "evidenceHash" TEXT NOT NULL,
    "requiredApprovals" INTEGER NOT NULL,
    "statusReason" TEXT,
    "deploymentId" TEXT,
    "requestedByType" "ActorType" NOT NULL,
    "requestedById" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "onBehalfOf" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Promotion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromotionApproval" (
    "id" TEXT NOT NULL,
    "promotionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "userLabel" TEXT NOT NULL,
    "decision" "ApprovalDecision" NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "evidenceHash" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "voidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromotionApproval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Channel" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ChannelKind" NOT NULL,
    "config" JSONB NOT NULL,
    "events" TEXT[],
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Channel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatusCode" INTEGER,
    "lastResponse" TEXT,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReleasePolicy_teamId_environment_key" ON "ReleasePolicy"("teamId", "environment");

-- CreateIndex
CREATE UNIQUE INDEX "Promotion_deploymentId_key" ON "Promotion"("deploymentId");

-- CreateIndex
CREATE INDEX "Promotion_teamId_status_createdAt_idx" ON "Promotion"("teamId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Promotion_target_idx" ON "Promotion"("target");

-- CreateIndex
CREATE UNIQUE INDEX "PromotionApproval_promotionId_userId_key" ON "PromotionApproval"("promotionId", "userId");

-- CreateIndex
CREATE INDEX "Channel_teamId_idx" ON "Channel"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "Channel_teamId_name_key" ON "Channel"("teamId", "name");

-- CreateIndex
CREATE INDEX "Delivery_teamId_status_createdAt_idx" ON "Delivery"("teamId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Delivery_status_createdAt_idx" ON "Delivery"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_channelId_eventId_key" ON "Delivery"("channelId", "eventId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_teamId_slackUserId_key" ON "Membership"("teamId", "slackUserId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_teamId_seq_key" ON "AuditEvent"("teamId", "seq");

-- AddForeignKey
ALTER TABLE "ReleasePolicy" ADD CONSTRAINT "ReleasePolicy_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Promotion" ADD CONSTRAINT "Promotion_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Promotion" ADD CONSTRAINT "Promotion_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Promotion" ADD CONSTRAINT "Promotion_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromotionApproval" ADD CONSTRAINT "PromotionApproval_promotionId_fkey" FOREIGN KEY ("promotionId") REFERENCES "Promotion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Channel" ADD CONSTRAINT "Channel_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One open promotion per target: a second request gets 409 (the check in lib/governance takes a row
-- lock first and says which: this index is what makes a race between two requests impossible).
CREATE UNIQUE INDEX "Promotion_open_target_key" ON "Promotion"("target") WHERE "status" IN ('checking', 'pending_approval', 'approved', 'deploying');
