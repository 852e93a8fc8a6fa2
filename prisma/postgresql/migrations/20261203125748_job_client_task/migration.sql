-- AlterTable
ALTER TABLE "OutpaintJob" ADD COLUMN     "callbackFormat" TEXT NOT NULL DEFAULT 'STANDARD',
ADD COLUMN     "clientTaskId" TEXT;

-- CreateIndex
CREATE INDEX "OutpaintJob_ownerId_clientTaskId_idx" ON "OutpaintJob"("ownerId", "clientTaskId");
