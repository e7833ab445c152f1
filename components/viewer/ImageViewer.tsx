'use client';
// Placeholder until the Cornerstone3D viewer lands in this folder.
import type { ImageViewerProps } from './types';

export default function ImageViewer({ studies }: ImageViewerProps) {
  return (
    <div className="viewer-loading">
      {studies.length ? `${studies.length} 个影像检查` : '暂无影像'}
    </div>
  );
}
