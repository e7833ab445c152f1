import { prisma } from '@/lib/db';
import { demoLinks, demoLinksEnabled } from '@/lib/demo/links';
import { regionOverview } from '@/lib/domain/region';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const region = await regionOverview();
  const links = demoLinksEnabled() ? await demoLinks(await prisma()) : [];
  return (
    <main className="page">
      <h1>影云 Yingyun · 区域医学影像云</h1>
      <p className="muted">
        医院 HIS/EMR 一键调阅患者在全区域各医院的检查、检验报告与 DICOM 影像；开单前提醒重复检查；医生对外院结果确认互认；
        患者扫描报告单二维码在手机上查看报告与云胶片；每一次调阅与互认均留痕。
      </p>

      <section className="card">
        <h2>本区域数据</h2>
        <div className="grid">
          <Stat label="医疗机构" value={region.organizations.length} />
          <Stat label="患者" value={region.patients} />
          <Stat label="检查" value={region.exams} />
          <Stat label="检验" value={region.labTests} />
          <Stat label="DICOM 影像" value={region.instances} />
          <Stat label="互认项目" value={region.standardItems} />
        </div>
      </section>

      <section className="card">
        <h2>医疗机构</h2>
        {region.organizations.length === 0 ? (
          <p className="muted">尚未导入数据。运行 <code>npm run demo</code> 载入演示区域。</p>
        ) : (
          <table>
            <thead>
              <tr><th>机构代码</th><th>名称</th><th>等级</th><th>检查</th><th>检验</th></tr>
            </thead>
            <tbody>
              {region.organizations.map((o) => (
                <tr key={o.code}>
                  <td><code>{o.code}</code></td><td>{o.name}</td><td>{o.grade ?? '—'}</td><td>{o.exams}</td><td>{o.labTests}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {links.length > 1 && (
        <section className="card" aria-label="演示链接">
          <h2>演示链接</h2>
          <p className="muted">用演示密钥现签的链接，10 分钟内有效；刷新本页即得新链接。规范原文示例链接长期有效（演示机构已开通）。</p>
          <ul>
            {links.slice(1).map((l) => (
              <li key={l.label}><a href={l.url} data-testid="demo-link">{l.label}</a></li>
            ))}
          </ul>
        </section>
      )}

      <section className="card">
        <h2>入口</h2>
        <ul>
          <li>临床调阅、检查报告、重复检查提醒、检查互认：由 HIS 以签名链接打开（演示链接由 <code>npm run demo</code> 打印）。</li>
          <li>患者扫码查看报告与影像：<code>/dimage/index.html</code>。</li>
          <li>系统状态：<a href="/api/health">/api/health</a></li>
        </ul>
      </section>
    </main>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <div className="muted">{label}</div>
      <div style={{ fontSize: '1.6rem', fontWeight: 600 }}>{value.toLocaleString('zh-CN')}</div>
    </div>
  );
}
