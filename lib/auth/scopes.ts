// What an access token may do. A token carries scopes (space-separated, as in OAuth); each
// integration client lists the scopes it may be granted; the grant decides which of those a token
// gets. A token that opens the patients' H5 pages (a user's) can call no API, and an API token
// (a system's) opens no H5 page: an H5 link puts its token in a URL, where it leaks.
import type { Dialect } from '@prisma/client';

export const TOKEN_SCOPES = ['h5', 'dicomweb-read', 'dicomweb-write', 'idcas-api', 'jilin-api'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Every scope but h5: what systems use. */
export const API_SCOPES: readonly TokenScope[] = TOKEN_SCOPES.filter((s) => s !== 'h5');

/**
 * What a new client of each dialect may be granted unless `npm run keys -- set … --scopes` says
 * otherwise (the migration that introduced scopes gave existing clients the same).
 */
export const DEFAULT_CLIENT_SCOPES: Record<Dialect, TokenScope[]> = {
  IDCAS: ['h5', 'idcas-api', 'dicomweb-read', 'dicomweb-write'],
  JILIN: ['jilin-api', 'dicomweb-read', 'dicomweb-write'],
  NEIJIANG: ['dicomweb-read', 'dicomweb-write'],
  MEDINS: ['dicomweb-read', 'dicomweb-write'],
  XIAMEN: ['dicomweb-read', 'dicomweb-write'],
  DICOMWEB: ['dicomweb-read', 'dicomweb-write'],
};

export class ScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScopeError';
  }
}

export function isTokenScope(s: string): s is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(s);
}

/** Scope names as given (comma- or space-separated); an unknown name is an error, not ignored. */
export function parseScopeList(text: string): TokenScope[] {
  const names = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  const unknown = names.filter((n) => !isTokenScope(n));
  if (unknown.length) throw new ScopeError(`unknown scope ${unknown.join(', ')} (known: ${TOKEN_SCOPES.join(', ')})`);
  return names as TokenScope[];
}

/** A stored token's scopes; no value (a token issued before scopes existed) grants nothing. */
export function storedScopes(scope: string | null): TokenScope[] {
  return (scope ?? '').split(' ').filter(isTokenScope);
}

/**
 * The scopes a token may carry: asked for, all allowed for its client, and never h5 together with
 * an API scope.
 */
export function checkScopes(asked: readonly TokenScope[], allowed: readonly TokenScope[]): TokenScope[] {
  if (!asked.length) throw new ScopeError('a token needs at least one scope');
  if (asked.includes('h5') && asked.some((s) => s !== 'h5')) throw new ScopeError('h5 cannot be combined with an API scope in one token');
  const refused = asked.filter((s) => !allowed.includes(s));
  if (refused.length) throw new ScopeError(`the client may not be granted ${refused.join(', ')}`);
  return [...new Set(asked)];
}

/**
 * The OAuth grants and the scopes each gives: client_credentials (a system) → the client's API
 * scopes, never h5; password (a patient or user signing in) → h5 only. `asked` narrows the result
 * (the request's `scope` parameter); asking for more than the grant gives is refused.
 */
export function grantScopes(grant: 'client_credentials' | 'password', allowed: readonly TokenScope[], asked?: readonly TokenScope[]): TokenScope[] {
  const given: TokenScope[] = grant === 'password' ? allowed.filter((s) => s === 'h5') : allowed.filter((s) => s !== 'h5');
  if (!asked?.length) {
    if (!given.length) throw new ScopeError(`the client may not use the ${grant} grant`);
    return [...given];
  }
  const refused = asked.filter((s) => !given.includes(s));
  if (refused.length) throw new ScopeError(`the ${grant} grant does not give ${refused.join(', ')}`);
  return checkScopes(asked, allowed);
}
