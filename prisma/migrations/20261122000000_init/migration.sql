-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrgKind" AS ENUM ('HOSPITAL', 'PLATFORM');

-- CreateEnum
CREATE TYPE "Dialect" AS ENUM ('IDCAS', 'JILIN', 'NEIJIANG', 'MEDINS', 'XIAMEN', 'DICOMWEB');

-- CreateEnum
CREATE TYPE "Sex" AS ENUM ('M', 'F', 'O');

-- CreateEnum
CREATE TYPE "PatientType" AS ENUM ('OUTPATIENT', 'INPATIENT', 'CHECKUP', 'EMERGENCY', 'OTHER');

-- CreateEnum
CREATE TYPE "ResultPolarity" AS ENUM ('NEGATIVE', 'POSITIVE', 'UNDETERMINED');

-- CreateEnum
CREATE TYPE "ReportState" AS ENUM ('REGISTERED', 'EXAMINED', 'REPORTED', 'UNAUDITED', 'AUDITED', 'AUDIT_REJECTED', 'PUBLISHED');

-- CreateEnum
CREATE TYPE "ItemKind" AS ENUM ('EXAM', 'LAB');

-- CreateEnum
CREATE TYPE "IdentifierKind" AS ENUM ('PATIENT_ID', 'MED_REC_NO', 'OUTPATIENT_NO', 'INPATIENT_NO', 'CHECKUP_NO', 'HEALTH_CARD', 'MEDICARE_CARD', 'VISIT_CARD', 'OTHER');

-- CreateEnum
CREATE TYPE "ReportFileKind" AS ENUM ('PDF', 'JPG');

-- CreateEnum
CREATE TYPE "ViewerKind" AS ENUM ('CLINICIAN', 'PATIENT', 'CLIENT');

-- CreateEnum
CREATE TYPE "RetrievalType" AS ENUM ('REMINDER', 'VIEW', 'PDF');

-- CreateEnum
CREATE TYPE "SearchType" AS ENUM ('HISTORY', 'REPEAT');

-- CreateTable
CREATE TABLE "Organization" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "shortName" TEXT,
    "kind" "OrgKind" NOT NULL DEFAULT 'HOSPITAL',
    "grade" TEXT,
    "region" TEXT,
    "address" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecognitionScope" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "RecognitionScope_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntegrationClient" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "dialect" "Dialect" NOT NULL,
    "clientKey" TEXT NOT NULL,
    "secretCipher" TEXT,
    "desKeyCipher" TEXT,
    "desIv" TEXT,
    "md5KeyCipher" TEXT,
    "aesKeyCipher" TEXT,
    "aesIv" TEXT,
    "rsaPrivateKeyCipher" TEXT,
    "rsaPublicKey" TEXT,
    "sm2PrivateKeyCipher" TEXT,
    "sm2PublicKey" TEXT,
    "clockWindowSeconds" INTEGER NOT NULL DEFAULT 600,
    "acceptStaleExamples" BOOLEAN NOT NULL DEFAULT false,
    "oneTimeSignatures" BOOLEAN NOT NULL DEFAULT false,
    "strictLinks" BOOLEAN NOT NULL DEFAULT false,
    "allowPlainQr" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IntegrationClient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessToken" (
    "hash" TEXT NOT NULL,
    "clientId" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "scope" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AccessToken_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "Clinician" (
    "id" SERIAL NOT NULL,
    "organizationId" INTEGER NOT NULL,
    "workNo" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "deptCode" TEXT,
    "deptName" TEXT,
    "title" TEXT,
    "idCardHash" TEXT,
    "idCardCipher" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Clinician_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClinicianSev" (
    "id" SERIAL NOT NULL,
    "value" TEXT NOT NULL,
    "clinicianId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClinicianSev_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Patient" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "sex" "Sex" NOT NULL DEFAULT 'O',
    "birthDate" DATE,
    "idCardHash" TEXT,
    "idCardCipher" TEXT,
    "phoneHash" TEXT,
    "phoneCipher" TEXT,
    "address" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Patient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PatientIdentifier" (
    "id" SERIAL NOT NULL,
    "patientId" INTEGER NOT NULL,
    "organizationId" INTEGER NOT NULL,
    "kind" "IdentifierKind" NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "PatientIdentifier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Exam" (
    "id" SERIAL NOT NULL,
    "organizationId" INTEGER NOT NULL,
    "patientId" INTEGER NOT NULL,
    "accessionNumber" TEXT NOT NULL,
    "studyInstanceUid" TEXT,
    "placerOrderNo" TEXT,
    "visitNo" TEXT,
    "patientType" "PatientType" NOT NULL DEFAULT 'OUTPATIENT',
    "patientAge" TEXT,
    "patientAgeUnit" TEXT,
    "modality" TEXT NOT NULL,
    "bodyPart" TEXT,
    "scanMethod" TEXT,
    "itemCode" TEXT NOT NULL,
    "itemName" TEXT NOT NULL,
    "standardItemCodes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "shareScopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "applyDeptCode" TEXT,
    "applyDeptName" TEXT,
    "applyDoctorCode" TEXT,
    "applyDoctorName" TEXT,
    "performDeptName" TEXT,
    "performDoctorCode" TEXT,
    "performDoctorName" TEXT,
    "reportDoctorCode" TEXT,
    "reportDoctorName" TEXT,
    "auditDoctorCode" TEXT,
    "auditDoctorName" TEXT,
    "requestedAt" TIMESTAMP(3),
    "registeredAt" TIMESTAMP(3),
    "performedAt" TIMESTAMP(3),
    "reportedAt" TIMESTAMP(3),
    "auditedAt" TIMESTAMP(3),
    "archivedAt" TIMESTAMP(3),
    "uploadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "findings" TEXT NOT NULL DEFAULT '',
    "impression" TEXT NOT NULL DEFAULT '',
    "clinicalDiagnosis" TEXT,
    "briefHistory" TEXT,
    "advice" TEXT,
    "polarity" "ResultPolarity" NOT NULL DEFAULT 'UNDETERMINED',
    "critical" BOOLEAN NOT NULL DEFAULT false,
    "criticalNote" TEXT,
    "infectious" BOOLEAN NOT NULL DEFAULT false,
    "interim" BOOLEAN NOT NULL DEFAULT false,
    "cost" DECIMAL(10,2),
    "state" "ReportState" NOT NULL DEFAULT 'PUBLISHED',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Exam_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabTest" (
    "id" SERIAL NOT NULL,
    "organizationId" INTEGER NOT NULL,
    "patientId" INTEGER NOT NULL,
    "accessionNumber" TEXT NOT NULL,
    "placerOrderNo" TEXT,
    "visitNo" TEXT,
    "patientType" "PatientType" NOT NULL DEFAULT 'OUTPATIENT',
    "itemCode" TEXT NOT NULL,
    "itemName" TEXT NOT NULL,
    "standardItemCodes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "shareScopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sampleType" TEXT,
    "applyDeptName" TEXT,
    "applyDoctorName" TEXT,
    "reportDoctorCode" TEXT,
    "reportDoctorName" TEXT,
    "auditDoctorCode" TEXT,
    "auditDoctorName" TEXT,
    "requestedAt" TIMESTAMP(3),
    "sampledAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3),
    "reportedAt" TIMESTAMP(3),
    "auditedAt" TIMESTAMP(3),
    "uploadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "critical" BOOLEAN NOT NULL DEFAULT false,
    "interim" BOOLEAN NOT NULL DEFAULT false,
    "state" "ReportState" NOT NULL DEFAULT 'PUBLISHED',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LabTest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabResultItem" (
    "id" SERIAL NOT NULL,
    "labTestId" INTEGER NOT NULL,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "unit" TEXT,
    "refRange" TEXT,
    "flag" TEXT NOT NULL DEFAULT 'N',

    CONSTRAINT "LabResultItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExamItem" (
    "id" SERIAL NOT NULL,
    "organizationId" INTEGER NOT NULL,
    "kind" "ItemKind" NOT NULL DEFAULT 'EXAM',
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "typeCode" INTEGER,
    "modality" TEXT,
    "bodyPart" TEXT,
    "sampleTypeCode" TEXT,
    "price" DECIMAL(10,2),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ExamItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StandardItem" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "kind" "ItemKind" NOT NULL DEFAULT 'EXAM',
    "modality" TEXT,
    "bodyPart" TEXT,
    "validityDays" INTEGER NOT NULL DEFAULT 90,
    "source" TEXT,

    CONSTRAINT "StandardItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DicomStudy" (
    "id" SERIAL NOT NULL,
    "studyInstanceUid" TEXT NOT NULL,
    "examId" INTEGER,
    "organizationCode" TEXT,
    "uploadedByClientId" INTEGER,
    "accessionNumber" TEXT,
    "patientIdTag" TEXT,
    "patientNameTag" TEXT,
    "studyDate" TEXT,
    "studyTime" TEXT,
    "studyDescription" TEXT,
    "modalities" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "numberOfSeries" INTEGER NOT NULL DEFAULT 0,
    "numberOfInstances" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DicomStudy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DicomSeries" (
    "id" SERIAL NOT NULL,
    "seriesInstanceUid" TEXT NOT NULL,
    "studyId" INTEGER NOT NULL,
    "modality" TEXT,
    "seriesNumber" INTEGER,
    "seriesDescription" TEXT,
    "bodyPartExamined" TEXT,
    "numberOfInstances" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DicomSeries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DicomInstance" (
    "id" SERIAL NOT NULL,
    "sopInstanceUid" TEXT NOT NULL,
    "seriesId" INTEGER NOT NULL,
    "sopClassUid" TEXT NOT NULL,
    "instanceNumber" INTEGER,
    "transferSyntaxUid" TEXT NOT NULL,
    "rows" INTEGER,
    "columns" INTEGER,
    "numberOfFrames" INTEGER NOT NULL DEFAULT 1,
    "blobKey" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "metadata" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DicomInstance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportFile" (
    "id" SERIAL NOT NULL,
    "examId" INTEGER NOT NULL,
    "kind" "ReportFileKind" NOT NULL DEFAULT 'PDF',
    "blobKey" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReportFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ViewSession" (
    "id" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "signatureHash" TEXT,
    "viewerKind" "ViewerKind" NOT NULL,
    "dialect" "Dialect" NOT NULL,
    "page" TEXT NOT NULL,
    "organizationId" INTEGER,
    "clinicianId" INTEGER,
    "patientId" INTEGER,
    "examIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "labTestIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "context" JSONB NOT NULL,
    "ip" TEXT,
    "userAgent" TEXT,
    "verifiedAt" TIMESTAMP(3),
    "failedChecks" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ViewSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsedSignature" (
    "hash" TEXT NOT NULL,
    "clientId" INTEGER NOT NULL,
    "usedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsedSignature_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "LinkRefusalCount" (
    "day" DATE NOT NULL,
    "dialect" "Dialect" NOT NULL,
    "reason" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "LinkRefusalCount_pkey" PRIMARY KEY ("day","dialect","reason")
);

-- CreateTable
CREATE TABLE "RetrievalRecord" (
    "id" SERIAL NOT NULL,
    "type" "RetrievalType" NOT NULL,
    "searchType" "SearchType",
    "examId" INTEGER,
    "labTestId" INTEGER,
    "viewerOrgId" INTEGER,
    "viewerOrgCode" TEXT,
    "doctorCode" TEXT,
    "doctorName" TEXT,
    "deptCode" TEXT,
    "deptName" TEXT,
    "ip" TEXT,
    "mac" TEXT,
    "dialect" "Dialect" NOT NULL,
    "sessionId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RetrievalRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecognitionMark" (
    "id" SERIAL NOT NULL,
    "examId" INTEGER,
    "labTestId" INTEGER,
    "requestingOrgId" INTEGER,
    "requestingOrgCode" TEXT NOT NULL,
    "doctorCode" TEXT NOT NULL,
    "doctorName" TEXT,
    "deptCode" TEXT,
    "deptName" TEXT,
    "visitId" TEXT,
    "requestItemCodes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "recognized" BOOLEAN NOT NULL,
    "reasonCode" INTEGER,
    "reasonText" TEXT,
    "quoted" BOOLEAN NOT NULL DEFAULT false,
    "ip" TEXT,
    "mac" TEXT,
    "dialect" "Dialect" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecognitionMark_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DailyRecognitionStat" (
    "id" SERIAL NOT NULL,
    "organizationId" INTEGER NOT NULL,
    "day" DATE NOT NULL,
    "patientsCount" INTEGER NOT NULL,
    "workStations" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DailyRecognitionStat_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "detail" JSONB,
    "ip" TEXT,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminUser" (
    "id" SERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'admin',
    "organizationId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdminUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShortLink" (
    "code" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "secretCipher" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShortLink_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "_OrganizationToRecognitionScope" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_OrganizationToRecognitionScope_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateTable
CREATE TABLE "_IntegrationClientToOrganization" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_IntegrationClientToOrganization_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateTable
CREATE TABLE "_ExamItemToStandardItem" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_ExamItemToStandardItem_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_code_key" ON "Organization"("code");

-- CreateIndex
CREATE UNIQUE INDEX "RecognitionScope_code_key" ON "RecognitionScope"("code");

-- CreateIndex
CREATE UNIQUE INDEX "IntegrationClient_dialect_clientKey_key" ON "IntegrationClient"("dialect", "clientKey");

-- CreateIndex
CREATE INDEX "AccessToken_expiresAt_idx" ON "AccessToken"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Clinician_organizationId_workNo_key" ON "Clinician"("organizationId", "workNo");

-- CreateIndex
CREATE UNIQUE INDEX "ClinicianSev_value_key" ON "ClinicianSev"("value");

-- CreateIndex
CREATE UNIQUE INDEX "Patient_idCardHash_key" ON "Patient"("idCardHash");

-- CreateIndex
CREATE INDEX "Patient_name_idx" ON "Patient"("name");

-- CreateIndex
CREATE INDEX "Patient_phoneHash_idx" ON "Patient"("phoneHash");

-- CreateIndex
CREATE INDEX "PatientIdentifier_patientId_idx" ON "PatientIdentifier"("patientId");

-- CreateIndex
CREATE UNIQUE INDEX "PatientIdentifier_organizationId_kind_value_key" ON "PatientIdentifier"("organizationId", "kind", "value");

-- CreateIndex
CREATE INDEX "Exam_patientId_performedAt_idx" ON "Exam"("patientId", "performedAt");

-- CreateIndex
CREATE INDEX "Exam_studyInstanceUid_idx" ON "Exam"("studyInstanceUid");

-- CreateIndex
CREATE INDEX "Exam_performedAt_idx" ON "Exam"("performedAt");

-- CreateIndex
CREATE INDEX "Exam_reportedAt_idx" ON "Exam"("reportedAt");

-- CreateIndex
CREATE INDEX "Exam_placerOrderNo_idx" ON "Exam"("placerOrderNo");

-- CreateIndex
CREATE INDEX "Exam_standardItemCodes_idx" ON "Exam" USING GIN ("standardItemCodes");

-- CreateIndex
CREATE UNIQUE INDEX "Exam_organizationId_accessionNumber_key" ON "Exam"("organizationId", "accessionNumber");

-- CreateIndex
CREATE INDEX "LabTest_patientId_reportedAt_idx" ON "LabTest"("patientId", "reportedAt");

-- CreateIndex
CREATE INDEX "LabTest_reportedAt_idx" ON "LabTest"("reportedAt");

-- CreateIndex
CREATE INDEX "LabTest_standardItemCodes_idx" ON "LabTest" USING GIN ("standardItemCodes");

-- CreateIndex
CREATE UNIQUE INDEX "LabTest_organizationId_accessionNumber_key" ON "LabTest"("organizationId", "accessionNumber");

-- CreateIndex
CREATE INDEX "LabResultItem_labTestId_idx" ON "LabResultItem"("labTestId");

-- CreateIndex
CREATE UNIQUE INDEX "ExamItem_organizationId_kind_code_key" ON "ExamItem"("organizationId", "kind", "code");

-- CreateIndex
CREATE UNIQUE INDEX "StandardItem_code_key" ON "StandardItem"("code");

-- CreateIndex
CREATE UNIQUE INDEX "DicomStudy_studyInstanceUid_key" ON "DicomStudy"("studyInstanceUid");

-- CreateIndex
CREATE INDEX "DicomStudy_examId_idx" ON "DicomStudy"("examId");

-- CreateIndex
CREATE INDEX "DicomStudy_organizationCode_accessionNumber_idx" ON "DicomStudy"("organizationCode", "accessionNumber");

-- CreateIndex
CREATE UNIQUE INDEX "DicomSeries_seriesInstanceUid_key" ON "DicomSeries"("seriesInstanceUid");

-- CreateIndex
CREATE INDEX "DicomSeries_studyId_idx" ON "DicomSeries"("studyId");

-- CreateIndex
CREATE UNIQUE INDEX "DicomInstance_sopInstanceUid_key" ON "DicomInstance"("sopInstanceUid");

-- CreateIndex
CREATE INDEX "DicomInstance_seriesId_instanceNumber_idx" ON "DicomInstance"("seriesId", "instanceNumber");

-- CreateIndex
CREATE INDEX "ReportFile_examId_idx" ON "ReportFile"("examId");

-- CreateIndex
CREATE INDEX "ViewSession_expiresAt_idx" ON "ViewSession"("expiresAt");

-- CreateIndex
CREATE INDEX "ViewSession_patientId_idx" ON "ViewSession"("patientId");

-- CreateIndex
CREATE INDEX "ViewSession_signatureHash_idx" ON "ViewSession"("signatureHash");

-- CreateIndex
CREATE INDEX "UsedSignature_expiresAt_idx" ON "UsedSignature"("expiresAt");

-- CreateIndex
CREATE INDEX "RetrievalRecord_examId_idx" ON "RetrievalRecord"("examId");

-- CreateIndex
CREATE INDEX "RetrievalRecord_viewerOrgId_at_idx" ON "RetrievalRecord"("viewerOrgId", "at");

-- CreateIndex
CREATE INDEX "RetrievalRecord_at_idx" ON "RetrievalRecord"("at");

-- CreateIndex
CREATE INDEX "RecognitionMark_examId_idx" ON "RecognitionMark"("examId");

-- CreateIndex
CREATE INDEX "RecognitionMark_labTestId_idx" ON "RecognitionMark"("labTestId");

-- CreateIndex
CREATE INDEX "RecognitionMark_requestingOrgId_at_idx" ON "RecognitionMark"("requestingOrgId", "at");

-- CreateIndex
CREATE INDEX "RecognitionMark_visitId_idx" ON "RecognitionMark"("visitId");

-- CreateIndex
CREATE UNIQUE INDEX "DailyRecognitionStat_organizationId_day_key" ON "DailyRecognitionStat"("organizationId", "day");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- CreateIndex
CREATE INDEX "AuditLog_action_at_idx" ON "AuditLog"("action", "at");

-- CreateIndex
CREATE UNIQUE INDEX "AdminUser_username_key" ON "AdminUser"("username");

-- CreateIndex
CREATE INDEX "ShortLink_expiresAt_idx" ON "ShortLink"("expiresAt");

-- CreateIndex
CREATE INDEX "_OrganizationToRecognitionScope_B_index" ON "_OrganizationToRecognitionScope"("B");

-- CreateIndex
CREATE INDEX "_IntegrationClientToOrganization_B_index" ON "_IntegrationClientToOrganization"("B");

-- CreateIndex
CREATE INDEX "_ExamItemToStandardItem_B_index" ON "_ExamItemToStandardItem"("B");

-- AddForeignKey
ALTER TABLE "AccessToken" ADD CONSTRAINT "AccessToken_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "IntegrationClient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Clinician" ADD CONSTRAINT "Clinician_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClinicianSev" ADD CONSTRAINT "ClinicianSev_clinicianId_fkey" FOREIGN KEY ("clinicianId") REFERENCES "Clinician"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatientIdentifier" ADD CONSTRAINT "PatientIdentifier_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatientIdentifier" ADD CONSTRAINT "PatientIdentifier_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Exam" ADD CONSTRAINT "Exam_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Exam" ADD CONSTRAINT "Exam_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabTest" ADD CONSTRAINT "LabTest_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabTest" ADD CONSTRAINT "LabTest_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabResultItem" ADD CONSTRAINT "LabResultItem_labTestId_fkey" FOREIGN KEY ("labTestId") REFERENCES "LabTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExamItem" ADD CONSTRAINT "ExamItem_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DicomStudy" ADD CONSTRAINT "DicomStudy_examId_fkey" FOREIGN KEY ("examId") REFERENCES "Exam"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DicomSeries" ADD CONSTRAINT "DicomSeries_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "DicomStudy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DicomInstance" ADD CONSTRAINT "DicomInstance_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "DicomSeries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReportFile" ADD CONSTRAINT "ReportFile_examId_fkey" FOREIGN KEY ("examId") REFERENCES "Exam"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsedSignature" ADD CONSTRAINT "UsedSignature_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "IntegrationClient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RetrievalRecord" ADD CONSTRAINT "RetrievalRecord_examId_fkey" FOREIGN KEY ("examId") REFERENCES "Exam"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RetrievalRecord" ADD CONSTRAINT "RetrievalRecord_labTestId_fkey" FOREIGN KEY ("labTestId") REFERENCES "LabTest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RetrievalRecord" ADD CONSTRAINT "RetrievalRecord_viewerOrgId_fkey" FOREIGN KEY ("viewerOrgId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecognitionMark" ADD CONSTRAINT "RecognitionMark_examId_fkey" FOREIGN KEY ("examId") REFERENCES "Exam"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecognitionMark" ADD CONSTRAINT "RecognitionMark_labTestId_fkey" FOREIGN KEY ("labTestId") REFERENCES "LabTest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecognitionMark" ADD CONSTRAINT "RecognitionMark_requestingOrgId_fkey" FOREIGN KEY ("requestingOrgId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DailyRecognitionStat" ADD CONSTRAINT "DailyRecognitionStat_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_OrganizationToRecognitionScope" ADD CONSTRAINT "_OrganizationToRecognitionScope_A_fkey" FOREIGN KEY ("A") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_OrganizationToRecognitionScope" ADD CONSTRAINT "_OrganizationToRecognitionScope_B_fkey" FOREIGN KEY ("B") REFERENCES "RecognitionScope"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_IntegrationClientToOrganization" ADD CONSTRAINT "_IntegrationClientToOrganization_A_fkey" FOREIGN KEY ("A") REFERENCES "IntegrationClient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_IntegrationClientToOrganization" ADD CONSTRAINT "_IntegrationClientToOrganization_B_fkey" FOREIGN KEY ("B") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_ExamItemToStandardItem" ADD CONSTRAINT "_ExamItemToStandardItem_A_fkey" FOREIGN KEY ("A") REFERENCES "ExamItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_ExamItemToStandardItem" ADD CONSTRAINT "_ExamItemToStandardItem_B_fkey" FOREIGN KEY ("B") REFERENCES "StandardItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

