-- CreateTable
CREATE TABLE "PredictionColumns" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "rows" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PredictionColumns_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PredictionColumns_endpointId_hour_idx" ON "PredictionColumns"("endpointId", "hour");

-- CreateIndex
CREATE INDEX "PredictionColumns_hour_idx" ON "PredictionColumns"("hour");

-- Uncompressed out of line: the float64 and int32 sections barely compress, and pglz would cost ingest
-- CPU on every write and a drift read CPU on every block.
ALTER TABLE "PredictionColumns" ALTER COLUMN "data" SET STORAGE EXTERNAL;
