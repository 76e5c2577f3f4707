/**
 * Encrypted volumes through `luksctl` on each instance: the volume list (names, addresses,
 * workers) stays in the wrapped source, `status` and `open` run `luksctl` locally or over ssh.
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

/** Wraps `inner` so that encrypted volumes' state and open go to luksctl; the rest is inner's. */
export function luksVolumes(inner: VolumesSource, options: LuksOptions): VolumesSource {
  const luks = new Luksctl(inner, options);
  const overrides: Partial<Record<keyof VolumesSource, unknown>> = {
    encryptedVolumeStates: (ids: readonly string[]) => luks.states(ids),
    openEncryptedVolume: (id: string, key: EncryptedVolumeKey) => luks.open(id, key),
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
    return Promise.all(volumes.map((volume) => this.state(volume)));
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

  /** `[sudo -n] <program> <args>`, locally or as the remote command of ssh. */
  private call(
    volume: EncryptedVolumeRecord,
    args: readonly string[],
    timeoutMs: number,
    program = this.options.luksctl,
  ): ProgramCall {
    const command = this.options.sudo ? ['sudo', '-n', program, ...args] : [program, ...args];
    const label = `${program} ${args.join(' ')} (${volume.id})`;
    const ssh = this.options.ssh;
    if (!ssh) return { program: command[0]!, args: command.slice(1), timeoutMs, label };
    const host = argument(
      this.options.instances[volume.id]?.host ?? volume.addresses[0] ?? '',
      HOSTNAME,
      'instance host',
    );
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
