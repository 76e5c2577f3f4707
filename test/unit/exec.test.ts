import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { argument, commandFailed, runProgram } from '../../src/drivers/exec/index.js';
import { BackendError } from '../../src/errors/index.js';

describe('drivers/exec', () => {
  test('runs with argv and stdin, and reports a non-zero exit without throwing', async () => {
    const result = await runProgram({
      program: 'sh',
      args: ['-c', 'cat; echo "$0" >&2; exit 3', 'a; rm -rf /'],
      input: 'secret\n',
      timeoutMs: 5000,
    });
    assert.equal(result.stdout, 'secret\n');
    assert.equal(result.stderr, 'a; rm -rf /\n');
    assert.equal(result.exitCode, 3);
    const failure = commandFailed({ program: 'sh' }, result);
    assert.equal(failure.extensions.code, 'BACKEND_FAILED');
    assert.equal(failure.extensions.exitCode, 3);
    assert.equal(failure.extensions.commandError, 'a; rm -rf /');
  });

  test('a missing program is BACKEND_UNAVAILABLE, a hanging one BACKEND_TIMEOUT', async () => {
    await assert.rejects(
      runProgram({ program: 'cloudfed-no-such-program', args: [], timeoutMs: 5000 }),
      (error: BackendError) => {
        assert.equal(error.extensions.code, 'BACKEND_UNAVAILABLE');
        assert.equal(error.extensions.reason, 'PROGRAM_NOT_FOUND');
        return true;
      },
    );
    const started = Date.now();
    await assert.rejects(
      runProgram({ program: 'sleep', args: ['30'], timeoutMs: 200 }),
      (error: BackendError) => {
        assert.equal(error.extensions.code, 'BACKEND_TIMEOUT');
        return true;
      },
    );
    assert.ok(Date.now() - started < 5000);
  });

  test('arguments never start with "-" and must match their pattern', () => {
    assert.equal(argument('gv1', /^[a-z0-9]+$/, 'volume name'), 'gv1');
    assert.throws(() => argument('-rf', /^.*$/, 'volume name'), /Refusing volume name/);
    assert.throws(() => argument('a b', /^[a-z]+$/, 'volume name'), /Refusing/);
  });
});
