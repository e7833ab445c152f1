'use client';
// The patient's exams and lab tests from every hospital of the region on one timeline, with
// filters, and the selected one's detail beside it. ↑/↓ move through the list.
import { useMemo, useState } from 'react';
import { ExamDetail, LabDetail } from './Details';

export interface RecordEntry {
  kind: 'exam' | 'lab';
  id: number;
  date: string;
  hospital: string;
  type: string; // modality, or 检验
  title: string;
  positive?: boolean;
  critical?: boolean;
  abnormal?: number;
  hasImages?: boolean;
}

export interface RecordBrowserProps {
  sessionRef: string;
  entries: RecordEntry[];
  patientName: string;
  /** nosearch=true: the caller fixed the query; no search form. */
  nosearch?: boolean;
  startDate?: string;
  endDate?: string;
  /** Every image study of the patient, for comparison in the images tab. */
  compare?: { studyInstanceUid: string; label: string }[];
}

export default function RecordBrowser({ sessionRef, entries, patientName, nosearch, startDate, endDate, compare }: RecordBrowserProps) {
  const [kind, setKind] = useState<'all' | 'exam' | 'lab'>('all');
  const [type, setType] = useState('');
  const [hospital, setHospital] = useState('');
  const [from, setFrom] = useState(startDate ?? '');
  const [to, setTo] = useState(endDate ?? '');
  const [keyword, setKeyword] = useState('');
  const types = useMemo(() => [...new Set(entries.map((e) => e.type))].sort(), [entries]);
  const hospitals = useMemo(() => [...new Set(entries.map((e) => e.hospital))].sort(), [entries]);
  const shown = entries.filter(
    (e) =>
      (kind === 'all' || e.kind === kind) &&
      (!type || e.type === type) &&
      (!hospital || e.hospital === hospital) &&
      (!from || e.date >= from) &&
      (!to || e.date <= to) &&
      (!keyword || `${e.title}${e.hospital}`.includes(keyword.trim())),
  );
  const [selected, setSelected] = useState<string | null>(shown[0] ? `${shown[0].kind}:${shown[0].id}` : null);
  const current = shown.find((e) => `${e.kind}:${e.id}` === selected) ?? null;

  function onKey(ev: React.KeyboardEvent) {
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
    ev.preventDefault();
    const i = shown.findIndex((e) => `${e.kind}:${e.id}` === selected);
    const next = shown[Math.min(Math.max(i + (ev.key === 'ArrowDown' ? 1 : -1), 0), shown.length - 1)];
    if (next) setSelected(`${next.kind}:${next.id}`);
  }

  return (
    <div className="record">
      <section className="record-list" aria-label="检查检验列表">
        <div className="filters no-print">
          <div className="seg" role="group" aria-label="类别">
            {(['all', 'exam', 'lab'] as const).map((k) => (
              <button key={k} aria-pressed={kind === k} onClick={() => setKind(k)}>{k === 'all' ? '全部' : k === 'exam' ? '检查' : '检验'}</button>
            ))}
          </div>
          <select aria-label="检查类型" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">全部类型</option>
            {types.map((t) => <option key={t}>{t}</option>)}
          </select>
          <select aria-label="医院" value={hospital} onChange={(e) => setHospital(e.target.value)}>
            <option value="">全部医院</option>
            {hospitals.map((h) => <option key={h}>{h}</option>)}
          </select>
          <label>从 <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
          <label>至 <input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></label>
          {!nosearch && <input type="search" placeholder="搜索项目或医院" value={keyword} onChange={(e) => setKeyword(e.target.value)} aria-label="搜索" />}
        </div>
        {shown.length === 0 ? (
          <p className="empty">{entries.length === 0 ? '该患者在本区域暂无检查检验记录。' : '没有符合筛选条件的记录。'}</p>
        ) : (
          <ol className="timeline" tabIndex={0} onKeyDown={onKey} aria-label="时间轴">
            {shown.map((e) => {
              const key = `${e.kind}:${e.id}`;
              return (
                <li key={key}>
                  <button className={`entry ${key === selected ? 'selected' : ''}`} aria-current={key === selected} onClick={() => setSelected(key)} data-testid={`entry-${e.kind}`}>
                    <span className="date">{e.date}</span>
                    <span className={`type type-${e.kind}`}>{e.type}</span>
                    <span className="title">
                      {e.title}
                      {e.critical && <span className="tag danger">危急</span>}
                      {e.positive && <span className="tag warn">阳性</span>}
                      {!!e.abnormal && <span className="tag warn">异常 {e.abnormal}</span>}
                      {e.hasImages && <span className="tag">影像</span>}
                    </span>
                    <span className="hospital">{e.hospital}</span>
                  </button>
                </li>
              );
            })}
          </ol>
        )}
      </section>
      <section className="record-detail" aria-label="详情">
        {current ? (
          current.kind === 'exam' ? (
            <ExamDetail key={selected} id={current.id} sessionRef={sessionRef} patientName={patientName} compare={compare} />
          ) : (
            <LabDetail key={selected} id={current.id} sessionRef={sessionRef} patientName={patientName} />
          )
        ) : (
          <p className="empty">请选择左侧的一条记录。</p>
        )}
      </section>
    </div>
  );
}
