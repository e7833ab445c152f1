// "保存图片": the viewport as a PNG — the rendered image, the measurement layer (SVG) and the corner
// overlay text — downloaded, or shown for a long-press save where downloads do not work (WeChat).
import { isWeChat } from './cornerstone';

function loadImg(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('svg image failed'));
    img.src = src;
  });
}

export async function snapshotPane(pane: HTMLElement): Promise<HTMLCanvasElement | null> {
  const canvas = pane.querySelector<HTMLCanvasElement>('canvas.cornerstone-canvas');
  if (!canvas || !canvas.width) return null;
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  const scale = out.width / Math.max(1, canvas.clientWidth || out.width);
  const svg = pane.querySelector<SVGSVGElement>('svg.svg-layer');
  if (svg && svg.childElementCount) {
    try {
      const clone = svg.cloneNode(true) as SVGSVGElement;
      clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
      clone.setAttribute('width', String(svg.clientWidth || canvas.clientWidth));
      clone.setAttribute('height', String(svg.clientHeight || canvas.clientHeight));
      const xml = new XMLSerializer().serializeToString(clone);
      const img = await loadImg(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`);
      ctx.drawImage(img, 0, 0, out.width, out.height);
    } catch {
      /* measurements are a bonus in the saved image */
    }
  }
  // Corner text, as on screen.
  const box = pane.getBoundingClientRect();
  ctx.textBaseline = 'top';
  for (const corner of pane.querySelectorAll<HTMLElement>('.yv-corner')) {
    const style = getComputedStyle(corner);
    ctx.font = `${parseFloat(style.fontSize) * scale}px ${style.fontFamily}`;
    ctx.fillStyle = '#e8e8e8';
    ctx.shadowColor = '#000';
    ctx.shadowBlur = 2 * scale;
    const right = corner.classList.contains('tr') || corner.classList.contains('br');
    ctx.textAlign = right ? 'right' : 'left';
    for (const line of corner.children) {
      const r = line.getBoundingClientRect();
      const text = (line as HTMLElement).innerText;
      const x = ((right ? r.right : r.left) - box.left) * scale;
      ctx.fillText(text, x, (r.top - box.top) * scale);
    }
  }
  return out;
}

export async function savePanePng(pane: HTMLElement, filename: string, showForLongPress: (dataUrl: string) => void): Promise<void> {
  const out = await snapshotPane(pane);
  if (!out) return;
  if (isWeChat()) {
    showForLongPress(out.toDataURL('image/png'));
    return;
  }
  const blob = await new Promise<Blob | null>((r) => out.toBlob(r, 'image/png'));
  if (!blob) return;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
