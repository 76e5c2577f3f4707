/** The LUKSctl shim's pure parts: Flask-compact JSON, the Vault URL allow-list, target addresses, config. */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import {
  asciiString,
  flaskJson,
  isJsonContentType,
  targetAddress,
  vaultUrlAllowed,
} from '../../src/shims/luksctl/index.js';

describe('LUKSctl shim helpers', () => {
  test('Flask compact JSON: sorted keys, ASCII-escaped strings, trailing newline', () => {
    assert.equal(flaskJson({ volume_state: 'mounted' }), '{"volume_state":"mounted"}\n');
    assert.equal(
      flaskJson({ volume_state: 'unavailable', stderr: 'b', output: 'a' }),
      '{"output":"a","stderr":"b","volume_state":"unavailable"}\n',
    );
    // Python's json.dumps(ensure_ascii=True) of the same strings.
    assert.equal(
      asciiString('a/b"\\\n\r\t\b\f\u0001\u007f é€😀'),
      '"a/b\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u007f \\u00e9\\u20ac\\ud83d\\ude00"',
    );
  });

  test('JSON media types', () => {
    for (const yes of [
      'application/json',
      'Application/JSON; charset=utf-8',
      'application/vnd.api+json',
      ' application/json ;x=y',
    ])
      assert.ok(isJsonContentType(yes), yes);
    for (const no of [
      undefined,
      '',
      'text/plain',
      'application/jsonx',
      'application/+json',
      'text/json',
      'application/x+json/y',
    ])
      assert.ok(!isJsonContentType(no), String(no));
  });

  test('Vault URL allow-list: https only without one; same origin and a path prefix at a segment boundary with one', () => {
    assert.ok(vaultUrlAllowed('https://vault.example.org:8200', []));
    assert.ok(!vaultUrlAllowed('http://vault.example.org:8200', []));
    assert.ok(!vaultUrlAllowed('https://u:p@vault.example.org', []));
    assert.ok(!vaultUrlAllowed('vault.example.org', []));
    const list = ['https://vault.example.org:8200/', 'http://10.1.0.9:8200/team-a'];
    assert.ok(vaultUrlAllowed('https://vault.example.org:8200', list));
    assert.ok(vaultUrlAllowed('https://vault.example.org:8200/', list));
    assert.ok(!vaultUrlAllowed('https://vault.example.org', list));
    assert.ok(!vaultUrlAllowed('https://vault.example.org.evil.net:8200', list));
    assert.ok(vaultUrlAllowed('http://10.1.0.9:8200/team-a/', list));
    assert.ok(!vaultUrlAllowed('http://10.1.0.9:8200/team-ab', list));
    assert.ok(!vaultUrlAllowed('https://10.1.0.9:8200/team-a', list));
  });

  test('target address: Host without port, IPv6 literals without brackets, or the local address', () => {
    const request = (host: string | undefined, localAddress = '::ffff:10.0.0.5') =>
      ({
        headers: host === undefined ? {} : { host },
        socket: { localAddress },
      }) as unknown as IncomingMessage;
    assert.equal(targetAddress(request('10.0.0.5:5000'), 'host'), '10.0.0.5');
    assert.equal(targetAddress(request('vm5.example.org'), 'host'), 'vm5.example.org');
    assert.equal(targetAddress(request('[fd00::5]:5000'), 'host'), 'fd00::5');
    assert.equal(targetAddress(request('[fd00::5]'), 'host'), 'fd00::5');
    assert.equal(targetAddress(request('fd00::5'), 'host'), 'fd00::5');
    assert.equal(targetAddress(request(undefined), 'host'), '');
    assert.equal(targetAddress(request('ignored'), 'localAddress'), '10.0.0.5');
    assert.equal(targetAddress(request('ignored', 'fd00::5'), 'localAddress'), 'fd00::5');
  });

  test('configuration: defaults, and bad values named', () => {
    const config = parseConfig({});
    assert.equal(config.shims.luksctl.enabled, true);
    assert.equal(config.shims.luksctl.listener, undefined);
    assert.deepEqual(config.drivers.volumes, {
      driver: 'embedded',
      vault: { tlsVerify: true, timeoutMs: 10000 },
    });
    const luks = parseConfig({
      drivers: { volumes: { encrypted: { driver: 'luks' } } },
      shims: { luksctl: { listener: {} } },
    });
    assert.equal(luks.drivers.volumes.encrypted?.luksctl, 'luksctl');
    assert.deepEqual(luks.shims.luksctl.listener, { port: 5000, host: '127.0.0.1' });
    for (const [bad, key] of [
      [{ shims: { luksctl: { clientNetworks: ['10.0.0.0/33'] } } }, 'shims.luksctl.clientNetworks.0'],
      [{ shims: { luksctl: { vaultUrls: ['ftp://vault'] } } }, 'shims.luksctl.vaultUrls.0'],
      [{ shims: { luksctl: { target: { defaultVolume: '-x' } } } }, 'shims.luksctl.target.defaultVolume'],
      [
        { drivers: { volumes: { encrypted: { driver: 'luks', luksctl: '-oX' } } } },
        'drivers.volumes.encrypted.luksctl',
      ],
      [
        { drivers: { volumes: { encrypted: { driver: 'luks', postOpen: { nfsService: 'nfs;reboot' } } } } },
        'drivers.volumes.encrypted.postOpen.nfsService',
      ],
      [
        { drivers: { volumes: { encrypted: { driver: 'luks', ssh: { user: 'root' } } } } },
        'drivers.volumes.encrypted.ssh.keyFile',
      ],
      [{ drivers: { volumes: { vault: { tlsVerify: 'no' } } } }, 'drivers.volumes.vault.tlsVerify'],
    ] as const) {
      assert.throws(
        () => parseConfig(bad),
        (error: unknown) => error instanceof ConfigError && error.message.includes(key),
        key,
      );
    }
  });
});
