// window.__yyViewer: read-only state and the same commands as the UI, for the browser tests
// (e2e/viewer*.e2e.ts) and for support staff in the devtools. It exposes no patient data.
export interface PaneTestState {
  index: number;
  /** studyUid|seriesUid shown, or null */
  series: string | null;
  loaded: number;
  failed: number;
  /** images scheduled for loading */
  target: number;
  /** performance.now() of the first image on screen / of the last image loaded */
  firstImageAt: number | null;
  allLoadedAt: number | null;
}

export interface ViewportTestState {
  imageId: string;
  imageIndex: number;
  total: number;
  voi: { lower: number; upper: number } | null;
  color: boolean;
  rows?: number;
  columns?: number;
  /** The image's rectangle on the canvas, in canvas (device) pixels. */
  rect: { x: number; y: number; w: number; h: number } | null;
  canvas: { width: number; height: number };
}

export interface ViewerTestApi {
  cpu: boolean;
  cacheMB: number;
  series(): { key: string; studyUid: string; seriesUid: string; modality: string; images: number }[];
  assign(i: number, seriesUid: string): boolean;
  setLayout(l: '1x1' | '1x2' | '2x2'): void;
  status(): PaneTestState[];
  viewport(i: number): ViewportTestState | null;
  values(i: number): { min: number; max: number; mean: number; n: number; slope: number; intercept: number; preScaled: boolean } | null;
  setInterpolation(i: number, nearest: boolean): boolean;
  setWindow(i: number, width: number, center: number): boolean;
}

declare global {
  interface Window {
    __yyViewer?: ViewerTestApi;
  }
}
