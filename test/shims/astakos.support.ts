/** Test data and a raw HTTP client for the Astakos shim tests (compat/astakos.md §9). */
import { request as httpRequest } from 'node:http';

export const U1 = 'a9dc21d2-bcb2-4104-9a9e-402b7c70d6d8';
export const U2 = 'ff53baa9-c025-4d56-a6e3-963db0438830';
export const T1 = 'T1-0ZsEkHm8ruJ3l8Dkll9sTg==';
export const T2 = 'T2-user2-token';
export const C1 = 'C1-cyclades-token';
export const T_INACTIVE = 'T-inactive';
export const T_EXPIRED = 'T-expired';
export const T_TERMS = 'T-pending-terms';
export const C_EXPIRED = 'C-expired-pithos';

/** U1 of the checklist, a second user, and one user per 401 condition; three components. */
export const ASTAKOS_DATA = `
realms:
  - id: '1'
    name: Astakos
    default: true
users:
  - id: ${U1}
    numericId: 12
    username: user@example.com
    realName: Firstname Lastname
    groups: [default]
    token: '${T1}'
    tokenExpires: 2030-01-01T00:00:00Z
  - id: ${U2}
    numericId: 13
    username: user2@example.com
    realName: Second User
    groups: [default, staff]
    token: ${T2}
    tokenExpires: 2030-06-01T12:30:00.250Z
  - id: 11111111-1111-4111-8111-111111111111
    numericId: 20
    username: inactive@example.com
    active: false
    token: ${T_INACTIVE}
    tokenExpires: 2030-01-01T00:00:00Z
  - id: 22222222-2222-4222-8222-222222222222
    numericId: 21
    username: expired@example.com
    token: ${T_EXPIRED}
    tokenExpires: 2020-01-01T00:00:00Z
  - id: 33333333-3333-4333-8333-333333333333
    numericId: 22
    username: terms@example.com
    termsAccepted: false
    token: ${T_TERMS}
    tokenExpires: 2030-01-01T00:00:00Z
components:
  - name: astakos
    url: https://accounts.example.synnefo.org/ui
    services:
      - name: astakos_account
        type: account
        endpoints:
          - versionId: v1.0
            publicURL: https://accounts.example.synnefo.org/account/v1.0
      - name: astakos_weblogin
        type: astakos_weblogin
        endpoints:
          - versionId: ''
            publicURL: https://accounts.example.synnefo.org/astakos/weblogin
  - name: cyclades
    url: https://cyclades.example.synnefo.org/ui
    token: ${C1}
    tokenExpires: 2030-01-01T00:00:00Z
    services:
      - name: cyclades_compute
        type: compute
        endpoints:
          - versionId: v2.0
            publicURL: https://cyclades.example.synnefo.org/compute/v2.0
  - name: pithos
    url: https://pithos.example.synnefo.org/ui
    token: ${C_EXPIRED}
    tokenExpires: 2020-01-01T00:00:00Z
`;

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request with exactly the given headers (no added Accept or Content-Type). A string body
 * gets a Content-Length unless `chunked`; `Host` defaults to cloud.example.org.
 */
export function raw(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {},
): Promise<RawReply> {
  const url = new URL(base);
  const headers: Record<string, string> = { host: 'cloud.example.org', ...(options.headers ?? {}) };
  if (options.chunked) headers['transfer-encoding'] = 'chunked';
  else if (options.body !== undefined && !Object.keys(headers).some((h) => /^content-length$/i.test(h)))
    headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers, setHost: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

export const fault = (name: string, code: number, message: string) =>
  `{"${name}": {"message": "${message}", "code": ${code}, "details": ""}}`;

export const xmlFault = (name: string, code: number, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${name} xmlns="http://docs.openstack.org/identity/api/v2.0" code="${code}">\n  <message>${message}</message>\n  <details></details>\n</${name}>\n`;
