import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  hashToken,
  secretsEqual,
  signPrincipal,
  verifyPrincipal,
  type Principal,
} from '../../src/identity/index.js';

const alice: Principal = {
  kind: 'user',
  id: 'a9dc21d2',
  name: 'alice@example.com',
  admin: false,
  groups: ['teachers'],
};
const secret = 'x'.repeat(40);

describe('principal header', () => {
  test('a signed principal verifies and round-trips', () => {
    const header = signPrincipal(alice, secret);
    assert.deepEqual(verifyPrincipal(header, secret, 60), { ok: true, principal: alice });
  });

  test('another secret, a changed payload or a changed signature is refused', () => {
    const header = signPrincipal(alice, secret);
    assert.deepEqual(verifyPrincipal(header, 'y'.repeat(40), 60), { ok: false, reason: 'bad-signature' });
    const [payload, mac] = header.split('.') as [string, string];
    const admin = Buffer.from(
      JSON.stringify({ p: { ...alice, admin: true }, iat: Math.floor(Date.now() / 1000) }),
    ).toString('base64url');
    assert.deepEqual(verifyPrincipal(`${admin}.${mac}`, secret, 60), { ok: false, reason: 'bad-signature' });
    const flipped = mac.slice(0, -2) + (mac.endsWith('AA') ? 'AB' : 'AA');
    assert.deepEqual(verifyPrincipal(`${payload}.${flipped}`, secret, 60), {
      ok: false,
      reason: 'bad-signature',
    });
  });

  test('a stale or malformed header is refused', () => {
    const old = signPrincipal(alice, secret, Date.now() - 120_000);
    assert.deepEqual(verifyPrincipal(old, secret, 60), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyPrincipal('garbage', secret, 60), { ok: false, reason: 'malformed' });
    assert.deepEqual(verifyPrincipal('.x', secret, 60), { ok: false, reason: 'malformed' });
  });
});

describe('secrets', () => {
  test('compare equal only when equal', () => {
    assert.equal(secretsEqual('abc123def', 'abc123def'), true);
    assert.equal(secretsEqual('abc', 'abc123def'), false);
    assert.equal(secretsEqual('', 'abc123def'), false);
    assert.equal(secretsEqual('abc123deg', 'abc123def'), false);
  });

  test('tokens are stored as a one-way hash', () => {
    assert.match(hashToken('t'), /^[0-9a-f]{64}$/);
    assert.notEqual(hashToken('t1'), hashToken('t2'));
  });
});
