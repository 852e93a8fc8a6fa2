-- AlterTable
ALTER TABLE "OutpaintJob" ADD COLUMN     "generatedImageId" TEXT,
ADD COLUMN     "generator" TEXT,
ALTER COLUMN "inputImageId" DROP NOT NULL;
