// What a verified link opened: who, for which patient, which exams and lab tests. The
// clinician, viewer and mobile pages build on this until their own screens replace it.
import type { ViewSession } from '@prisma/client';
import { prisma } from '@/lib/db';
import { sessionOverview } from '@/lib/domain/scope-data';
import type { StoredContext } from '@/lib/sessions';
import { formatChinaDate, formatChinaDateTime } from '@/lib/time';

const SEX = { M: '男', F: '女', O: '未知' } as const;
const VIEWER = { CLINICIAN: '医生', PATIENT: '患者', CLIENT: '接入系统' } as const;

export default async function VerifiedContext({ session, title }: { session: ViewSession; title: string }) {
  const ctx = session.context as unknown as StoredContext;
  const data = await sessionOverview(await prisma(), session);
  return (
    <main className="page">
      <h1>{title}</h1>
      <section className="card" aria-label="调阅信息">
        <div className="grid">
          <div><div className="muted">调阅方</div>{VIEWER[session.viewerKind]} {ctx.caller.orgCode ? `· 机构 ${ctx.caller.orgCode}` : ''} {ctx.caller.workNo ? `· 工号 ${ctx.caller.workNo}` : ''}</div>
          <div><div className="muted">接口</div>{session.dialect} · {session.page}</div>
          <div><div className="muted">有效期至</div>{formatChinaDateTime(session.expiresAt)}</div>
        </div>
      </section>
      {data === null ? (
        <p className="card">未找到患者资料。</p>
      ) : (
        <>
          <section className="card" aria-label="患者">
            <h2 data-testid="patient-name">{data.patient.maskedName}</h2>
            <div className="muted">
              {SEX[data.patient.sex]} · 出生日期 {formatChinaDate(data.patient.birthDate)} · 身份证 <span data-testid="patient-id-card">{data.patient.idCard || '—'}</span>
            </div>
          </section>
          <section className="card" aria-label="检查">
            <h2>检查（{data.exams.length}）</h2>
            {data.exams.length === 0 ? <p className="muted">无检查记录。</p> : (
              <table>
                <thead><tr><th>检查日期</th><th>医院</th><th>类型</th><th>检查项目</th><th>检查号</th></tr></thead>
                <tbody>
                  {data.exams.map((e) => (
                    <tr key={e.id} data-testid="exam-row">
                      <td>{formatChinaDate(e.performedAt)}</td><td>{e.organization.name}</td><td>{e.modality}</td><td>{e.itemName}</td><td><code>{e.accessionNumber}</code></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card" aria-label="检验">
            <h2>检验（{data.labs.length}）</h2>
            {data.labs.length === 0 ? <p className="muted">无检验记录。</p> : (
              <table>
                <thead><tr><th>报告日期</th><th>医院</th><th>检验项目</th><th>标本号</th></tr></thead>
                <tbody>
                  {data.labs.map((l) => (
                    <tr key={l.id} data-testid="lab-row"><td>{formatChinaDate(l.reportedAt)}</td><td>{l.organization.name}</td><td>{l.itemName}</td><td><code>{l.accessionNumber}</code></td></tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </main>
  );
}
