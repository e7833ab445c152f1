export default function Forbidden() {
  return (
    <main className="error-page">
      <h1>无权访问</h1>
      <p className="muted">当前会话无权查看该资料。</p>
      <p className="code">403</p>
    </main>
  );
}
