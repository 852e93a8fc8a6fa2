-- AlterTable
ALTER TABLE "Tune" ADD COLUMN "ownerId" TEXT;
-- Tunes made before owners existed were made keyless: they belong to "local". The default tune
-- and the built-in CPU tune stay built in (NULL), visible to every owner.
UPDATE "Tune" SET "ownerId" = 'local' WHERE "isDefault" = false AND "title" <> 'CPU fill (no weights)';

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Image" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL DEFAULT 'local',
    "sha256" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_Image" ("bytes", "createdAt", "format", "height", "id", "sha256", "width") SELECT "bytes", "createdAt", "format", "height", "id", "sha256", "width" FROM "Image";
DROP TABLE "Image";
ALTER TABLE "new_Image" RENAME TO "Image";
CREATE INDEX "Image_sha256_idx" ON "Image"("sha256");
CREATE UNIQUE INDEX "Image_ownerId_sha256_key" ON "Image"("ownerId", "sha256");
CREATE TABLE "new_OutpaintJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL DEFAULT 'local',
    "promptId" TEXT,
    "tuneId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "stage" TEXT,
    "pass" INTEGER NOT NULL DEFAULT 0,
    "step" INTEGER NOT NULL DEFAULT 0,
    "totalSteps" INTEGER NOT NULL DEFAULT 0,
    "percent" REAL NOT NULL DEFAULT 0,
    "etaSeconds" REAL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "inputImageId" TEXT NOT NULL,
    "resultImageId" TEXT,
    "previewImageId" TEXT,
    "spec" TEXT NOT NULL,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "errorField" TEXT,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "callbackUrl" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "OutpaintJob_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "OutpaintJob_tuneId_fkey" FOREIGN KEY ("tuneId") REFERENCES "Tune" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_OutpaintJob" ("attempts", "callbackUrl", "cancelRequested", "createdAt", "errorCode", "errorField", "errorMessage", "etaSeconds", "finishedAt", "height", "id", "inputImageId", "pass", "percent", "previewImageId", "promptId", "resultImageId", "revision", "spec", "stage", "startedAt", "status", "step", "totalSteps", "tuneId", "updatedAt", "width") SELECT "attempts", "callbackUrl", "cancelRequested", "createdAt", "errorCode", "errorField", "errorMessage", "etaSeconds", "finishedAt", "height", "id", "inputImageId", "pass", "percent", "previewImageId", "promptId", "resultImageId", "revision", "spec", "stage", "startedAt", "status", "step", "totalSteps", "tuneId", "updatedAt", "width" FROM "OutpaintJob";
DROP TABLE "OutpaintJob";
ALTER TABLE "new_OutpaintJob" RENAME TO "OutpaintJob";
CREATE INDEX "OutpaintJob_status_id_idx" ON "OutpaintJob"("status", "id");
CREATE INDEX "OutpaintJob_ownerId_status_id_idx" ON "OutpaintJob"("ownerId", "status", "id");
CREATE INDEX "OutpaintJob_promptId_idx" ON "OutpaintJob"("promptId");
CREATE INDEX "OutpaintJob_finishedAt_idx" ON "OutpaintJob"("finishedAt");
CREATE TABLE "new_Prompt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL DEFAULT 'local',
    "tuneId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "negativePrompt" TEXT,
    "params" TEXT NOT NULL,
    "callbackUrl" TEXT,
    "callbackFormat" TEXT NOT NULL DEFAULT 'STANDARD',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Prompt_tuneId_fkey" FOREIGN KEY ("tuneId") REFERENCES "Tune" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Prompt" ("callbackFormat", "callbackUrl", "createdAt", "id", "negativePrompt", "params", "text", "tuneId") SELECT "callbackFormat", "callbackUrl", "createdAt", "id", "negativePrompt", "params", "text", "tuneId" FROM "Prompt";
DROP TABLE "Prompt";
ALTER TABLE "new_Prompt" RENAME TO "Prompt";
CREATE INDEX "Prompt_ownerId_id_idx" ON "Prompt"("ownerId", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_owner_idx" ON "ApiKey"("owner");
