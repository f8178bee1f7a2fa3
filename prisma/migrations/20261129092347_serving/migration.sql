-- CreateEnum
CREATE TYPE "Environment" AS ENUM ('staging', 'production');

-- CreateEnum
CREATE TYPE "DeploymentStrategy" AS ENUM ('immediate', 'canary', 'blue_green');

-- CreateEnum
CREATE TYPE "DeploymentStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'rolled_back');

-- CreateTable
CREATE TABLE "Endpoint" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "environment" "Environment" NOT NULL DEFAULT 'staging',
    "description" TEXT NOT NULL DEFAULT '',
    "routing" JSONB NOT NULL,
    "routingVersion" INTEGER NOT NULL DEFAULT 0,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Endpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Deployment" (
    "id" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "strategy" "DeploymentStrategy" NOT NULL,
    "status" "DeploymentStatus" NOT NULL DEFAULT 'pending',
    "plan" JSONB NOT NULL,
    "steps" JSONB NOT NULL DEFAULT '[]',
    "currentStep" INTEGER NOT NULL DEFAULT 0,
    "fromRouting" JSONB NOT NULL,
    "toRouting" JSONB NOT NULL,
    "error" TEXT,
    "rollbackReason" TEXT,
    "reason" TEXT NOT NULL DEFAULT '',
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricRollup" (
    "endpointId" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "shadowCount" INTEGER NOT NULL DEFAULT 0,
    "latencySumMs" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latencyBuckets" INTEGER[],

    CONSTRAINT "MetricRollup_pkey" PRIMARY KEY ("endpointId","variant","minute")
);

-- CreateIndex
CREATE UNIQUE INDEX "Endpoint_name_key" ON "Endpoint"("name");

-- CreateIndex
CREATE INDEX "Endpoint_teamId_idx" ON "Endpoint"("teamId");

-- CreateIndex
CREATE INDEX "Deployment_endpointId_createdAt_idx" ON "Deployment"("endpointId", "createdAt");

-- CreateIndex
CREATE INDEX "Deployment_status_idx" ON "Deployment"("status");

-- CreateIndex
CREATE INDEX "MetricRollup_minute_idx" ON "MetricRollup"("minute");

-- AddForeignKey
ALTER TABLE "Endpoint" ADD CONSTRAINT "Endpoint_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Prediction log: high volume, partitioned by day. Written by hand, as Prisma does not model
-- partitioning, and listed in EXTERNAL_TABLES (lib/db/migrate.ts) so schema diffs leave it alone.
-- (requestId, variant, time) is unique so that a replayed ingest batch inserts nothing twice.
-- Daily partitions are created ahead by the ingest consumer (lib/serving/prediction-log).
-- Note: the migrator splits statements at semicolons, so none may appear inside a statement or comment.
CREATE TABLE "PredictionLog" (
    "id" BIGSERIAL,
    "time" TIMESTAMPTZ NOT NULL,
    "endpointId" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "requestId" TEXT NOT NULL,
    "status" SMALLINT NOT NULL,
    "latencyMs" REAL NOT NULL,
    "shadow" BOOLEAN NOT NULL DEFAULT false,
    "rows" INTEGER NOT NULL DEFAULT 1,
    "inputs" JSONB,
    "outputs" JSONB,
    "error" TEXT,
    PRIMARY KEY ("time", "id")
) PARTITION BY RANGE ("time");

CREATE UNIQUE INDEX "PredictionLog_request_variant_time_key" ON "PredictionLog" ("requestId", "variant", "time");

CREATE INDEX "PredictionLog_endpoint_time_idx" ON "PredictionLog" ("endpointId", "time");

CREATE TABLE "PredictionLog_default" PARTITION OF "PredictionLog" DEFAULT;
