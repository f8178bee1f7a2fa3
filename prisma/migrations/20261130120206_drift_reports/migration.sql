-- CreateEnum
CREATE TYPE "DriftReportStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "DriftReport" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "from" TIMESTAMPTZ(3) NOT NULL,
    "to" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER,
    "referenceModel" TEXT NOT NULL,
    "referenceVersion" INTEGER NOT NULL,
    "status" "DriftReportStatus" NOT NULL DEFAULT 'queued',
    "scheduled" BOOLEAN NOT NULL DEFAULT false,
    "requestedBy" TEXT NOT NULL,
    "rowsReference" INTEGER,
    "rowsCurrent" INTEGER,
    "share" DOUBLE PRECISION,
    "drifted" BOOLEAN,
    "result" JSONB,
    "timings" JSONB,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "DriftReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DriftSettings" (
    "endpointId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "thresholds" JSONB NOT NULL,
    "scheduleEveryMinutes" INTEGER,
    "scheduleWindowMinutes" INTEGER,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DriftSettings_pkey" PRIMARY KEY ("endpointId")
);

-- CreateIndex
CREATE INDEX "DriftReport_endpointId_createdAt_idx" ON "DriftReport"("endpointId", "createdAt");

-- CreateIndex
CREATE INDEX "DriftReport_status_createdAt_idx" ON "DriftReport"("status", "createdAt");

-- CreateIndex
CREATE INDEX "DriftReport_teamId_createdAt_idx" ON "DriftReport"("teamId", "createdAt");
