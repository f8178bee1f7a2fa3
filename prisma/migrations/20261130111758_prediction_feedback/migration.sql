-- CreateTable
CREATE TABLE "PredictionFeedback" (
    "endpointId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL,
    "shadow" BOOLEAN NOT NULL,
    "label" JSONB NOT NULL,
    "actual" DOUBLE PRECISION,
    "score" DOUBLE PRECISION,
    "correct" BOOLEAN,
    "labelledBy" TEXT NOT NULL,
    "labelledAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PredictionFeedback_pkey" PRIMARY KEY ("endpointId","requestId","variant")
);

-- CreateIndex
CREATE INDEX "PredictionFeedback_endpointId_time_idx" ON "PredictionFeedback"("endpointId", "time");
