-- AlterTable
ALTER TABLE "DicomStudy" ADD COLUMN     "patientNameAlphabetic" TEXT,
ADD COLUMN     "patientNameIdeographic" TEXT,
ADD COLUMN     "patientNamePhonetic" TEXT;

-- CreateIndex
CREATE INDEX "DicomStudy_patientNameAlphabetic_idx" ON "DicomStudy"("patientNameAlphabetic" text_pattern_ops);

-- CreateIndex
CREATE INDEX "DicomStudy_patientNameIdeographic_idx" ON "DicomStudy"("patientNameIdeographic" text_pattern_ops);

-- CreateIndex
CREATE INDEX "DicomStudy_patientNamePhonetic_idx" ON "DicomStudy"("patientNamePhonetic" text_pattern_ops);

