'use client';
// Confirmed and suspected repeats, each openable in place.
import { useState } from 'react';
import { ExamDetail, LabDetail } from './Details';

export interface ReminderRow {
  kind: 'exam' | 'lab';
  id: number;
  match: 'confirmed' | 'suspected';
  date: string;
  orgName: string;
  itemName: string;
  bodyPart: string | null;
  modality: string | null;
  summary: string;
}

export default function ReminderList({ rows, sessionRef, patientName }: { rows: ReminderRow[]; sessionRef: string; patientName: string }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <ol className="reminder-list">
      {rows.map((r) => {
        const key = `${r.kind}:${r.id}`;
        return (
          <li key={key} data-testid={`repeat-${r.match}`}>
            <div className="reminder-row">
              <span className={`tag ${r.match === 'confirmed' ? 'danger' : 'warn'}`}>{r.match === 'confirmed' ? '重复' : '疑似重复'}</span>
              <span className="date">{r.date}</span>
              <span>{r.orgName}</span>
              <strong>{r.itemName}</strong>
              {r.bodyPart && <span className="muted">部位：{r.bodyPart}</span>}
              <span className="summary">{r.summary}</span>
              <button onClick={() => setOpen(open === key ? null : key)} aria-expanded={open === key}>{open === key ? '收起' : '查看'}</button>
            </div>
            {open === key && (r.kind === 'exam' ? <ExamDetail id={r.id} sessionRef={sessionRef} patientName={patientName} /> : <LabDetail id={r.id} sessionRef={sessionRef} patientName={patientName} />)}
          </li>
        );
      })}
    </ol>
  );
}
