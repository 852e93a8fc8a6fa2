-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Prompt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tuneId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "negativePrompt" TEXT,
    "params" TEXT NOT NULL,
    "callbackUrl" TEXT,
    "callbackFormat" TEXT NOT NULL DEFAULT 'STANDARD',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Prompt_tuneId_fkey" FOREIGN KEY ("tuneId") REFERENCES "Tune" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Prompt" ("callbackUrl", "createdAt", "id", "negativePrompt", "params", "text", "tuneId") SELECT "callbackUrl", "createdAt", "id", "negativePrompt", "params", "text", "tuneId" FROM "Prompt";
DROP TABLE "Prompt";
ALTER TABLE "new_Prompt" RENAME TO "Prompt";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
