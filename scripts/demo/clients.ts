// The demo's integration clients, with the specs' published test keys so the seeds' example
// links verify. Real deployments set their own keys with `npm run keys`.
import { generateKeyPairSync } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { saveClient } from '../../lib/links/clients';
import type { RegionPlan } from './region';

export const DEMO_KEYS = {
  idcas: { clientKey: 'yz-idcas', desKey: 'eWorldTomTaw#7=*', desIv: 'TomTaw#7', md5Key: 'TomtawMD5Key' },
  /** seed 001 §6.2.4: the channel example's key and IV (the IV as verified, 16 characters). */
  neijiang57120003: { aesKey: 'qkzdcsilusqgph37', aesIv: '2rthacazxph2qtkt', accessKey: 'testhan8ity79hd', secret: 'yz-demo-secret-57120003' },
  xiamen: { clientKey: 'c883333f-f0dd-4548-acb7-065719423239', secret: 'key' },
};

/** Per-hospital Neijiang keys for the other demo hospitals (fixed, so links stay reproducible). */
export function neijiangKeysFor(code: string) {
  if (code === '57120003') return DEMO_KEYS.neijiang57120003;
  const k = `yz${code}`.padEnd(16, 'k').slice(0, 16).toLowerCase();
  return { aesKey: k, aesIv: `iv${code}`.padEnd(16, 'v').slice(0, 16).toLowerCase(), accessKey: `yz-nj-${code}`, secret: `yz-demo-secret-${code}` };
}

export async function loadDemoClients(prisma: PrismaClient, plan: RegionPlan): Promise<void> {
  const hospitals = plan.organizations.filter((o) => o.kind === 'HOSPITAL').map((o) => o.code);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  await saveClient(prisma, {
    dialect: 'IDCAS',
    name: '云州区域影像云 IDCAS 接入（演示）',
    clientKey: DEMO_KEYS.idcas.clientKey,
    orgCodes: hospitals,
    desKey: DEMO_KEYS.idcas.desKey,
    desIv: DEMO_KEYS.idcas.desIv,
    md5Key: DEMO_KEYS.idcas.md5Key,
    secret: 'yz-idcas-client-secret',
    rsaPrivateKey: rsa.privateKey,
    rsaPublicKey: rsa.publicKey,
    acceptStaleExamples: true,
  });
  for (const code of hospitals) {
    const k = neijiangKeysFor(code);
    await saveClient(prisma, {
      dialect: 'NEIJIANG',
      name: `${plan.organizations.find((o) => o.code === code)!.name}（内江接口演示）`,
      clientKey: k.accessKey,
      orgCodes: [code],
      aesKey: k.aesKey,
      aesIv: k.aesIv,
      secret: k.secret,
      acceptStaleExamples: code === '57120003',
    });
  }
  await saveClient(prisma, {
    dialect: 'XIAMEN',
    name: '厦门 IDCAS 页面接入（演示）',
    clientKey: DEMO_KEYS.xiamen.clientKey,
    orgCodes: hospitals,
    secret: DEMO_KEYS.xiamen.secret,
    acceptStaleExamples: true,
  });
}
