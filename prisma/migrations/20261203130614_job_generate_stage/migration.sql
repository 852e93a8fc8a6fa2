-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
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
    "inputImageId" TEXT,
    "generatedImageId" TEXT,
    "generator" TEXT,
    "resultImageId" TEXT,
    "previewImageId" TEXT,
    "spec" TEXT NOT NULL,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "errorField" TEXT,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "callbackUrl" TEXT,
    "callbackFormat" TEXT NOT NULL DEFAULT 'STANDARD',
    "clientTaskId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "OutpaintJob_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "OutpaintJob_tuneId_fkey" FOREIGN KEY ("tuneId") REFERENCES "Tune" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_OutpaintJob" ("attempts", "callbackFormat", "callbackUrl", "cancelRequested", "clientTaskId", "createdAt", "errorCode", "errorField", "errorMessage", "etaSeconds", "finishedAt", "height", "id", "inputImageId", "ownerId", "pass", "percent", "previewImageId", "promptId", "resultImageId", "revision", "spec", "stage", "startedAt", "status", "step", "totalSteps", "tuneId", "updatedAt", "width") SELECT "attempts", "callbackFormat", "callbackUrl", "cancelRequested", "clientTaskId", "createdAt", "errorCode", "errorField", "errorMessage", "etaSeconds", "finishedAt", "height", "id", "inputImageId", "ownerId", "pass", "percent", "previewImageId", "promptId", "resultImageId", "revision", "spec", "stage", "startedAt", "status", "step", "totalSteps", "tuneId", "updatedAt", "width" FROM "OutpaintJob";
DROP TABLE "OutpaintJob";
ALTER TABLE "new_OutpaintJob" RENAME TO "OutpaintJob";
CREATE INDEX "OutpaintJob_status_id_idx" ON "OutpaintJob"("status", "id");
CREATE INDEX "OutpaintJob_ownerId_status_id_idx" ON "OutpaintJob"("ownerId", "status", "id");
CREATE INDEX "OutpaintJob_promptId_idx" ON "OutpaintJob"("promptId");
CREATE INDEX "OutpaintJob_finishedAt_idx" ON "OutpaintJob"("finishedAt");
CREATE INDEX "OutpaintJob_ownerId_clientTaskId_idx" ON "OutpaintJob"("ownerId", "clientTaskId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
