import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ERROR_CODES } from '../../src/errors/index.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === '__generated__' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('error registry', () => {
  test('every code is described', () => {
    for (const [code, description] of Object.entries(ERROR_CODES)) {
      assert.match(code, /^[A-Z_]+$/);
      assert.ok(description.length > 20, `${code} needs a description`);
    }
  });

  test('every code the code base raises is registered', () => {
    const used = new Set<string>();
    for (const file of [...sourceFiles('src'), ...sourceFiles('gateway')]) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/new (?:CloudfedError|BackendError)\(\s*'([A-Z_]+)'/g))
        used.add(match[1]!);
      for (const match of text.matchAll(/\bcode: '([A-Z_]+)'/g)) used.add(match[1]!);
      for (const match of text.matchAll(/graphqlError\([^)]*, '([A-Z_]+)'\)/g)) used.add(match[1]!);
    }
    assert.ok(used.size >= 5, 'the scan finds the codes in use');
    const unregistered = [...used].filter((code) => !Object.hasOwn(ERROR_CODES, code));
    assert.deepEqual(unregistered, []);
  });
});
