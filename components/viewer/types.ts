// The contract between the pages and the viewer.
export interface ViewerStudy {
  studyInstanceUid: string;
  /** e.g. "2021-05-12 CT 胸部CT平扫" */
  label: string;
  hospital?: string;
}

export interface ImageViewerProps {
  studies: ViewerStudy[];
  /** The viewing session reference; sent as x-view-session on every DICOMweb request. */
  sessionRef: string;
  /** Default "/dicomweb". */
  dicomwebRoot?: string;
  /** Shown in the overlay; the page masks it or not (masking setting). */
  patientName: string;
  /** Start with this layout (phones start 1×1). */
  initialLayout?: '1x1' | '1x2' | '2x2';
  /** Open this series (SeriesInstanceUID) first, e.g. the one of a film image the patient tapped. */
  initialSeries?: string;
  /** Studies to offer for side-by-side comparison (prior exams of the same patient). */
  compareStudies?: ViewerStudy[];
}
