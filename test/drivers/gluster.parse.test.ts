/** The Gluster driver's pure XML parsers on outputs captured from a real glusterd, and its CLI error mapping. */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  GlusterCli,
  glusterVolumes,
  parseCliOutput,
  parsePeers,
  parseRebalanceStatus,
  parseVolumeGet,
  parseVolumeInfo,
  parseVolumeStatusDetail,
  splitBrick,
} from '../../src/drivers/gluster/index.js';
import type { VolumesSource } from '../../src/subgraphs/volumes/index.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/gluster/${name}`, import.meta.url), 'utf8');
const SELF = '46feb51b-f6d5-4de3-b62f-f169ea08f1ee';

describe('Gluster XML parsers (captured outputs)', () => {
  test('volume info of a created volume', () => {
    const [volume, ...rest] = parseVolumeInfo(fixture('volume-info-created.xml'));
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { ...volume, options: volume!.options.map((option) => option.name) },
      {
        name: 'gv1',
        uuid: '84682097-a8f7-4b20-8924-d6d6baf166e4',
        status: 'Created',
        type: 'Distribute',
        brickCount: 2,
        distributeCount: 2,
        stripeCount: 1,
        replicaCount: 1,
        arbiterCount: 0,
        disperseCount: 0,
        redundancyCount: 0,
        transport: 'tcp',
        bricks: [
          { host: 'vm', path: '/tmp/gprobe/bricks/b1', peerUuid: SELF, node: null },
          { host: 'vm', path: '/tmp/gprobe/bricks/b2', peerUuid: SELF, node: null },
        ],
        options: ['storage.fips-mode-rchecksum', 'transport.address-family', 'nfs.disable'],
      },
    );
  });

  test('volume info of a started volume with reconfigured options, in volume order', () => {
    const [volume] = parseVolumeInfo(fixture('volume-info-started.xml'));
    assert.equal(volume!.status, 'Started');
    assert.deepEqual(volume!.options, [
      { name: 'cluster.min-free-disk', value: '20%' },
      { name: 'performance.readdir-ahead', value: 'off' },
      { name: 'storage.fips-mode-rchecksum', value: 'on' },
      { name: 'transport.address-family', value: 'inet' },
      { name: 'nfs.disable', value: 'on' },
    ]);
  });

  test('volume info with no volumes, and of an unknown volume (opRet -1 with exit status 0)', () => {
    assert.deepEqual(parseVolumeInfo(fixture('volume-info-empty.xml')), []);
    const missing = parseCliOutput(fixture('volume-info-missing.xml'));
    assert.equal(missing.opRet, -1);
    assert.equal(missing.opErrstr, 'Volume does not exist');
    assert.deepEqual(parseVolumeInfo(fixture('volume-info-missing.xml')), []);
  });

  test('volume status detail', () => {
    const bricks = parseVolumeStatusDetail(fixture('volume-status-detail.xml'));
    assert.equal(bricks.length, 2);
    assert.deepEqual(bricks[0], {
      volume: 'gv1',
      host: 'vm',
      path: '/tmp/gprobe/bricks/b1',
      online: true,
      pid: '12507',
      tcpPort: '59544',
      rdmaPort: 'N/A',
      sizeTotal: '270553174016',
      sizeFree: '245722337280',
      device: '/dev/vda',
      blockSize: '4096',
      mntOptions: 'rw,relatime,discard,resv_strict,resuid=65534,resgid=65534',
      fsName: 'ext4',
    });
    const notStarted = parseCliOutput(fixture('volume-status-not-started.xml'));
    assert.equal(notStarted.opErrstr, 'Volume gv2 is not started');
    assert.deepEqual(parseVolumeStatusDetail(fixture('volume-status-not-started.xml')), []);
  });

  test('volume get: one option, all options (defaults unmarked), an unknown option', () => {
    assert.deepEqual(parseVolumeGet(fixture('volume-get-one.xml')), [
      { name: 'performance.readdir-ahead', value: 'off' },
    ]);
    const all = parseVolumeGet(fixture('volume-get-all.xml'));
    assert.equal(all.length, 342);
    assert.deepEqual(all.slice(0, 3), [
      { name: 'cluster.lookup-unhashed', value: 'on' },
      { name: 'cluster.lookup-optimize', value: 'on' },
      { name: 'cluster.min-free-disk', value: '20%' },
    ]);
    assert.ok(
      all.some((option) => option.name === 'cluster.subvols-per-directory' && option.value === '(null)'),
    );
    // An empty default is printed as " (DEFAULT)".
    assert.ok(all.some((option) => option.name === 'performance.cache-priority' && option.value === ''));
    assert.ok(all.every((option) => !option.value.includes('(DEFAULT)')));
    const unknown = parseCliOutput(fixture('volume-get-unknown.xml'));
    assert.equal(unknown.opRet, -1);
    assert.equal(unknown.output, 'volume get option: failed: Did you mean nfs.drc-size or ...mem-factor?');
    assert.deepEqual(parseVolumeGet(fixture('volume-get-unknown.xml')), []);
  });

  test('rebalance status, and a volume never rebalanced', () => {
    assert.deepEqual(parseRebalanceStatus(fixture('rebalance-status.xml')), {
      taskId: '9a3733da-3b9c-495c-8423-4ed5fe4864c3',
      opType: 'STATUS',
      nodes: [
        {
          nodeName: 'localhost',
          id: SELF,
          files: '0',
          size: '0',
          lookups: '0',
          failures: '0',
          skipped: '0',
          status: 'completed',
          runtime: '0.00',
        },
      ],
      aggregate: {
        files: '0',
        size: '0',
        lookups: '0',
        failures: '0',
        skipped: '0',
        status: 'completed',
        runtime: '0.00',
      },
    });
    assert.equal(parseRebalanceStatus(fixture('rebalance-status-none.xml')), null);
  });

  test('pool list and peer status', () => {
    assert.deepEqual(parsePeers(fixture('pool-list.xml'), fixture('peer-status.xml')), [
      { uuid: SELF, hostname: 'localhost', connected: true, state: 'Peer in Cluster', isSelf: true },
    ]);
    const pool = `<?xml version="1.0"?><cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr/><peerStatus>
      <peer><uuid>b</uuid><hostname>h2</hostname><connected>0</connected></peer>
      <peer><uuid>a</uuid><hostname>localhost</hostname><connected>1</connected></peer></peerStatus></cliOutput>`;
    const status = `<?xml version="1.0"?><cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr/><peerStatus>
      <peer><uuid>b</uuid><hostname>h2</hostname><connected>0</connected><state>3</state><stateStr>Peer in Cluster</stateStr></peer></peerStatus></cliOutput>`;
    assert.deepEqual(parsePeers(pool, status), [
      { uuid: 'a', hostname: 'localhost', connected: true, state: 'Peer in Cluster', isSelf: true },
      { uuid: 'b', hostname: 'h2', connected: false, state: 'Peer in Cluster', isSelf: false },
    ]);
  });

  test('entities are not expanded; malformed XML is an error', () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "EXPANDED">]><cliOutput><opRet>0</opRet><volInfo><volumes><volume><name>&e;</name><statusStr>Created</statusStr></volume></volumes></volInfo></cliOutput>`;
    const [volume] = parseVolumeInfo(xml);
    assert.notEqual(volume!.name, 'EXPANDED');
    assert.throws(() => parseCliOutput('not xml at all'), /cliOutput/);
  });

  test('bricks split before ":/" (IPv6 hosts)', () => {
    assert.deepEqual(splitBrick('fe80::1:/bricks/b1'), { host: 'fe80::1', path: '/bricks/b1' });
    assert.deepEqual(splitBrick('h1:/b'), { host: 'h1', path: '/b' });
  });
});

describe('Gluster CLI calls (stand-in program printing captured outputs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cloudfed-gluster-standin-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const standIn = (stdout: string, stderr: string, status: number) => {
    const program = join(dir, `gluster-${Math.random().toString(36).slice(2)}`);
    writeFileSync(join(`${program}.out`), stdout);
    writeFileSync(join(`${program}.err`), stderr);
    writeFileSync(
      program,
      `#!/bin/sh\necho "$@" >> '${program}.argv'\ncat '${program}.out'\ncat '${program}.err' >&2\nexit ${status}\n`,
    );
    chmodSync(program, 0o755);
    return program;
  };
  const options = (program: string) => ({ driver: 'gluster' as const, program, timeoutSeconds: 10 });

  test('an XML read whose opRet is -1 fails with COMMAND_FAILED although the exit status is 0', async () => {
    const program = standIn(fixture('volume-info-missing.xml'), '', 0);
    await assert.rejects(new GlusterCli(options(program)).xml(['volume', 'info', 'gv9']), (error: any) => {
      assert.equal(error.extensions.code, 'BACKEND_FAILED');
      assert.equal(error.extensions.reason, 'COMMAND_FAILED');
      assert.equal(error.extensions.exitCode, 1);
      assert.equal(error.extensions.commandError, 'Volume does not exist');
      return true;
    });
    assert.equal(readFileSync(`${program}.argv`, 'utf8'), '--mode=script volume info gv9 --xml\n');
  });

  test('a change passes the CLI text through; a failure keeps the exit status and stderr', async () => {
    for (const [file, text] of [
      ['start.txt', 'volume start: gv1: success'],
      ['stop.txt', 'volume stop: gv1: success'],
      ['delete.txt', 'volume delete: gv1: success'],
    ] as const) {
      const cli = new GlusterCli(options(standIn(fixture(file), '', 0)));
      assert.deepEqual(await cli.text(['volume', 'x', 'gv1']), { output: text });
    }
    const failing = new GlusterCli(options(standIn('', fixture('start-missing.err'), 1)));
    await assert.rejects(failing.text(['volume', 'start', 'gv9']), (error: any) => {
      assert.equal(error.extensions.exitCode, 1);
      assert.equal(error.extensions.commandError, 'volume start: gv9: failed: Volume gv9 does not exist');
      return true;
    });
    const rebalance = new GlusterCli(options(standIn(fixture('rebalance-start.txt'), '', 0)));
    assert.match(
      (await rebalance.text(['volume', 'rebalance', 'gv1', 'start'])).output!,
      /^volume rebalance: gv1: success: .*\nID: 9a3733da/s,
    );
  });

  test('unsafe arguments are refused before the program runs', async () => {
    const program = standIn('', '', 0);
    const source = glusterVolumes(new GlusterCli(options(program)), {} as VolumesSource, options(program));
    for (const attempt of [
      () => source.setGlusterVolumeStarted('-rf', true, false),
      () => source.deleteGlusterVolume('a;b'),
      () => source.setGlusterVolumeOptions('gv1', [{ name: '--help', value: 'x' }]),
      () => source.setGlusterVolumeOptions('gv1', [{ name: 'nfs.disable', value: '-on' }]),
      () => source.resetGlusterVolumeOption('../x', 'all', false),
      () =>
        source.createGlusterVolume({
          name: 'gv1',
          type: 'Distribute',
          distributeCount: 1,
          stripeCount: 1,
          replicaCount: 1,
          arbiterCount: 0,
          disperseCount: 0,
          redundancyCount: 0,
          transport: 'tcp',
          bricks: [{ host: '-h', path: '/b', peerUuid: null }],
          force: false,
        }),
    ]) {
      await assert.rejects(attempt(), (error: any) => error.extensions.reason === 'UNSAFE_ARGUMENT');
    }
    assert.throws(() => readFileSync(`${program}.argv`, 'utf8'), /ENOENT/);
  });
});
