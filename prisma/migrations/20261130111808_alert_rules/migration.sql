-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('critical', 'warning', 'info');

-- CreateEnum
CREATE TYPE "IncidentState" AS ENUM ('pending', 'firing', 'resolved');

-- CreateTable
CREATE TABLE "AlertRule" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "feature" TEXT,
    "variant" TEXT,
    "operator" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "windowSeconds" INTEGER NOT NULL,
    "forSeconds" INTEGER NOT NULL DEFAULT 0,
    "severity" "AlertSeverity" NOT NULL DEFAULT 'warning',
    "channelIds" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "silencedUntil" TIMESTAMP(3),
    "silenceReason" TEXT,
    "silencedBy" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertIncident" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "openFor" TEXT,
    "state" "IncidentState" NOT NULL,
    "dedupKey" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "firingAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "valueAtStart" DOUBLE PRECISION,
    "valueAtFire" DOUBLE PRECISION,
    "valueAtResolve" DOUBLE PRECISION,
    "peakValue" DOUBLE PRECISION,
    "lastValue" DOUBLE PRECISION,
    "lastEvaluatedAt" TIMESTAMP(3) NOT NULL,
    "notifiedFiring" BOOLEAN NOT NULL DEFAULT false,
    "notifiedResolved" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "AlertIncident_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AlertRule_teamId_idx" ON "AlertRule"("teamId");

-- CreateIndex
CREATE INDEX "AlertRule_endpointId_idx" ON "AlertRule"("endpointId");

-- CreateIndex
CREATE UNIQUE INDEX "AlertIncident_openFor_key" ON "AlertIncident"("openFor");

-- CreateIndex
CREATE UNIQUE INDEX "AlertIncident_dedupKey_key" ON "AlertIncident"("dedupKey");

-- CreateIndex
CREATE INDEX "AlertIncident_teamId_state_startedAt_idx" ON "AlertIncident"("teamId", "state", "startedAt");

-- CreateIndex
CREATE INDEX "AlertIncident_ruleId_startedAt_idx" ON "AlertIncident"("ruleId", "startedAt");

-- AddForeignKey
ALTER TABLE "AlertRule" ADD CONSTRAINT "AlertRule_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertRule" ADD CONSTRAINT "AlertRule_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertIncident" ADD CONSTRAINT "AlertIncident_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;
