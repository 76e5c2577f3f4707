/**
 * Encrypted volumes through `luksctl` on each instance: the volume list (names, addresses,
 * workers) stays in the wrapped source, `status` and `open` run `luksctl` locally or over ssh,
 * and worker nodes' NFS mounts are read with `findmnt` and made with `mount -a -t nfs` there.
 * The passphrase goes to luksctl's standard input only: never argv, environment or log.
 */
import { BackendError } from '../../errors/index.js';
import {
  HOSTNAME,
  type EncryptedVolumeKey,
  type EncryptedVolumeOpenResult,
  type EncryptedVolumeRecord,
  type EncryptedVolumeStateRecord,
  type PassphraseProvider,
  type VolumesSource,
  type WorkerNfsRecord,
} from '../../subgraphs/volumes/index.js';
import { argument, runProgram, type ProgramCall } from '../exec/index.js';

export interface LuksPostOpen {
  nfsService: string | null;
  restartDocker: boolean;
}

export interface LuksOptions {
  luksctl: string;
  sudo: boolean;
  statusTimeoutMs: number;
  openTimeoutMs: number;
  ssh?:
    | {
        user: string;
        keyFile: string;
        port: number;
        knownHostsFile?: string | undefined;
        program: string;
        connectTimeoutSeconds: number;
      }
    | undefined;
  postOpen: LuksPostOpen;
  instances: Record<string, { host?: string | undefined; postOpen?: LuksPostOpen | undefined }>;
  passphrases: PassphraseProvider;
  /** Where post-open failures are reported (default: a JSON line on stderr). */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

/** ssh's own exit status for "could not connect or authenticate". */
const SSH_FAILED = 255;
const PROGRAM = /^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/;
/** Most commands run at once (a list of many volumes must not open hundreds of ssh sessions). */
const CONCURRENCY = 8;

/** `Promise.all(items.map(run))` with at most `limit` calls running; results in item order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Wraps `inner` so that encrypted volumes' state and open go to luksctl; the rest is inner's. */
export function luksVolumes(inner: VolumesSource, options: LuksOptions): VolumesSource {
  const luks = new Luksctl(inner, options);
  const overrides: Partial<Record<keyof VolumesSource, unknown>> = {
    encryptedVolumeStates: (ids: readonly string[]) => luks.states(ids),
    openEncryptedVolume: (id: string, key: EncryptedVolumeKey) => luks.open(id, key),
    workerNfsStates: (addresses: readonly string[]) => luks.workerStates(addresses),
    mountWorkerNfs: (addresses: readonly string[]) => luks.mountWorkers(addresses),
  };
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (typeof property === 'string' && Object.hasOwn(overrides, property)) {
        return overrides[property as keyof VolumesSource];
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

class Luksctl {
  private readonly warn: (message: string, fields: Record<string, unknown>) => void;

  constructor(
    private readonly inner: VolumesSource,
    private readonly options: LuksOptions,
  ) {
    argument(options.luksctl, PROGRAM, 'luksctl program');
    this.warn =
      options.warn ??
      ((message, fields) =>
        process.stderr.write(
          `${JSON.stringify({ time: new Date().toISOString(), level: 'warn', component: 'luks', message, ...fields })}\n`,
        ));
  }

  async states(ids: readonly string[]): Promise<EncryptedVolumeStateRecord[]> {
    const volumes = await this.inner.getEncryptedVolumes(ids);
    return mapLimited(volumes, CONCURRENCY, (volume) => this.state(volume));
  }

  private async state(volume: EncryptedVolumeRecord): Promise<EncryptedVolumeStateRecord> {
    const unavailable = (stderr: string) => ({
      id: volume.id,
      state: 'unavailable' as const,
      output: '',
      stderr,
    });
    let result;
    try {
      result = await runProgram(this.call(volume, ['status'], this.options.statusTimeoutMs));
    } catch (error) {
      if (error instanceof BackendError && error.code === 'BACKEND_TIMEOUT') {
        return unavailable('luksctl status timed out');
      }
      if (error instanceof BackendError) return unavailable('instance unreachable');
      throw error;
    }
    if (this.options.ssh && result.exitCode === SSH_FAILED) return unavailable('instance unreachable');
    if (result.exitCode === 0) return { id: volume.id, state: 'mounted', output: '', stderr: '' };
    if (result.exitCode === 1) return { id: volume.id, state: 'unmounted', output: '', stderr: '' };
    return { id: volume.id, state: 'unavailable', output: result.stdout, stderr: result.stderr };
  }

  async open(id: string, key: EncryptedVolumeKey): Promise<EncryptedVolumeOpenResult> {
    const [volume] = await this.inner.getEncryptedVolumes([id]);
    if (!volume) return { exitCode: 2, output: '', stderr: `Volume ${id} is not known.\n` };
    const passphrase =
      key.kind === 'vault' ? await this.options.passphrases.fetchPassphrase(key.vault) : key.passphrase;
    // One line on standard input: a newline would end it early, NUL cannot travel.
    if (passphrase.length === 0 || /[\r\n\u0000]/.test(passphrase)) {
      throw new BackendError('BACKEND_FAILED', 'The passphrase cannot be given to luksctl', {
        reason: 'INVALID_PASSPHRASE',
      });
    }
    const result = await runProgram({
      ...this.call(volume, ['open'], this.options.openTimeoutMs),
      input: `${passphrase}\n`,
    });
    if (this.options.ssh && result.exitCode === SSH_FAILED) {
      throw new BackendError(
        'BACKEND_UNAVAILABLE',
        `Instance of ${id} could not be reached`,
        { reason: 'INSTANCE_UNREACHABLE' },
        result.stderr,
      );
    }
    if (result.exitCode === 0) await this.postOpen(volume);
    return { exitCode: result.exitCode, output: result.stdout, stderr: result.stderr };
  }

  /** The configured post-open actions; a failure is reported, never thrown (the volume is open). */
  private async postOpen(volume: EncryptedVolumeRecord): Promise<void> {
    const actions = this.options.instances[volume.id]?.postOpen ?? this.options.postOpen;
    const units = [
      ...(actions.nfsService ? [actions.nfsService] : []),
      ...(actions.restartDocker ? ['docker'] : []),
    ];
    for (const unit of units) {
      const call = this.call(volume, ['restart', unit], this.options.statusTimeoutMs, 'systemctl');
      try {
        const result = await runProgram(call);
        if (result.exitCode !== 0) {
          this.warn('post-open action failed', { volume: volume.id, unit, exitCode: result.exitCode });
        }
      } catch (error) {
        this.warn('post-open action failed', {
          volume: volume.id,
          unit,
          code: error instanceof BackendError ? error.code : 'INTERNAL_SERVER_ERROR',
        });
      }
    }
  }

  /**
   * NFS state of worker nodes: mounted when every NFS file system in the worker's fstab is
   * mounted (`findmnt`). A worker that cannot be asked counts as unmounted.
   */
  async workerStates(addresses: readonly string[]): Promise<WorkerNfsRecord[]> {
    const known = await this.inner.workerNfsStates(addresses);
    return mapLimited(known, CONCURRENCY, async (worker) => ({
      ...worker,
      nfsMounted: await this.workerMounted(worker.address),
    }));
  }

  private async workerMounted(address: string): Promise<boolean> {
    const list = async (fstab: boolean) => {
      const args = [
        ...(fstab ? ['--fstab'] : []),
        '--types',
        'nfs,nfs4',
        '--noheadings',
        '--output',
        'TARGET',
      ];
      const result = await runProgram(this.workerCall(address, 'findmnt', args));
      // findmnt exits 1 when nothing matches.
      if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error(`findmnt exit ${result.exitCode}`);
      return result.stdout
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    };
    try {
      const configured = await list(true);
      const mounted = new Set(await list(false));
      return configured.length > 0 && configured.every((target) => mounted.has(target));
    } catch {
      return false;
    }
  }

  /** `mount -a -t nfs` on each worker; a failure leaves it unmounted (reported, not thrown). */
  async mountWorkers(addresses: readonly string[]): Promise<void> {
    await mapLimited(addresses, CONCURRENCY, async (address) => {
      try {
        const result = await runProgram(this.workerCall(address, 'mount', ['-a', '-t', 'nfs']));
        if (result.exitCode !== 0)
          this.warn('worker NFS mount failed', { worker: address, exitCode: result.exitCode });
      } catch (error) {
        this.warn('worker NFS mount failed', {
          worker: address,
          code: error instanceof BackendError ? error.code : 'INTERNAL_SERVER_ERROR',
        });
      }
    });
  }

  private workerCall(address: string, program: string, args: readonly string[]): ProgramCall {
    return this.command(
      address,
      program,
      args,
      this.options.statusTimeoutMs,
      `${program} (worker ${address})`,
    );
  }

  /** `[sudo -n] <program> <args>` on a volume's instance. */
  private call(
    volume: EncryptedVolumeRecord,
    args: readonly string[],
    timeoutMs: number,
    program = this.options.luksctl,
  ): ProgramCall {
    const host = this.options.instances[volume.id]?.host ?? volume.addresses[0] ?? '';
    return this.command(host, program, args, timeoutMs, `${program} ${args.join(' ')} (${volume.id})`);
  }

  /** `[sudo -n] <program> <args>`, locally or as the remote command of ssh to `hostName`. */
  private command(
    hostName: string,
    program: string,
    args: readonly string[],
    timeoutMs: number,
    label: string,
  ): ProgramCall {
    const command = this.options.sudo ? ['sudo', '-n', program, ...args] : [program, ...args];
    const ssh = this.options.ssh;
    if (!ssh) return { program: command[0]!, args: command.slice(1), timeoutMs, label };
    const host = argument(hostName, HOSTNAME, 'instance host');
    return {
      program: ssh.program,
      args: [
        '-i',
        ssh.keyFile,
        '-p',
        String(ssh.port),
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `ConnectTimeout=${ssh.connectTimeoutSeconds}`,
        ...(ssh.knownHostsFile ? ['-o', `UserKnownHostsFile=${ssh.knownHostsFile}`] : []),
        '-l',
        ssh.user,
        '--',
        host,
        // Every word is a fixed or pattern-checked one: ssh joins them into the remote command line.
        ...command,
      ],
      timeoutMs,
      label,
    };
  }
}
