/**
 * The `gluster` driver: the volumes domain's Gluster volumes and the nodes domain's peers on a
 * real trusted pool, through `gluster --mode=script …` run by drivers/exec (argv arrays, validated
 * arguments that never start with `-`, a timeout on every call). Reads ask for `--xml` and are
 * parsed by the pure parsers of `parse.ts`; changes run in text mode so the CLI's own message
 * (`volume start: gv1: success`, or its error text) reaches the client, as the original passed it
 * on. Everything else of the two domains (Ceph, LUKS, hypervisor nodes) stays with `base`.
 */
import { hostname as localHostname } from 'node:os';
import type { GlusterDriverOptions } from '../../config/gluster.js';
import { argument, commandFailed, runProgram, type ProgramResult } from '../exec/index.js';
import type {
  CommandOutcome,
  GlusterOptionRecord,
  GlusterPeerInfo,
  GlusterRebalanceOp,
  GlusterVolumeRecord,
  NewGlusterVolume,
  NodeBrickRecord,
  VolumesSource,
} from '../../subgraphs/volumes/index.js';
import type { GlusterPeerRecord, NodesSource } from '../../subgraphs/nodes/index.js';
import {
  parseCliOutput,
  parsePeers,
  parseRebalanceStatus,
  parseVolumeGet,
  parseVolumeInfo,
  parseVolumeStatusDetail,
} from './parse.js';

export {
  parseCliOutput,
  parsePeers,
  parseRebalanceStatus,
  parseVolumeGet,
  parseVolumeInfo,
  parseVolumeStatusDetail,
  splitBrick,
  GlusterXmlError,
} from './parse.js';

/** Volume names as glusterd accepts them. */
export const VOLUME_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
/** Host names and IPv4/IPv6 addresses. */
export const HOST = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/;
/** `host:/absolute/path` with a conservative path alphabet. */
export const BRICK = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}:\/[A-Za-z0-9._/@+-]{0,4000}$/;
/** Option keys (`performance.readdir-ahead`). */
export const OPTION_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Option values: printable, bounded (never an option of the CLI: no leading `-`). */
export const OPTION_VALUE = /^[^\x00-\x1f\x7f]{1,1024}$/;

/** Runs the Gluster CLI. */
export class GlusterCli {
  private readonly timeoutMs: number;

  constructor(private readonly options: GlusterDriverOptions) {
    this.timeoutMs = options.timeoutSeconds * 1000;
  }

  private async run(
    args: readonly string[],
    xml: boolean,
  ): Promise<{ result: ProgramResult; label: string }> {
    const argv = [
      '--mode=script',
      ...(this.options.remoteHost
        ? [`--remote-host=${argument(this.options.remoteHost, HOST, 'host')}`]
        : []),
      ...args,
      ...(xml ? ['--xml'] : []),
    ];
    const label = `gluster ${args.join(' ')}`;
    const result = await runProgram({
      program: this.options.program,
      args: argv,
      timeoutMs: this.timeoutMs,
      label,
    });
    return { result, label };
  }

  /** A read in XML mode; a failure (non-zero exit or `opRet` ≠ 0) becomes COMMAND_FAILED. */
  async xml(args: readonly string[]): Promise<string> {
    const { result, label } = await this.run(args, true);
    let opRet = 0;
    let reason = '';
    try {
      const parsed = parseCliOutput(result.stdout);
      opRet = parsed.opRet;
      reason = parsed.opErrstr || parsed.output;
    } catch {
      opRet = result.exitCode === 0 ? 0 : -1;
    }
    if (result.exitCode !== 0 || opRet !== 0) {
      throw commandFailed(
        { program: 'gluster', label },
        { ...result, exitCode: result.exitCode || 1 },
        reason || undefined,
      );
    }
    return result.stdout;
  }

  /** A change in text mode: the CLI's message on success, its error text (exit status kept) on failure. */
  async text(args: readonly string[]): Promise<CommandOutcome> {
    const { result, label } = await this.run(args, false);
    if (result.exitCode !== 0) throw commandFailed({ program: 'gluster', label }, result);
    return { output: result.stdout.trim() || null };
  }
}

const volumeName = (name: string) => argument(name, VOLUME_NAME, 'volume name');

/** The Gluster half of the volumes source, over `base` for the rest. */
export function glusterVolumes(
  cli: GlusterCli,
  base: VolumesSource,
  options: GlusterDriverOptions,
): VolumesSource {
  const withNodes = async (volumes: GlusterVolumeRecord[]): Promise<GlusterVolumeRecord[]> => {
    const hosts = [...new Set(volumes.flatMap((volume) => volume.bricks.map((brick) => brick.host)))];
    const known = new Set(hosts.length ? await base.existingNodes(hosts) : []);
    return volumes.map((volume) => ({
      ...volume,
      bricks: volume.bricks.map((brick) => ({ ...brick, node: known.has(brick.host) ? brick.host : null })),
    }));
  };
  const list = async () =>
    withNodes(
      parseVolumeInfo(await cli.xml(['volume', 'info'])).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      ),
    );

  const gluster: Partial<VolumesSource> = {
    listGlusterVolumes: list,
    async getGlusterVolumes(names) {
      const wanted = new Set(names);
      return (await list()).filter((volume) => wanted.has(volume.name));
    },
    async glusterBrickStatus(volumes) {
      const wanted = new Set(volumes);
      if (wanted.size === 0) return [];
      const report = parseVolumeStatusDetail(await cli.xml(['volume', 'status', 'all', 'detail']));
      return report.filter((brick) => wanted.has(brick.volume));
    },
    async glusterBricksOnNodes(nodes) {
      const wanted = new Set(nodes);
      const out: NodeBrickRecord[] = [];
      for (const volume of await list()) {
        for (const brick of volume.bricks) {
          if (brick.node && wanted.has(brick.node)) out.push({ ...brick, volume: volume.name });
        }
      }
      return out;
    },
    async glusterPeers(): Promise<GlusterPeerInfo[]> {
      const peers = parsePeers(await cli.xml(['pool', 'list']), await cli.xml(['peer', 'status']));
      const out: GlusterPeerInfo[] = peers.map((peer) => ({
        hostname: peer.hostname,
        uuid: peer.uuid,
        connected: peer.connected,
        isSelf: peer.isSelf,
      }));
      // The pool lists this node as `localhost`, but bricks name it by its host name.
      const self = out.find((peer) => peer.isSelf);
      if (self) out.push({ ...self, hostname: options.remoteHost ?? localHostname() });
      return out;
    },
    async createGlusterVolume(volume: NewGlusterVolume) {
      const args = ['volume', 'create', volumeName(volume.name)];
      if (volume.replicaCount > 1) args.push('replica', String(volume.replicaCount));
      if (volume.arbiterCount > 0) args.push('arbiter', String(volume.arbiterCount));
      if (volume.stripeCount > 1) args.push('stripe', String(volume.stripeCount));
      if (volume.disperseCount > 0) args.push('disperse', String(volume.disperseCount));
      if (volume.redundancyCount > 0) args.push('redundancy', String(volume.redundancyCount));
      if (volume.transport !== 'tcp') args.push('transport', volume.transport);
      for (const brick of volume.bricks) args.push(argument(`${brick.host}:${brick.path}`, BRICK, 'brick'));
      if (volume.force) args.push('force');
      return cli.text(args);
    },
    async setGlusterVolumeStarted(name, started, force) {
      return cli.text(['volume', started ? 'start' : 'stop', volumeName(name), ...(force ? ['force'] : [])]);
    },
    async deleteGlusterVolume(name) {
      return cli.text(['volume', 'delete', volumeName(name)]);
    },
    async setGlusterVolumeOptions(name, options: readonly GlusterOptionRecord[]) {
      let last: CommandOutcome = { output: null };
      for (const option of options) {
        last = await cli.text([
          'volume',
          'set',
          volumeName(name),
          argument(option.name, OPTION_KEY, 'option'),
          argument(option.value, OPTION_VALUE, 'option value'),
        ]);
      }
      return last;
    },
    async resetGlusterVolumeOption(name, option, force) {
      return cli.text([
        'volume',
        'reset',
        volumeName(name),
        argument(option, OPTION_KEY, 'option'),
        ...(force ? ['force'] : []),
      ]);
    },
    async glusterOptionValues(volumes, option) {
      const out = [];
      for (const volume of volumes) {
        const xml = await cli.xml([
          'volume',
          'get',
          volumeName(volume),
          option === null ? 'all' : argument(option, OPTION_KEY, 'option'),
        ]);
        out.push(...parseVolumeGet(xml).map((entry) => ({ volume, ...entry })));
      }
      return out;
    },
    async glusterRebalanceStatus(names) {
      const out = [];
      for (const name of names) {
        let xml: string;
        try {
          xml = await cli.xml(['volume', 'rebalance', volumeName(name), 'status']);
        } catch (error) {
          // Never rebalanced (or unknown): left out, the subgraph answers with its own condition.
          const extensions = (error as { extensions?: { reason?: string; commandError?: unknown } })
            .extensions;
          const text = typeof extensions?.commandError === 'string' ? extensions.commandError : '';
          if (extensions?.reason === 'COMMAND_FAILED' && /not started|does not exist/i.test(text)) continue;
          throw error;
        }
        const status = parseRebalanceStatus(xml);
        if (status) out.push({ volume: name, ...status });
      }
      return out;
    },
    async startGlusterRebalance(name, op: GlusterRebalanceOp) {
      const volume = volumeName(name);
      if (op === 'START_LAYOUT_FIX') return cli.text(['volume', 'rebalance', volume, 'fix-layout', 'start']);
      return cli.text(['volume', 'rebalance', volume, 'start', ...(op === 'START_FORCE' ? ['force'] : [])]);
    },
    async stopGlusterRebalance(name) {
      return cli.text(['volume', 'rebalance', volumeName(name), 'stop']);
    },
    async setGlusterBarrier(name, enabled) {
      return cli.text(['volume', 'barrier', volumeName(name), enabled ? 'enable' : 'disable']);
    },
  };
  return overlay(base, gluster);
}

/** The peers of the nodes source, over `base` for the hypervisor nodes. */
export function glusterNodes(cli: GlusterCli, base: NodesSource): NodesSource {
  const gluster: Partial<NodesSource> = {
    async listGlusterPeers(): Promise<GlusterPeerRecord[]> {
      return parsePeers(await cli.xml(['pool', 'list']), await cli.xml(['peer', 'status']));
    },
    async probeGlusterPeer(hostname) {
      return cli.text(['peer', 'probe', argument(hostname, HOST, 'host')]);
    },
    async detachGlusterPeer(hostname, force) {
      return cli.text(['peer', 'detach', argument(hostname, HOST, 'host'), ...(force ? ['force'] : [])]);
    },
  };
  return overlay(base, gluster);
}

/** `base` with some methods replaced (methods stay bound to their own object). */
function overlay<T extends object>(base: T, replaced: Partial<T>): T {
  return new Proxy(base, {
    get(target, property, receiver) {
      if (Object.hasOwn(replaced, property)) return replaced[property as keyof T];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The driver for the domains configured with `driver: gluster`. */
export function openGluster(options: GlusterDriverOptions) {
  const cli = new GlusterCli(options);
  return {
    cli,
    volumes: (base: VolumesSource) => glusterVolumes(cli, base, options),
    nodes: (base: NodesSource) => glusterNodes(cli, base),
    /** Whether glusterd answers. */
    async ready(): Promise<boolean> {
      try {
        await cli.xml(['pool', 'list']);
        return true;
      } catch {
        return false;
      }
    },
  };
}
