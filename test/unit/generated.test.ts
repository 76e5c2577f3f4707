import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { generate } from '@graphql-codegen/cli';
import { composeGraph, GENERATED_HEADER } from '../../src/compose/index.js';
import { buildSubgraphs, inertSources } from '../../src/subgraphs/index.js';

// Generated files are committed; these tests fail when the code moved on without them.
describe('generated files', () => {
  test('schema/*.graphql match the subgraph code (npm run compose)', () => {
    const graph = composeGraph(buildSubgraphs(inertSources()));
    const expected: Record<string, string> = {
      'supergraph.graphql': graph.supergraphSdl,
      'api.graphql': graph.apiSdl,
      ...Object.fromEntries(Object.entries(graph.subgraphSdl).map(([name, sdl]) => [`${name}.graphql`, sdl])),
    };
    for (const [file, sdl] of Object.entries(expected)) {
      const committed = readFileSync(`schema/${file}`, 'utf8');
      assert.equal(
        committed,
        `${GENERATED_HEADER}${sdl.trimEnd()}\n`,
        `schema/${file} is out of date: run npm run compose`,
      );
    }
  });

  test('the shims’ typed documents match their operations (npm run codegen)', async () => {
    const outputs = (await generate(
      { ...(await import('yaml')).parse(readFileSync('codegen.yml', 'utf8')), silent: true },
      false,
    )) as {
      filename: string;
      content: string;
    }[];
    assert.ok(outputs.length > 0);
    for (const output of outputs) {
      assert.equal(
        readFileSync(output.filename, 'utf8'),
        output.content,
        `${output.filename} is out of date: run npm run codegen`,
      );
    }
  });
});
