// Integration clients and their keys:
//   npm run keys -- list
//   npm run keys -- set <IDCAS|NEIJIANG|XIAMEN|JILIN|MEDINS> <clientKey> [options]
//     --name 名称  --orgs 2470,57120003  --secret S  --des-key K --des-iv IV  --md5-key K  --aes-key K --aes-iv IV
//     --rsa generate|<private key PEM file>  --sm2 generate  --window <seconds>
//     --one-time on|off  --strict on|off  --stale-examples on|off  --plain-qr on|off  --enabled on|off
//     --scopes h5,idcas-api,dicomweb-read,dicomweb-write,jilin-api   (what its access tokens may be granted)
//   npm run keys -- revoke-tokens <dialect> <clientKey>   (ends every live access token of the client)
// Secrets are stored sealed; `list` never prints them. With the embedded PGlite database, stop the
// server first (one process at a time); with PostgreSQL (DATABASE_URL) it can run any time.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import smCrypto from 'sm-crypto';
import type { Dialect } from '@prisma/client';
import { revokeAccessTokens } from '../lib/auth/access-tokens';
import { parseScopeList } from '../lib/auth/scopes';
import { openDatabase } from '../lib/db';
import { saveClient, type ClientInput } from '../lib/links/clients';

const DIALECTS = ['IDCAS', 'NEIJIANG', 'XIAMEN', 'JILIN', 'MEDINS'] as const;

function options(args: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('--')) throw new Error(`unexpected argument ${args[i]}`);
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${args[i]} needs a value`);
    m.set(args[i].slice(2), v);
    i++;
  }
  return m;
}

function onOff(v: string | undefined, name: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'on' || v === 'true') return true;
  if (v === 'off' || v === 'false') return false;
  throw new Error(`--${name} takes on or off`);
}

export function clientInput(dialect: Dialect, clientKey: string, o: Map<string, string>): ClientInput {
  const known = new Set(['name', 'orgs', 'secret', 'des-key', 'des-iv', 'md5-key', 'aes-key', 'aes-iv', 'rsa', 'sm2', 'window', 'one-time', 'strict', 'stale-examples', 'plain-qr', 'enabled', 'scopes']);
  for (const k of o.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}`);
  const input: ClientInput = {
    dialect,
    clientKey,
    name: o.get('name'),
    orgCodes: o.get('orgs')?.split(',').map((s) => s.trim()).filter(Boolean),
    secret: o.get('secret'),
    desKey: o.get('des-key'),
    desIv: o.get('des-iv'),
    md5Key: o.get('md5-key'),
    aesKey: o.get('aes-key'),
    aesIv: o.get('aes-iv'),
    oneTimeSignatures: onOff(o.get('one-time'), 'one-time'),
    strictLinks: onOff(o.get('strict'), 'strict'),
    acceptStaleExamples: onOff(o.get('stale-examples'), 'stale-examples'),
    allowPlainQr: onOff(o.get('plain-qr'), 'plain-qr'),
    enabled: onOff(o.get('enabled'), 'enabled'),
    scopes: o.has('scopes') ? parseScopeList(o.get('scopes')!) : undefined,
  };
  if (input.desIv !== undefined && Buffer.byteLength(input.desIv) !== 8) throw new Error('--des-iv must be 8 bytes');
  if (input.aesKey !== undefined && Buffer.byteLength(input.aesKey) !== 16) throw new Error('--aes-key must be 16 bytes');
  if (input.aesIv !== undefined && Buffer.byteLength(input.aesIv) !== 16) throw new Error('--aes-iv must be 16 bytes');
  const window = o.get('window');
  if (window !== undefined) {
    if (!/^\d+$/.test(window)) throw new Error('--window takes seconds');
    input.clockWindowSeconds = Number(window);
  }
  const rsa = o.get('rsa');
  if (rsa === 'generate') {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    input.rsaPrivateKey = pair.privateKey;
    input.rsaPublicKey = pair.publicKey;
  } else if (rsa) {
    const pem = fs.readFileSync(rsa, 'utf8');
    input.rsaPrivateKey = createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString();
    input.rsaPublicKey = createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
  }
  if (o.get('sm2') === 'generate') {
    const pair = smCrypto.sm2.generateKeyPairHex();
    input.sm2PrivateKey = pair.privateKey;
    input.sm2PublicKey = pair.publicKey;
  } else if (o.has('sm2')) throw new Error('--sm2 takes generate');
  return input;
}

async function main() {
  const [command, dialectArg, clientKey, ...rest] = process.argv.slice(2);
  const { prisma, sql } = await openDatabase();
  try {
    if (command === 'list' || command === undefined) {
      const rows = await prisma.integrationClient.findMany({ include: { organizations: { select: { code: true } } }, orderBy: [{ dialect: 'asc' }, { id: 'asc' }] });
      for (const c of rows) {
        const has = [c.secretCipher && 'secret', c.desKeyCipher && '3DES', c.md5KeyCipher && 'MD5', c.aesKeyCipher && 'AES', c.rsaPublicKey && 'RSA', c.sm2PublicKey && 'SM2'].filter(Boolean).join(',');
        console.log(`${c.dialect.padEnd(9)} ${c.clientKey.padEnd(38)} ${c.enabled ? '' : '(disabled) '}${c.name} · orgs ${c.organizations.map((o) => o.code).join(',') || '—'} · keys ${has || '—'} · window ${c.clockWindowSeconds}s${c.oneTimeSignatures ? ' · one-time' : ''}${c.strictLinks ? ' · strict' : ''}${c.acceptStaleExamples ? ' · accepts seed examples' : ''}${c.allowPlainQr ? ' · plain QR' : ''} · scopes ${c.scopes.join(',') || '—'}`);
      }
      return;
    }
    if ((command !== 'set' && command !== 'revoke-tokens') || !clientKey) throw new Error('usage: npm run keys -- list | set <dialect> <clientKey> [options] | revoke-tokens <dialect> <clientKey>');
    const dialect = dialectArg?.toUpperCase() as Dialect;
    if (!DIALECTS.includes(dialect as (typeof DIALECTS)[number])) throw new Error(`dialect must be one of ${DIALECTS.join(', ')}`);
    if (command === 'revoke-tokens') {
      const c = await prisma.integrationClient.findUnique({ where: { dialect_clientKey: { dialect, clientKey } } });
      if (!c) throw new Error(`no ${dialect} client ${clientKey}`);
      console.log(`revoked ${await revokeAccessTokens(prisma, { clientId: c.id })} access token(s) of ${dialect} client ${clientKey}`);
      return;
    }
    const saved = await saveClient(prisma, clientInput(dialect, clientKey, options(rest)));
    console.log(`saved ${saved.dialect} client ${saved.clientKey} (id ${saved.id}) for ${saved.orgCodes.join(',') || 'no organization yet'} · scopes ${saved.scopes.join(',') || '—'}`);
    if (saved.rsaPublicKey && rest.includes('--rsa')) console.log(`RSA public key (give to the HIS vendor):\n${saved.rsaPublicKey}`);
    if (saved.sm2PublicKey && rest.includes('--sm2')) console.log(`SM2 public key: ${saved.sm2PublicKey}`);
  } finally {
    await prisma.$disconnect();
    await sql.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`[keys] ${(e as Error).message}`);
    process.exit(1);
  });
}
