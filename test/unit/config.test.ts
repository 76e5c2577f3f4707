import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('configuration', () => {
  test('defaults apply with no file and an empty environment', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.server.port, 4000);
    assert.equal(config.server.host, '127.0.0.1');
    assert.equal(config.store.path, './data/cloudfed.db');
    assert.equal(config.store.demo, true);
    assert.equal(config.drivers.vms.driver, 'embedded');
  });

  test('the environment overrides the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloudfed-config-'));
    const file = join(dir, 'cloudfed.yaml');
    writeFileSync(file, 'server:\n  port: 5000\nstore:\n  path: /tmp/x.db\n');
    const config = loadConfig({
      env: { CLOUDFED_CONFIG: file, CLOUDFED_PORT: '6000', CLOUDFED_DEMO: '0', CLOUDFED_HOST: '0.0.0.0' },
    });
    assert.equal(config.server.port, 6000);
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(config.store.path, '/tmp/x.db');
    assert.equal(config.store.demo, false);
  });

  test('every unknown or bad key is named in one message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloudfed-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'server:\n  port: seventy\n  colour: blue\ndrivers:\n  vms:\n    driver: vmware\nextra: 1\n',
    );
    assert.throws(
      () => loadConfig({ file, env: {} }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /server\.port: /);
        assert.match(error.message, /server\.colour: unknown key/);
        assert.match(error.message, /drivers\.vms\.driver: /);
        assert.match(error.message, /extra: unknown key/);
        return true;
      },
    );
  });

  test('bad environment values and unreadable files are clear errors', () => {
    assert.throws(
      () => loadConfig({ env: { CLOUDFED_PORT: 'http' } }),
      /CLOUDFED_PORT must be a whole number/,
    );
    assert.throws(() => loadConfig({ env: { CLOUDFED_DEMO: 'maybe' } }), /CLOUDFED_DEMO must be/);
    assert.throws(
      () => loadConfig({ file: '/nonexistent/cloudfed.yaml', env: {} }),
      /cannot read \/nonexistent/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'cloudfed-config-'));
    const file = join(dir, 'list.yaml');
    writeFileSync(file, '- a\n- b\n');
    assert.throws(() => loadConfig({ file, env: {} }), /mapping at the top level/);
  });
});
