/** The Gluster REST API's historical listener over HTTPS (compat/gluster-rest.md §2). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/cloudfed.js';

const dir = mkdtempSync(join(tmpdir(), 'cloudfed-gluster-tls-'));
let server: TestServer;
let listener: URL;

before(async () => {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(made.status, 0, made.stderr);
  server = await startTestServer({
    demo: false,
    config: {
      shims: {
        gluster: { authEnabled: false, listener: { port: 0, host: '127.0.0.1', tls: { cert, key } } },
      },
    },
  });
  listener = new URL(
    server.app.shimListeners.find((line) => line.startsWith('gluster: '))!.slice('gluster: '.length),
  );
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: listener.hostname, port: listener.port, path, method: 'GET', rejectUnauthorized: false },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('HTTPS listener: / redirects to https://<host>/v1/doc, /v1/ answers, other paths get the 404 envelope', async () => {
  assert.equal(listener.protocol, 'https:');
  const root = await get('/');
  assert.equal(root.status, 302);
  assert.equal(root.headers.location, `https://${listener.host}/v1/doc`);
  const volumes = await get('/v1/volumes');
  assert.equal(volumes.body, '{"output": [], "errno": 0, "error": ""}');
  const other = await get('/api/v1');
  assert.equal(other.status, 404);
  assert.equal(other.body, '{"errno": -1, "output": "", "error": "Not Found"}');
});
