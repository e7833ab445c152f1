export default function Unauthorized() {
  return (
    <main className="error-page">
      <h1>会话无效或已过期</h1>
      <p className="muted">请从 HIS 系统或报告单二维码重新打开。</p>
      <p className="code">401</p>
    </main>
  );
}
