-- AlterTable
ALTER TABLE "OutpaintJob" ADD COLUMN     "pass" INTEGER NOT NULL DEFAULT 0;
