/** GlusterVolume.optionValues reads the source's option values, one call per option asked, for every volume at once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { graphql } from 'graphql';
import { importNodes } from '../../src/drivers/embedded/nodes.import.js';
import { Store } from '../../src/drivers/embedded/store.js';
import { EmbeddedVolumes } from '../../src/drivers/embedded/volumes.js';
import { importVolumes } from '../../src/drivers/embedded/volumes.import.js';
import { SYSTEM } from '../../src/identity/index.js';
import { createRequestContext } from '../../src/subgraphs/kit/index.js';
import { buildVolumesSubgraph, type VolumesSource } from '../../src/subgraphs/volumes/index.js';

test('optionValues: batched per option, defaults for unset options, one named option', async () => {
  const store = new Store(':memory:');
  importNodes(store, {
    nodes: [{ name: 'h1' }],
    glusterPeers: [{ hostname: 'h1', uuid: '5d1a9ad3-3b5a-4a7e-9a4c-0f3f1f6f8d11', self: true }],
  });
  importVolumes(store, {
    glusterVolumes: [
      { name: 'a', bricks: ['h1:/b/a'], options: { 'nfs.disable': 'off' } },
      { name: 'b', bricks: ['h1:/b/b'] },
      { name: 'c', bricks: ['h1:/b/c'] },
    ],
  });
  const calls: unknown[][] = [];
  const inner = new EmbeddedVolumes(store);
  const source = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'glusterOptionValues') {
        return (...args: unknown[]) => (calls.push(args), value.apply(target, args));
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as VolumesSource;
  const { schema } = buildVolumesSubgraph({ volumes: source });
  const result = await graphql({
    schema,
    source: `{ glusterVolumes { nodes { name nfs: optionValues(name: "nfs.disable") { name value } all: optionValues { name value } } } }`,
    contextValue: createRequestContext(SYSTEM),
  });
  assert.equal(result.errors, undefined);
  const volumes = (result.data as any).glusterVolumes.nodes;
  assert.deepEqual(
    volumes.map((volume: any) => [volume.name, volume.nfs[0].value]),
    [
      ['a', 'off'],
      ['b', 'on'],
      ['c', 'on'],
    ],
  );
  assert.ok(volumes[0].all.length > 10);
  assert.deepEqual(
    calls
      .map(([names, option]) => [[...(names as string[])].sort(), option])
      .sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
    [
      [['a', 'b', 'c'], 'nfs.disable'],
      [['a', 'b', 'c'], null],
    ],
  );
});
