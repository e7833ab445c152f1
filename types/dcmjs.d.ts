// Minimal ambient types for dcmjs (the package ships none): only what lib/dicom uses.
declare module 'dcmjs' {
  /** Denaturalized element: Value is an array (strings, numbers, PN objects, ArrayBuffers, nested datasets). */
  export interface DicomElement {
    vr: string;
    Value: unknown[];
    _rawValue?: unknown;
  }
  /** Denaturalized dataset keyed by 8-hex-digit tag, e.g. '00100010'. */
  export type DicomDataset = Record<string, DicomElement>;

  export interface DicomDict {
    meta: DicomDataset;
    dict: DicomDataset;
    write(options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): ArrayBuffer;
  }

  export interface ReadOptions {
    ignoreErrors?: boolean;
    untilTag?: string | null;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }

  const dcmjs: {
    data: {
      DicomDict: new (meta: DicomDataset) => DicomDict;
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: ReadOptions): DicomDict };
      DicomMetaDictionary: {
        naturalizeDataset(dataset: DicomDataset): Record<string, unknown>;
        denaturalizeDataset(dataset: Record<string, unknown>): DicomDataset;
      };
    };
  };
  export default dcmjs;
}
