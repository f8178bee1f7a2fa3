-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "requireKey" BOOLEAN NOT NULL DEFAULT false;

-- Production endpoints take endpoint keys by default (issue 7, finding 6): existing ones too.
UPDATE "Endpoint" SET "requireKey" = true WHERE "environment" = 'production';

-- CreateTable
CREATE TABLE "EndpointKey" (
    "id" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EndpointKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "EndpointKey_keyHash_key" ON "EndpointKey"("keyHash");

-- CreateIndex
CREATE INDEX "EndpointKey_endpointId_idx" ON "EndpointKey"("endpointId");

-- AddForeignKey
ALTER TABLE "EndpointKey" ADD CONSTRAINT "EndpointKey_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;
