// The viewing session every DICOMweb request of the viewer carries (x-view-session). One per page.
// The image loader's XHRs get it from `beforeSend`; our own fetches call `sessionHeaders()`.
let currentSession = '';
export function setViewSession(ref: string) {
  currentSession = ref;
}
export function sessionHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return currentSession ? { 'x-view-session': currentSession, ...extra } : extra;
}
