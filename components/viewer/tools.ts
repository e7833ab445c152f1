// What the toolbar offers: mouse tools (one active on the primary button), window presets, actions,
// and their keyboard shortcuts (documented in the help panel).
import {
  AngleTool,
  EllipticalROITool,
  LengthTool,
  PanTool,
  ProbeTool,
  RectangleROITool,
  StackScrollTool,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { cache } from '@cornerstonejs/core';

export type ToolId = 'wl' | 'zoom' | 'pan' | 'scroll' | 'length' | 'angle' | 'rect' | 'ellipse' | 'probe';

export interface ToolDef {
  id: ToolId;
  label: string;
  key: string;
  toolName: string;
  measure?: boolean;
}

export const TOOLS: ToolDef[] = [
  { id: 'wl', label: '窗宽窗位', key: 'W', toolName: WindowLevelTool.toolName },
  { id: 'zoom', label: '缩放', key: 'Z', toolName: ZoomTool.toolName },
  { id: 'pan', label: '平移', key: 'P', toolName: PanTool.toolName },
  { id: 'scroll', label: '翻页', key: 'S', toolName: StackScrollTool.toolName },
  { id: 'length', label: '测距', key: 'L', toolName: LengthTool.toolName, measure: true },
  { id: 'angle', label: '角度', key: 'A', toolName: AngleTool.toolName, measure: true },
  { id: 'rect', label: '矩形', key: 'R', toolName: RectangleROITool.toolName, measure: true },
  { id: 'ellipse', label: '椭圆', key: 'E', toolName: EllipticalROITool.toolName, measure: true },
  { id: 'probe', label: '探针', key: 'B', toolName: ProbeTool.toolName, measure: true },
];

export const MEASURE_TOOL_NAMES = TOOLS.filter((t) => t.measure).map((t) => t.toolName);

// Measurement labels in Chinese (Cornerstone's defaults are English). Stats come from Cornerstone's
// own statistics calculator; modalityUnit is HU for CT.
interface Stats {
  area?: number;
  areaUnit?: string;
  mean?: number;
  stdDev?: number;
  max?: number;
  min?: number;
  modalityUnit?: string | string[];
  isEmptyArea?: boolean;
  index?: number[];
  value?: number | number[];
}
type TextLines = (data: { cachedStats: Record<string, Stats | undefined> }, targetId: string) => string[] | undefined;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const r = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));

const areaLines: TextLines = (data, targetId) => {
  const s = data.cachedStats[targetId];
  if (!s) return undefined;
  const u = Array.isArray(s.modalityUnit) ? s.modalityUnit[0] : (s.modalityUnit ?? '');
  const lines: string[] = [];
  if (isNum(s.area)) lines.push(s.isEmptyArea ? '面积：斜切面不支持' : `面积 ${r(s.area)} ${s.areaUnit ?? ''}`);
  if (isNum(s.mean)) lines.push(`均值 ${r(s.mean)} ${u}`);
  if (isNum(s.stdDev)) lines.push(`标准差 ${r(s.stdDev)} ${u}`);
  if (isNum(s.min) && isNum(s.max)) lines.push(`最小/最大 ${r(s.min)} / ${r(s.max)} ${u}`);
  return lines;
};
/**
 * The stored value at column i, row j of a stack image. Cornerstone 5.14's ProbeTool reads a stack
 * image at (i, j, current slice index) from that one image's voxels, so beyond the first slice it
 * finds nothing; we read the pixel ourselves.
 */
function stackPixel(targetId: string, i: number, j: number): number | undefined {
  if (!targetId.startsWith('imageId:')) return undefined;
  const image = cache.getImage(targetId.slice('imageId:'.length));
  if (!image || i < 0 || j < 0 || i >= image.columns || j >= image.rows) return undefined;
  const raw = image.voxelManager?.getAtIndex(j * image.columns + i);
  if (!isNum(raw)) return undefined;
  return image.preScale?.scaled ? raw : raw * (image.slope ?? 1) + (image.intercept ?? 0);
}

const probeLines: TextLines = (data, targetId) => {
  const s = data.cachedStats[targetId];
  if (!s || !s.index) return undefined;
  const value = s.value ?? stackPixel(targetId, s.index[0], s.index[1]);
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  const units = Array.isArray(s.modalityUnit) ? s.modalityUnit : [s.modalityUnit ?? ''];
  if (!values.every(isNum)) return undefined;
  return [`坐标 (${s.index[0]}, ${s.index[1]})`, `值 ${values.map((v, i) => `${r(v)} ${units[i] ?? units[0] ?? ''}`).join(' / ')}`];
};

/** Tool configuration overrides, by tool name. */
export const TOOL_CONFIG: Record<string, Record<string, unknown>> = {
  [RectangleROITool.toolName]: { getTextLines: areaLines },
  [EllipticalROITool.toolName]: { getTextLines: areaLines },
  [ProbeTool.toolName]: { getTextLines: probeLines },
};

export interface WindowPreset {
  id: string;
  label: string;
  key: string;
  /** Window width / level (center); absent = the image's own VOI ("默认"). */
  width?: number;
  center?: number;
}

export const CT_PRESETS: WindowPreset[] = [
  { id: 'lung', label: '肺窗', key: '1', width: 1500, center: -600 },
  { id: 'mediastinum', label: '纵隔窗', key: '2', width: 350, center: 40 },
  { id: 'bone', label: '骨窗', key: '3', width: 2000, center: 500 },
  { id: 'brain', label: '脑窗', key: '4', width: 80, center: 40 },
  { id: 'abdomen', label: '腹窗', key: '5', width: 400, center: 40 },
];
export const DEFAULT_PRESET: WindowPreset = { id: 'default', label: '默认', key: '0' };

export const presetsFor = (modality: string): WindowPreset[] => (modality === 'CT' ? [DEFAULT_PRESET, ...CT_PRESETS] : [DEFAULT_PRESET]);

export type ActionId = 'invert' | 'rotate' | 'flipH' | 'flipV' | 'reset' | 'cine' | 'fullscreen' | 'save' | 'clear' | 'help';

export const ACTIONS: { id: ActionId; label: string; key: string }[] = [
  { id: 'invert', label: '反色', key: 'I' },
  { id: 'rotate', label: '旋转', key: 'T' },
  { id: 'flipH', label: '水平翻转', key: 'H' },
  { id: 'flipV', label: '垂直翻转', key: 'V' },
  { id: 'reset', label: '复位', key: 'Esc' },
  { id: 'cine', label: '电影播放', key: 'C' },
  { id: 'clear', label: '清除标注', key: 'Del' },
  { id: 'fullscreen', label: '全屏', key: 'F' },
  { id: 'save', label: '保存图片', key: 'D' },
  { id: 'help', label: '帮助', key: '?' },
];

/** Shortcut help, shown by the 帮助 button (also in each button's tooltip). */
export const SHORTCUTS: [string, string][] = [
  ['↑ / ↓ 、PgUp / PgDn', '上一幅 / 下一幅图像'],
  ['Home / End', '第一幅 / 最后一幅'],
  ['鼠标滚轮', '翻页'],
  ['左键拖动', '当前工具（默认 窗宽窗位）'],
  ['右键拖动', '缩放'],
  ['中键拖动', '平移'],
  ...TOOLS.map((t): [string, string] => [t.key, t.label]),
  ['0', '默认窗'],
  ...CT_PRESETS.map((p): [string, string] => [p.key, `${p.label}（CT，W${p.width} / L${p.center}）`]),
  ...ACTIONS.map((a): [string, string] => [a.key, a.label]),
  ['Space', '电影播放 / 停止'],
  ['Tab', '切换当前视窗'],
  ['双击视窗', '最大化 / 还原'],
];

export const TOUCH_HELP: [string, string][] = [
  ['单指拖动', '调窗 或 翻页（按“单指”开关切换）'],
  ['双指捏合', '缩放'],
  ['双指拖动', '平移'],
  ['点选缩略图', '在当前视窗中打开该序列'],
];
