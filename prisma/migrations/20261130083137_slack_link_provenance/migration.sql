-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "slackLinkedAt" TIMESTAMP(3),
ADD COLUMN     "slackLinkedBy" TEXT;
