// Small inline SVG icons for the toolbar (stroke = currentColor, 20×20 view box).
import type { ReactElement } from 'react';

const P: Record<string, ReactElement> = {
  wl: (
    <>
      <circle cx="10" cy="10" r="7" />
      <path d="M10 3a7 7 0 0 0 0 14z" fill="currentColor" />
    </>
  ),
  zoom: (
    <>
      <circle cx="8.5" cy="8.5" r="5" />
      <path d="M12.2 12.2 17 17M6 8.5h5M8.5 6v5" />
    </>
  ),
  pan: <path d="M10 2v16M2 10h16M10 2 7.5 4.5M10 2l2.5 2.5M10 18l-2.5-2.5M10 18l2.5-2.5M2 10l2.5-2.5M2 10l2.5 2.5M18 10l-2.5-2.5M18 10l-2.5 2.5" />,
  scroll: (
    <>
      <rect x="5" y="2.5" width="10" height="11" rx="1" />
      <path d="M7 16h6M8 18h4M10 5.5v5M8 8.5l2 2 2-2" />
    </>
  ),
  length: <path d="M3 17 17 3M3 17l1-4M3 17l4-1M17 3l-4 1M17 3l-1 4M7 11l2 2M10 8l2 2" />,
  angle: <path d="M3 16h14M3 16 13 4M8 16a5 5 0 0 0-1.8-3.8" />,
  rect: <rect x="3" y="5" width="14" height="10" rx="0.5" />,
  ellipse: <ellipse cx="10" cy="10" rx="7.5" ry="5" />,
  probe: (
    <>
      <circle cx="10" cy="10" r="2.2" />
      <path d="M10 2v4M10 14v4M2 10h4M14 10h4" />
    </>
  ),
  invert: (
    <>
      <rect x="3" y="3" width="14" height="14" rx="1.5" />
      <path d="M3 17 17 3v14z" fill="currentColor" />
    </>
  ),
  rotate: <path d="M15.5 8A6 6 0 1 0 16 12M15.5 3v5h-5" />,
  flipH: <path d="M10 2v16M8 5 3 15h5zM12 5l5 10h-5z" />,
  flipV: <path d="M2 10h16M5 8l10-5v5zM5 12l10 5v-5z" />,
  reset: <path d="M4 10a6 6 0 1 0 2-4.5M4 3v4h4" />,
  cine: (
    <>
      <rect x="2.5" y="4" width="15" height="12" rx="1.5" />
      <path d="M8.5 7.5v5l4-2.5z" fill="currentColor" />
    </>
  ),
  stop: <rect x="5" y="5" width="10" height="10" rx="1" fill="currentColor" />,
  fullscreen: <path d="M3 7V3h4M13 3h4v4M17 13v4h-4M7 17H3v-4" />,
  exitFullscreen: <path d="M7 3v4H3M17 7h-4V3M13 17v-4h4M3 13h4v4" />,
  save: <path d="M10 3v9M6 8.5 10 12.5l4-4M3.5 14v3h13v-3" />,
  clear: <path d="M4 6h12M8 6V4h4v2M6 6l1 11h6l1-11" />,
  help: (
    <>
      <circle cx="10" cy="10" r="7.5" />
      <path d="M7.8 7.8a2.3 2.3 0 1 1 3.2 2.1c-.7.3-1 .8-1 1.6M10 14.2v.3" />
    </>
  ),
  layout1: <rect x="3" y="3" width="14" height="14" rx="1" />,
  layout2: (
    <>
      <rect x="3" y="3" width="14" height="14" rx="1" />
      <path d="M10 3v14" />
    </>
  ),
  layout4: (
    <>
      <rect x="3" y="3" width="14" height="14" rx="1" />
      <path d="M10 3v14M3 10h14" />
    </>
  ),
  compare: (
    <>
      <rect x="2.5" y="4" width="6.5" height="12" rx="1" />
      <rect x="11" y="4" width="6.5" height="12" rx="1" />
    </>
  ),
  link: <path d="M8.5 11.5 11.5 8.5M7 9.5 5.2 11.3a2.8 2.8 0 0 0 4 4L11 13.5M13 10.5l1.8-1.8a2.8 2.8 0 0 0-4-4L9 6.5" />,
  unlink: <path d="M7 9.5 5.2 11.3a2.8 2.8 0 0 0 4 4L11 13.5M13 10.5l1.8-1.8a2.8 2.8 0 0 0-4-4L9 6.5M3 3l14 14" />,
  preset: (
    <>
      <path d="M3 17V3h14" />
      <path d="M5 15 9 9l3 3 5-7" />
    </>
  ),
  series: (
    <>
      <rect x="3" y="3" width="6" height="6" rx="0.5" />
      <rect x="11" y="3" width="6" height="6" rx="0.5" />
      <rect x="3" y="11" width="6" height="6" rx="0.5" />
      <rect x="11" y="11" width="6" height="6" rx="0.5" />
    </>
  ),
  more: (
    <>
      <circle cx="5" cy="10" r="1.2" fill="currentColor" />
      <circle cx="10" cy="10" r="1.2" fill="currentColor" />
      <circle cx="15" cy="10" r="1.2" fill="currentColor" />
    </>
  ),
};

export function Icon({ name, size = 20 }: { name: string; size?: number }) {
  return (
    <svg className="yv-icon" width={size} height={size} viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {P[name] ?? P.more}
    </svg>
  );
}
