-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "referenceRows" INTEGER,
ADD COLUMN     "referenceSampledFrom" INTEGER,
ADD COLUMN     "referenceSha256" TEXT;

-- CreateIndex
CREATE INDEX "ModelVersion_referenceSha256_idx" ON "ModelVersion"("referenceSha256");
