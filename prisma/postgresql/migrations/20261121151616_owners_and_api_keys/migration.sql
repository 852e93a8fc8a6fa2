-- DropIndex
DROP INDEX "Image_sha256_key";

-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "ownerId" TEXT NOT NULL DEFAULT 'local';

-- AlterTable
ALTER TABLE "OutpaintJob" ADD COLUMN     "ownerId" TEXT NOT NULL DEFAULT 'local';

-- AlterTable
ALTER TABLE "Prompt" ADD COLUMN     "ownerId" TEXT NOT NULL DEFAULT 'local';

-- AlterTable
ALTER TABLE "Tune" ADD COLUMN     "ownerId" TEXT;

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_owner_idx" ON "ApiKey"("owner");

-- CreateIndex
CREATE INDEX "Image_sha256_idx" ON "Image"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "Image_ownerId_sha256_key" ON "Image"("ownerId", "sha256");

-- CreateIndex
CREATE INDEX "OutpaintJob_ownerId_status_id_idx" ON "OutpaintJob"("ownerId", "status", "id");

-- CreateIndex
CREATE INDEX "Prompt_ownerId_id_idx" ON "Prompt"("ownerId", "id");

-- Data: as in the SQLite migration of the same name
UPDATE "Tune" SET "ownerId" = 'local' WHERE "isDefault" = false AND "title" <> 'CPU fill (no weights)';
