'use client';
// Each recognisable result with its decision: 互认, or 不互认 with one of the six reasons; 引用
// marks it quoted into the HIS. Decisions are written through /api/view/recognition-marks.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ExamDetail, LabDetail } from './Details';

export interface RecognitionRow {
  kind: 'exam' | 'lab';
  id: number;
  date: string;
  orgName: string;
  itemName: string;
  standardItems: string;
  validUntil: string;
  summary: string;
  decision?: { recognized: boolean; reasonText: string | null; quoted: boolean; at: string };
}

async function post(sessionRef: string, body: object) {
  const res = await fetch(`/api/view/recognition-marks?vs=${sessionRef}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-view-session': sessionRef }, body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(json.error ?? `保存失败（${res.status}）`);
  return json as { recognized: boolean; reasonText: string | null; quoted: boolean; at: string };
}

function Row({ row, sessionRef, patientName, reasons }: { row: RecognitionRow; sessionRef: string; patientName: string; reasons: Record<number, string> }) {
  const [decision, setDecision] = useState(row.decision);
  const [reason, setReason] = useState('');
  const [quoted, setQuoted] = useState(false);
  const [open, setOpen] = useState(false);
  const save = useMutation({
    mutationFn: (recognized: boolean) => post(sessionRef, { kind: row.kind, id: row.id, recognized, reasonCode: recognized || !reason ? null : Number(reason), quoted }),
    onSuccess: (d) => setDecision({ ...d, at: new Date(d.at).toLocaleString('zh-CN') }),
  });
  return (
    <li className="recognition-row" data-testid="recognisable">
      <div className="reminder-row">
        <span className="date">{row.date}</span>
        <span>{row.orgName}</span>
        <strong>{row.itemName}</strong>
        <span className="muted">互认项目：{row.standardItems}（有效至 {row.validUntil}）</span>
        <button onClick={() => setOpen(!open)} aria-expanded={open}>{open ? '收起报告' : '查看报告'}</button>
      </div>
      <p className="summary">{row.summary}</p>
      {open && (row.kind === 'exam' ? <ExamDetail id={row.id} sessionRef={sessionRef} patientName={patientName} /> : <LabDetail id={row.id} sessionRef={sessionRef} patientName={patientName} />)}
      {decision ? (
        <p className={`decision ${decision.recognized ? 'ok' : 'no'}`} data-testid="decision">
          {decision.recognized ? '已互认' : `不互认：${decision.reasonText}`}
          {decision.quoted ? ' · 已引用' : ''}
          <span className="muted"> · {decision.at}</span>
        </p>
      ) : (
        <div className="decide no-print">
          <label><input type="checkbox" checked={quoted} onChange={(e) => setQuoted(e.target.checked)} /> 引用至院内系统</label>
          <button className="primary" onClick={() => save.mutate(true)} disabled={save.isPending}>互认</button>
          <select value={reason} onChange={(e) => setReason(e.target.value)} aria-label="不互认原因">
            <option value="">选择不互认原因…</option>
            {Object.entries(reasons).map(([code, text]) => <option key={code} value={code}>{code}. {text}</option>)}
          </select>
          <button onClick={() => save.mutate(false)} disabled={save.isPending}>不互认</button>
          {save.isError && <span className="error" role="alert">{save.error.message}</span>}
        </div>
      )}
    </li>
  );
}

export default function RecognitionBoard({ rows, sessionRef, patientName, reasons }: { rows: RecognitionRow[]; sessionRef: string; patientName: string; reasons: Record<number, string> }) {
  return (
    <ol className="recognition-list">
      {rows.map((r) => <Row key={`${r.kind}:${r.id}`} row={r} sessionRef={sessionRef} patientName={patientName} reasons={reasons} />)}
    </ol>
  );
}
