-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "abortReason" TEXT,
ADD COLUMN     "abortRequestedAt" TIMESTAMP(3);
