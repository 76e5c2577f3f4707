/**
 * Child processes of the bench: every server runs in its own process, listens on a free port
 * (port 0; the URL is read from the line it prints when listening) and is killed at the end, on
 * an error and on SIGINT/SIGTERM.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Server {
  name: string;
  /** Base URL (`http://127.0.0.1:PORT`), without `/graphql`. */
  url: string;
  child: ChildProcess;
}

export interface StartOptions {
  name: string;
  /** Arguments after `node` (loader flags, script, command). */
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** How long the process may take to print its URL and answer /readyz. */
  timeoutMs?: number;
}

const children = new Set<ChildProcess>();

// Last resort when the bench dies without running its cleanup: no server outlives it.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Runs a Node script to completion (no server); rejects with its output when it fails. */
export function runNode(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`node ${args.join(' ')} exited with ${signal ?? code}:\n${output.trim()}`));
    });
  });
}

/**
 * Starts a server process and waits until it printed its URL and its /readyz answers 200.
 * The process's output is kept (last lines) for the error message if it dies early.
 */
export async function startServer(options: StartOptions): Promise<Server> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(process.execPath, options.args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  createInterface({ input: child.stderr! }).on('line', keep);
  const lines = createInterface({ input: child.stdout! });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not print its URL within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited with ${signal ?? code} before listening`);
    function fail(why: string) {
      clearTimeout(timer);
      child.off('exit', onExit);
      reject(new Error(`${options.name} ${why}\n${indent(tail)}`));
    }
    child.once('exit', onExit);
    child.once('error', (error) => fail(String(error)));
    lines.on('line', (line) => {
      keep(line);
      const match = /(https?:\/\/[^\s/]+)/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(match[1]!);
    });
  });
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      process.stderr.write(
        `bench: ${options.name} exited unexpectedly (${signal ?? code})\n${indent(tail)}\n`,
      );
    }
  });
  await waitReady(options.name, url, timeoutMs);
  return { name: options.name, url, child };
}

async function waitReady(name: string, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String((error as Error).cause ?? error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} at ${url} was not ready within ${timeoutMs} ms (last: ${last})`);
}

let stopping = false;

/** Kills every child this module started (SIGTERM, then SIGKILL after a grace period). */
export async function stopAll(graceMs = 3_000): Promise<void> {
  stopping = true;
  const waits = [...children].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, graceMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  );
  await Promise.all(waits);
  children.clear();
}

/** Stops the children when the bench is interrupted, then exits with 130/143. */
export function stopOnSignals(cleanup: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping the servers\n`);
      cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}

function indent(lines: readonly string[]): string {
  return lines.map((line) => `    | ${line}`).join('\n');
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU seconds (user + system) the given servers have used so far, from /proc/<pid>/stat. Unlike
 * requests/s, CPU time per request hardly changes when other work shares the cores.
 */
export function cpuSeconds(servers: readonly Server[]): number {
  let ticks = 0;
  for (const server of servers) {
    const stat = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLOCK_TICKS;
}
