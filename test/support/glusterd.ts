/**
 * A real glusterd for the Gluster driver tests (Debian `glusterfs-server`), started by the test
 * itself with its working directory and bricks in a temporary directory. glusterd needs root and
 * listens on its fixed management port 24007; when it cannot start, the suite fails loudly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Glusterd {
  /** The temporary directory (working directory, log, bricks under `bricks/`). */
  dir: string;
  /** A wrapper of the CLI that logs every argv to `commandLog` before running the real `gluster`. */
  program: string;
  commandLog: string;
  /** Runs the real CLI directly (test setup and cleanup only). */
  cli(args: string[]): { status: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

const VOLFILE = (workdir: string) => `volume management
    type mgmt/glusterd
    option working-directory ${workdir}
    option transport-type socket
    option transport.socket.keepalive-time 10
    option transport.socket.keepalive-interval 2
    option transport.socket.read-fail-log off
    option transport.socket.listen-port 24007
    option ping-timeout 0
    option event-threads 1
    option max-port 60999
end-volume
`;

function glusterCli(args: string[]) {
  const result = spawnSync('gluster', ['--mode=script', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Starts glusterd and waits (up to `timeoutMs`; it takes several seconds on a loaded machine) until the CLI reaches it. */
export async function startGlusterd(timeoutMs = 120_000): Promise<Glusterd> {
  if (process.getuid?.() !== 0) throw new Error('glusterd needs root: run the Gluster driver tests as root');
  const which = spawnSync('sh', ['-c', 'command -v glusterd && command -v gluster'], { encoding: 'utf8' });
  if (which.status !== 0)
    throw new Error(
      'glusterd/gluster not installed (Debian glusterfs-server; see test/support/install-system-packages.sh)',
    );
  const busy = glusterCli(['pool', 'list', '--xml']);
  if (busy.status === 0)
    throw new Error(
      'another glusterd already answers on this machine; stop it before running the Gluster driver tests',
    );

  const dir = mkdtempSync(join(tmpdir(), 'cloudfed-glusterd-'));
  const workdir = join(dir, 'wd');
  mkdirSync(workdir);
  mkdirSync(join(dir, 'bricks'));
  writeFileSync(join(dir, 'glusterd.vol'), VOLFILE(workdir));
  const commandLog = join(dir, 'commands.log');
  writeFileSync(commandLog, '');
  const program = join(dir, 'gluster-logged');
  writeFileSync(program, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${commandLog}'\nexec gluster "$@"\n`);
  chmodSync(program, 0o755);

  const child: ChildProcess = spawn(
    'glusterd',
    [
      '--no-daemon',
      '-f',
      join(dir, 'glusterd.vol'),
      '-l',
      join(dir, 'glusterd.log'),
      '-p',
      join(dir, 'glusterd.pid'),
      `--socket-file=${join(dir, 'glusterd.socket')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    // Volumes left by a failed test: stop and delete them so their brick processes end.
    const info = glusterCli(['volume', 'list']);
    for (const name of info.status === 0
      ? info.stdout.split('\n').filter((line) => /^[\w-]+$/.test(line))
      : []) {
      glusterCli(['volume', 'stop', name, 'force']);
      glusterCli(['volume', 'delete', name]);
    }
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    killStrays(dir);
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop().catch(() => {});
      throw new Error(`glusterd exited with ${child.exitCode} before answering:\n${output}\n${readLog(dir)}`);
    }
    const probe = glusterCli(['pool', 'list', '--xml']);
    if (probe.status === 0 && probe.stdout.includes('<opRet>0</opRet>')) break;
    if (Date.now() > deadline) {
      const log = readLog(dir);
      await stop();
      throw new Error(
        `glusterd did not answer within ${timeoutMs} ms (last: ${probe.stdout}${probe.stderr}):\n${log}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { dir, program, commandLog, cli: glusterCli, stop };
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'glusterd.log'), 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}

/** Brick and rebalance processes our glusterd started (their command lines name our directory). */
function killStrays(dir: string): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes(dir) && /gluster/.test(cmdline)) {
      try {
        process.kill(Number(entry), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
