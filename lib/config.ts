// Every setting comes from the environment, with defaults that make the embedded demo run.
// The README's configuration table lists each of these variables.
import path from 'node:path';

function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

export const config = {
  /** PostgreSQL URL; unset → embedded PGlite under dataDir. */
  get databaseUrl() {
    return env('DATABASE_URL');
  },
  /** Folder of the embedded database and the local file store. */
  get dataDir() {
    return path.resolve(env('YINGYUN_DATA_DIR') ?? '.data');
  },
  get pgliteDir() {
    return path.join(this.dataDir, 'pglite');
  },
  get blobDir() {
    return path.resolve(env('YINGYUN_BLOB_DIR') ?? path.join(this.dataDir, 'blobs'));
  },
  /** Public origin used in links we print or return (QR codes, viewUrl …). */
  get publicBaseUrl() {
    return (env('YINGYUN_PUBLIC_URL') ?? `http://localhost:${env('PORT') ?? '3000'}`).replace(/\/+$/, '');
  },
  /** An upstream DICOMweb server (Orthanc, dcm4chee …) that keeps the images; unset → our own file store. */
  get dicomwebUpstream() {
    return env('DICOMWEB_UPSTREAM')?.replace(/\/+$/, '');
  },
  /** Forward STOW-RS to the upstream too (else the upstream is read-only through us). */
  get dicomwebUpstreamWrite() {
    return env('DICOMWEB_UPSTREAM_WRITE') === '1';
  },
  /** Largest DICOM instance accepted, bytes; also the cap on a deflated dataset's inflated size. */
  get dicomMaxBytes() {
    return Number(env('YINGYUN_DICOM_MAX_BYTES')) || 512 * 1024 * 1024;
  },
  /** Worker threads that parse, check and decode DICOM off the event loop. */
  get dicomWorkers() {
    return Number(env('YINGYUN_DICOM_WORKERS')) || 0;
  },
  /** Largest STOW-RS request body, bytes. */
  get stowMaxBytes() {
    return Number(env('YINGYUN_STOW_MAX_BYTES')) || 1024 * 1024 * 1024;
  },
  /** Who may show our pages in a frame (CSP frame-ancestors): the HIS origins that embed them. */
  get frameAncestors() {
    return env('YINGYUN_FRAME_ANCESTORS');
  },
  /**
   * Staged files younger than this may still belong to a live write (another process's, too), so
   * file-store recovery leaves them alone; it must exceed the longest stage → index → move.
   */
  get stagingGraceMs() {
    return (Number(env('YINGYUN_STAGING_GRACE_SECONDS')) || 600) * 1000;
  },
  get migrationsDir() {
    return path.resolve(env('YINGYUN_MIGRATIONS_DIR') ?? path.join('prisma', 'migrations'));
  },
};
