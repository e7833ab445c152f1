'use client';
// The compact toolbar: mouse tools (one active), window presets, view actions, cine, layout, compare.
// Menus open as a second row below the bar, so nothing is clipped when the bar scrolls on a phone.
import { useEffect, useRef, useState } from 'react';
import type { ViewerStudy } from './types';
import { Icon } from './icons';
import { ACTIONS, TOOLS, type ActionId, type ToolId, type WindowPreset } from './tools';

export type Layout = '1x1' | '1x2' | '2x2';
const LAYOUTS: { id: Layout; label: string; icon: string }[] = [
  { id: '1x1', label: '1×1', icon: 'layout1' },
  { id: '1x2', label: '1×2', icon: 'layout2' },
  { id: '2x2', label: '2×2', icon: 'layout4' },
];

interface Props {
  compact: boolean;
  tool: ToolId;
  onTool: (t: ToolId) => void;
  presets: WindowPreset[];
  onPreset: (p: WindowPreset) => void;
  onAction: (a: ActionId) => void;
  layout: Layout;
  onLayout: (l: Layout) => void;
  cinePlaying: boolean;
  fps: number;
  onFps: (fps: number) => void;
  fullscreen: boolean;
  compareCandidates: ViewerStudy[];
  compareStudy: string | null;
  onCompare: (s: ViewerStudy | null) => void;
  showLink: boolean;
  linked: boolean;
  onLinked: (v: boolean) => void;
  invert: boolean;
}

type Menu = 'preset' | 'layout' | 'compare' | 'more' | null;

function Btn(p: { icon: string; label: string; keyHint?: string; active?: boolean; pressed?: boolean; onClick: () => void; testId?: string; wide?: boolean; disabled?: boolean }) {
  const title = p.keyHint ? `${p.label}（快捷键 ${p.keyHint}）` : p.label;
  return (
    <button
      type="button"
      className={`yv-btn${p.active ? ' is-active' : ''}${p.wide ? ' is-wide' : ''}`}
      onClick={p.onClick}
      title={title}
      aria-label={p.label}
      aria-pressed={p.pressed ?? (p.active === undefined ? undefined : p.active)}
      data-testid={p.testId}
      disabled={p.disabled}
    >
      <Icon name={p.icon} />
      <span className="yv-btn-label">{p.label}</span>
    </button>
  );
}

export default function Toolbar(p: Props) {
  const [menu, setMenu] = useState<Menu>(null);
  // On a narrow PC viewer the last group (clear, fullscreen, save, help) folds into "更多".
  const barRef = useRef<HTMLDivElement>(null);
  const fullWidth = useRef(0);
  const [folded, setFolded] = useState(false);
  useEffect(() => {
    const bar = barRef.current;
    if (!bar || p.compact || typeof ResizeObserver === 'undefined') return;
    const check = () => {
      if (!folded) {
        fullWidth.current = bar.scrollWidth;
        if (bar.scrollWidth > bar.clientWidth + 1) setFolded(true);
      } else if (fullWidth.current && bar.clientWidth >= fullWidth.current) setFolded(false);
    };
    check();
    const ro = new ResizeObserver(check);
    ro.observe(bar);
    return () => ro.disconnect();
  }, [folded, p.compact, p.compareCandidates.length, p.showLink]);
  const fold = folded && !p.compact;
  const toggle = (m: Menu) => setMenu((cur) => (cur === m ? null : m));
  const action = (id: ActionId) => ACTIONS.find((a) => a.id === id)!;
  const act = (id: ActionId, icon: string = id, extra: Partial<Parameters<typeof Btn>[0]> = {}) => (
    <Btn icon={icon} label={action(id).label} keyHint={action(id).key} onClick={() => p.onAction(id)} testId={`action-${id}`} {...extra} />
  );
  const toolBtn = (id: ToolId) => {
    const t = TOOLS.find((x) => x.id === id)!;
    return <Btn key={id} icon={id} label={t.label} keyHint={t.key} active={p.tool === id} onClick={() => p.onTool(id)} testId={`tool-${id}`} />;
  };

  return (
    <div className="yv-toolbar-wrap">
      <div ref={barRef} className={`yv-toolbar${p.compact ? ' is-compact' : ''}`} role="toolbar" aria-label="影像工具">
        {p.compact && (
          <div className="yv-touchmode" role="radiogroup" aria-label="单指操作" data-testid="touch-mode">
            <span className="yv-touchmode-label">单指</span>
            <button type="button" role="radio" aria-checked={p.tool === 'wl'} className={p.tool === 'wl' ? 'is-active' : ''} onClick={() => p.onTool('wl')} data-testid="touch-mode-wl">
              调窗
            </button>
            <button type="button" role="radio" aria-checked={p.tool === 'scroll'} className={p.tool === 'scroll' ? 'is-active' : ''} onClick={() => p.onTool('scroll')} data-testid="touch-mode-scroll">
              翻页
            </button>
          </div>
        )}
        <div className="yv-group">
          {(p.compact ? (['zoom', 'pan', 'length', 'angle', 'rect', 'ellipse', 'probe'] as ToolId[]) : TOOLS.map((t) => t.id)).map(toolBtn)}
        </div>
        <div className="yv-group">
          <Btn icon="preset" label="窗位预设" active={menu === 'preset'} onClick={() => toggle('preset')} testId="menu-preset" />
          {act('invert', 'invert', { active: p.invert })}
          {act('rotate')}
          {act('flipH')}
          {act('flipV')}
          {act('reset')}
        </div>
        <div className="yv-group">
          {act('cine', p.cinePlaying ? 'stop' : 'cine', { active: p.cinePlaying })}
          <Btn icon={LAYOUTS.find((l) => l.id === p.layout)!.icon} label="布局" active={menu === 'layout'} onClick={() => toggle('layout')} testId="menu-layout" />
          {p.compareCandidates.length > 0 && <Btn icon="compare" label={p.compareStudy ? '对比中' : '对比'} active={menu === 'compare' || !!p.compareStudy} onClick={() => toggle('compare')} testId="menu-compare" />}
          {p.showLink && <Btn icon={p.linked ? 'link' : 'unlink'} label={p.linked ? '联动' : '未联动'} active={p.linked} pressed={p.linked} onClick={() => p.onLinked(!p.linked)} testId="toggle-link" />}
        </div>
        {fold ? (
          <div className="yv-group">
            <Btn icon="more" label="更多" active={menu === 'more'} onClick={() => toggle('more')} testId="menu-more" />
          </div>
        ) : (
          <div className="yv-group">
            {act('clear')}
            {act('fullscreen', p.fullscreen ? 'exitFullscreen' : 'fullscreen')}
            {act('save')}
            {act('help')}
          </div>
        )}
      </div>
      {menu === 'more' && fold && (
        <div className="yv-subbar" role="menu" aria-label="更多">
          {(['clear', 'fullscreen', 'save', 'help'] as ActionId[]).map((id) => (
            <button
              key={id}
              type="button"
              role="menuitem"
              className="yv-chip"
              data-testid={`action-${id}`}
              title={`快捷键 ${action(id).key}`}
              onClick={() => {
                p.onAction(id);
                setMenu(null);
              }}
            >
              <Icon name={id === 'fullscreen' && p.fullscreen ? 'exitFullscreen' : id} size={16} /> {action(id).label}
            </button>
          ))}
        </div>
      )}
      {menu === 'preset' && (
        <div className="yv-subbar" role="menu" aria-label="窗位预设">
          {p.presets.map((w) => (
            <button
              key={w.id}
              type="button"
              role="menuitem"
              className="yv-chip"
              data-testid={`preset-${w.id}`}
              title={`快捷键 ${w.key}`}
              onClick={() => {
                p.onPreset(w);
                setMenu(null);
              }}
            >
              {w.label}
              {w.width !== undefined && <small> W{w.width} / L{w.center}</small>}
            </button>
          ))}
          {p.presets.length === 1 && <span className="yv-muted">（非 CT 图像：使用图像自带窗宽窗位）</span>}
        </div>
      )}
      {menu === 'layout' && (
        <div className="yv-subbar" role="menu" aria-label="布局">
          {LAYOUTS.map((l) => (
            <button
              key={l.id}
              type="button"
              role="menuitemradio"
              aria-checked={p.layout === l.id}
              className={`yv-chip${p.layout === l.id ? ' is-active' : ''}`}
              data-testid={`layout-${l.id}`}
              onClick={() => {
                p.onLayout(l.id);
                setMenu(null);
              }}
            >
              <Icon name={l.icon} size={16} /> {l.label}
            </button>
          ))}
        </div>
      )}
      {menu === 'compare' && (
        <div className="yv-subbar" role="menu" aria-label="对比">
          <span className="yv-muted">与以下检查并排对比：</span>
          {p.compareCandidates.map((s) => (
            <button
              key={s.studyInstanceUid}
              type="button"
              role="menuitemradio"
              aria-checked={p.compareStudy === s.studyInstanceUid}
              className={`yv-chip${p.compareStudy === s.studyInstanceUid ? ' is-active' : ''}`}
              data-testid="compare-study"
              onClick={() => {
                p.onCompare(s);
                setMenu(null);
              }}
            >
              {s.label}
              {s.hospital ? <small> · {s.hospital}</small> : null}
            </button>
          ))}
          {p.compareStudy && (
            <button
              type="button"
              className="yv-chip"
              onClick={() => {
                p.onCompare(null);
                setMenu(null);
              }}
            >
              退出对比
            </button>
          )}
        </div>
      )}
      {p.cinePlaying && (
        <div className="yv-subbar" aria-label="电影播放">
          <label className="yv-fps">
            帧率
            <input type="range" min={1} max={60} step={1} value={p.fps} onChange={(e) => p.onFps(Number(e.target.value))} data-testid="cine-fps" aria-label="帧率（帧/秒）" />
            <output>{p.fps} 帧/秒</output>
          </label>
          <button type="button" className="yv-chip" onClick={() => p.onAction('cine')}>
            停止
          </button>
        </div>
      )}
    </div>
  );
}
