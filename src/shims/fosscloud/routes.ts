/**
 * The route table of the vm-manager API: path normalisation and the six patterns of the
 * original Yii URL rules, with the query-string merging of its request parameters.
 */

export type FosscloudAction = 'login' | 'realms' | 'list' | 'assign' | 'mappingList' | 'mappingAssign';

export interface FosscloudRoute {
  action: FosscloudAction;
  /** The request's realm (path, else query string), or null when it names none. */
  realm: string | null;
  type: string | null;
  pool: string | null;
  /** A MAC address given in the request (path or query string), or null. */
  mac: string | null;
}

/**
 * Each pattern, and which parameters the query string may supply: a parameter comes from the
 * query string only when the path has neither its segment nor any later optional segment.
 */
const ROUTES: readonly { action: FosscloudAction; pattern: RegExp; fromQuery: readonly (keyof Params)[] }[] =
  [
    { action: 'login', pattern: /^api\/user\/login(\/realm\/(?<realm>\w+))?$/, fromQuery: ['realm'] },
    { action: 'realms', pattern: /^api\/server\/realms(\/realm\/(?<realm>\w+))?$/, fromQuery: ['realm'] },
    {
      action: 'list',
      pattern: /^api\/vm\/list(\/(?<type>\w+))?(\/realm\/(?<realm>\w+))?$/,
      fromQuery: ['type', 'realm'],
    },
    {
      action: 'assign',
      pattern: /^api\/vm\/assign\/(?<pool>[^/]+)(\/realm\/(?<realm>\w+))?$/,
      fromQuery: ['realm'],
    },
    {
      action: 'mappingList',
      pattern: /^api\/vm\/mapping\/list(\/(?<mac>[^/]+))?(\/realm\/(?<realm>\w+))?$/,
      fromQuery: ['mac', 'realm'],
    },
    {
      action: 'mappingAssign',
      pattern: /^api\/vm\/mapping\/assign\/(?<pool>[^/]+)(\/(?<mac>[^/]+))?(\/realm\/(?<realm>\w+))?$/,
      fromQuery: ['mac', 'realm'],
    },
  ];

interface Params {
  type: string | undefined;
  realm: string | undefined;
  mac: string | undefined;
}

/** Order of the optional segments in the patterns: a later one present blocks earlier ones. */
const SEGMENT_ORDER: readonly (keyof Params)[] = ['type', 'mac', 'realm'];

/**
 * Matches a request URL (path and query) under `/vm-manager/`; null when no pattern matches or
 * the path cannot be decoded.
 */
export function matchRoute(url: string): FosscloudRoute | null {
  const question = url.indexOf('?');
  const rawPath = question < 0 ? url : url.slice(0, question);
  const query = new URLSearchParams(question < 0 ? '' : url.slice(question + 1));
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (!path.startsWith('/vm-manager/')) return null;
  path = path.slice('/vm-manager/'.length).replace(/^\/+/, '').replace(/\/+$/, '');
  if (path.endsWith('.html')) path = path.slice(0, -'.html'.length);
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    const groups = match.groups ?? {};
    const params: Params = { type: groups.type, realm: groups.realm, mac: groups.mac };
    for (const name of route.fromQuery) {
      const later = SEGMENT_ORDER.slice(SEGMENT_ORDER.indexOf(name));
      if (later.some((segment) => groups[segment] !== undefined)) continue;
      const value = query.get(name);
      if (value !== null) params[name] = value;
    }
    return {
      action: route.action,
      realm: params.realm ?? null,
      type: params.type ?? null,
      pool: groups.pool ?? null,
      mac: params.mac ?? null,
    };
  }
  return null;
}
