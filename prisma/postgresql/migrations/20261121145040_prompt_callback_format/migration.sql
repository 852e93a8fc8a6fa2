-- AlterTable
ALTER TABLE "Prompt" ADD COLUMN     "callbackFormat" TEXT NOT NULL DEFAULT 'STANDARD';
