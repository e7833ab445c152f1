// Runs once when the server starts: check the keys and open the database (applying migrations)
// before the first request, so a broken configuration stops the server with a clear message
// instead of answering 500s.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  const { db, describeUrl } = await import('./lib/db');
  const { config } = await import('./lib/config');
  const { checkPiiKeys } = await import('./lib/crypto/pii');
  try {
    checkPiiKeys();
  } catch (e) {
    console.error(`\n[yingyun] 密钥配置错误 Bad key configuration: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const where = config.databaseUrl ? describeUrl(config.databaseUrl) : `PGlite ${config.pgliteDir}`;
  try {
    const { migrations, prisma } = await db();
    console.log(`[yingyun] database ${where}: ${migrations.applied.length} migrations (${migrations.newlyApplied.length} new)`);
    const recovered = await (await import('./lib/domain/blob-recovery')).recoverBlobs(prisma);
    if (recovered.committed + recovered.dropped) console.log(`[yingyun] file store recovered after an interrupted write: ${recovered.committed} completed, ${recovered.dropped} dropped`);
  } catch (e) {
    console.error(`\n[yingyun] 无法打开数据库 Cannot open the database (${where}):\n  ${(e as Error).message}\n`);
    process.exit(1);
  }
}
