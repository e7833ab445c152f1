'use client';
// The detail of one exam (report, images, PDF) or lab test (results with reference ranges).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import ImageViewerClient from '@/components/viewer/ImageViewerClient';
import { getJson, type ExamDetailData, type LabDetailData } from './api';

function Loading() {
  return <div className="detail-state" role="status">加载中…</div>;
}
function Failed({ error }: { error: Error }) {
  return <div className="detail-state error" role="alert">{error.message}</div>;
}

export function ExamDetail({ id, sessionRef, patientName, compare }: { id: number; sessionRef: string; patientName: string; compare?: { studyInstanceUid: string; label: string }[] }) {
  const q = useQuery({ queryKey: ['exam', id], queryFn: () => getJson<ExamDetailData>(`/api/view/exams/${id}?vs=${sessionRef}`, sessionRef) });
  const [tab, setTab] = useState<'report' | 'images' | 'pdf'>('report');
  if (q.isPending) return <Loading />;
  if (q.isError) return <Failed error={q.error} />;
  const e = q.data;
  return (
    <div className="detail" data-testid="exam-detail">
      <div className="tabs no-print" role="tablist">
        <button role="tab" aria-selected={tab === 'report'} onClick={() => setTab('report')}>报告</button>
        <button role="tab" aria-selected={tab === 'images'} onClick={() => setTab('images')} disabled={!e.studies.length}>影像{e.studies.length ? '' : '（无）'}</button>
        {e.pdf && <button role="tab" aria-selected={tab === 'pdf'} onClick={() => setTab('pdf')}>PDF 报告单</button>}
        <button className="print" onClick={() => window.print()}>打印</button>
      </div>
      {tab === 'report' && (
        <article className="report" aria-label="检查报告">
          <header className="report-head">
            <h2>{e.hospital.name}</h2>
            <div className="report-title">
              {e.modality === 'US' ? '超声检查报告' : e.modality === 'ES' ? '内镜检查报告' : '医学影像检查报告'}
              {e.critical && <span className="tag danger">危急值</span>}
              {e.positive && <span className="tag warn">阳性</span>}
              {e.interim && <span className="tag">临时报告</span>}
            </div>
          </header>
          <dl className="report-meta">
            <div><dt>姓名</dt><dd>{patientName}</dd></div>
            <div><dt>检查号</dt><dd>{e.accessionNumber}</dd></div>
            <div><dt>检查项目</dt><dd>{e.itemName}</dd></div>
            <div><dt>检查部位</dt><dd>{e.bodyPart ?? '—'}</dd></div>
            <div><dt>申请科室</dt><dd>{e.applyDept ?? '—'}</dd></div>
            <div><dt>检查时间</dt><dd>{e.performedAt || '—'}</dd></div>
          </dl>
          <h3>检查所见</h3>
          <p className="report-text" data-testid="report-findings">{e.findings || '（无）'}</p>
          <h3>诊断意见</h3>
          <p className="report-text" data-testid="report-impression">{e.impression || '（无）'}</p>
          {e.critical && e.criticalNote && <p className="critical-note">危急值：{e.criticalNote}</p>}
          <footer className="report-foot">
            <span>报告医师：{e.reportDoctor ?? '—'}</span>
            <span>审核医师：{e.auditDoctor ?? '—'}</span>
            <span>审核时间：{e.auditedAt || e.reportedAt || '—'}</span>
          </footer>
        </article>
      )}
      {tab === 'images' && (
        <div className="detail-images">
          <ImageViewerClient studies={e.studies} sessionRef={sessionRef} patientName={patientName} compareStudies={compare?.filter((s) => !e.studies.some((x) => x.studyInstanceUid === s.studyInstanceUid))} />
        </div>
      )}
      {tab === 'pdf' && e.pdf && <iframe className="pdf" src={e.pdf} title="PDF 报告单" />}
    </div>
  );
}

const FLAG: Record<string, { mark: string; cls: string }> = { H: { mark: '↑', cls: 'high' }, L: { mark: '↓', cls: 'low' }, A: { mark: '异常', cls: 'high' }, N: { mark: '', cls: '' } };

export function LabDetail({ id, sessionRef, patientName }: { id: number; sessionRef: string; patientName: string }) {
  const q = useQuery({ queryKey: ['lab', id], queryFn: () => getJson<LabDetailData>(`/api/view/labs/${id}?vs=${sessionRef}`, sessionRef) });
  if (q.isPending) return <Loading />;
  if (q.isError) return <Failed error={q.error} />;
  const l = q.data;
  const abnormal = l.items.filter((i) => i.flag !== 'N').length;
  return (
    <article className="report lab" data-testid="lab-detail" aria-label="检验报告">
      <header className="report-head">
        <h2>{l.hospital.name}</h2>
        <div className="report-title">检验报告单 · {l.itemName}</div>
      </header>
      <dl className="report-meta">
        <div><dt>姓名</dt><dd>{patientName}</dd></div>
        <div><dt>标本号</dt><dd>{l.accessionNumber}</dd></div>
        <div><dt>标本</dt><dd>{l.sampleType ?? '—'}</dd></div>
        <div><dt>采样时间</dt><dd>{l.sampledAt || '—'}</dd></div>
        <div><dt>报告时间</dt><dd>{l.reportedAt || '—'}</dd></div>
        <div><dt>异常项</dt><dd>{abnormal ? `${abnormal} 项` : '无'}</dd></div>
      </dl>
      <table className="lab-table">
        <thead><tr><th>项目</th><th>结果</th><th></th><th>单位</th><th>参考范围</th></tr></thead>
        <tbody>
          {l.items.map((i) => (
            <tr key={i.code} className={FLAG[i.flag]?.cls} data-testid="lab-item">
              <td>{i.name}</td><td>{i.result}</td><td className="flag">{FLAG[i.flag]?.mark}</td><td>{i.unit ?? ''}</td><td>{i.refRange ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <footer className="report-foot"><span>检验者：{l.reportDoctor ?? '—'}</span><span>审核者：{l.auditDoctor ?? '—'}</span></footer>
    </article>
  );
}
