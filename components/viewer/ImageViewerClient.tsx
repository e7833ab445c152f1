'use client';
// The viewer is browser-only (Cornerstone3D needs WebGL, workers and wasm): loaded without SSR.
import dynamic from 'next/dynamic';
import type { ImageViewerProps } from './types';

const ImageViewer = dynamic(() => import('./ImageViewer'), {
  ssr: false,
  loading: () => (
    <div className="viewer-loading" role="status">
      影像浏览器加载中…
    </div>
  ),
});

export default function ImageViewerClient(props: ImageViewerProps) {
  return <ImageViewer {...props} />;
}
