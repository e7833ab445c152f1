// Where the shared DICOM samples are (development and CI machines only; never in a user's clone).
import fs from 'node:fs';
import path from 'node:path';

export const SAMPLES_DIR =
  [process.env.YINGYUN_DICOM_SAMPLES, path.resolve('..', 'shared', 'dicom-samples'), '/work/shared/dicom-samples'].find((d): d is string => !!d && fs.existsSync(d)) ?? null;
