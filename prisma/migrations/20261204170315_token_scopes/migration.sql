-- AlterTable
ALTER TABLE "IntegrationClient" ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "AccessToken" ADD COLUMN     "revokedAt" TIMESTAMP(3);

-- Existing clients may be granted what their dialect uses (DEFAULT_CLIENT_SCOPES in lib/auth/scopes.ts).
-- Tokens issued before scopes existed carry none and so open nothing: they were region-wide.
UPDATE "IntegrationClient" SET "scopes" = CASE "dialect"
  WHEN 'IDCAS' THEN ARRAY['h5', 'idcas-api', 'dicomweb-read', 'dicomweb-write']
  WHEN 'JILIN' THEN ARRAY['jilin-api', 'dicomweb-read', 'dicomweb-write']
  ELSE ARRAY['dicomweb-read', 'dicomweb-write']
END;
