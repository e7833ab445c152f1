// Runs once when the server starts: check the keys and open the database (applying migrations)
// before the first request, so a broken configuration stops the server with a clear message
// instead of answering 500s. Then the file store finishes what a crash interrupted; its problems
// are reported as the file store's and do not stop the server (the next sweep tries again).
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
  let prisma: Awaited<ReturnType<typeof db>>['prisma'];
  try {
    const opened = await db();
    prisma = opened.prisma;
    console.log(`[yingyun] database ${where}: ${opened.migrations.applied.length} migrations (${opened.migrations.newlyApplied.length} new)`);
  } catch (e) {
    console.error(`\n[yingyun] 无法打开数据库 Cannot open the database (${where}):\n  ${(e as Error).message}\n`);
    process.exit(1);
  }
  try {
    const named = await (await import('./lib/dicom/person-name')).backfillPersonNames(prisma);
    if (named) console.log(`[yingyun] patient names of ${named} earlier studies indexed for PatientName searches`);
  } catch (e) {
    console.error(`[yingyun] 患者姓名索引未完成 Indexing earlier studies' patient names failed (tried again at the next start): ${(e as Error).message}`);
  }
  const { recoverBlobs, describeRecovery, scheduleBlobRecovery } = await import('./lib/domain/blob-recovery');
  try {
    const line = describeRecovery(await recoverBlobs(prisma));
    if (line) console.log(line);
  } catch (e) {
    console.error(`\n[yingyun] 文件存储恢复失败 File store recovery failed (file:${config.blobDir}), starting anyway:\n  ${(e as Error).message}\n`);
  }
  scheduleBlobRecovery(prisma);
}
