-- DropIndex
DROP INDEX "ViewSession_signatureHash_idx";

-- AlterTable
ALTER TABLE "ViewSession" DROP COLUMN "signatureHash",
ADD COLUMN     "linkHash" TEXT;

