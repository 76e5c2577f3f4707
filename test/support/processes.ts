/** Runs `cloudfed` commands as real child processes (split mode, crash tests). */
import { spawn, type ChildProcess } from 'node:child_process';

export interface CloudfedProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<void>;
}

/** Starts `cloudfed <args>` from the sources and resolves when it prints the URL it serves on. */
export function startCloudfedProcess(
  args: string[],
  env: Record<string, string>,
  // Generous: five processes compiling the sources with tsx at once on a busy 2-core machine.
  timeoutMs = 180_000,
): Promise<CloudfedProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/bin.ts', ...args], {
    env: { ...process.env, CLOUDFED_HOST: '127.0.0.1', CLOUDFED_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cloudfed ${args.join(' ')} did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving on (http:\/\/[^\s/]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          child,
          output: () => output,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            await exited;
          },
          kill: async () => {
            if (child.exitCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cloudfed ${args.join(' ')} exited with ${code} before serving:\n${output}`));
    });
  });
}
