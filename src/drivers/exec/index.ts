/**
 * The only module that spawns processes. Every program a driver runs goes through `runProgram`:
 * argv arrays (never a shell), a timeout on every call, secrets only on standard input, and
 * failures turned into typed errors whose program output stays in the log, not with the client.
 */
import { execa, type ExecaError } from 'execa';
import { BackendError } from '../../errors/index.js';

export interface ProgramCall {
  /** Program name (looked up on PATH) or absolute path. */
  program: string;
  args: readonly string[];
  /** Fed to standard input (passphrases go here, never into argv or the environment). */
  input?: string;
  timeoutMs: number;
  /** Extra environment variables (the parent's environment is inherited). */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** What the call is about, for error messages: "gluster volume start gv1". */
  label?: string;
}

export interface ProgramResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs a program and resolves with its output whatever its exit status; rejects with a
 * BackendError when it cannot be started (BACKEND_UNAVAILABLE, reason PROGRAM_NOT_FOUND or
 * PROGRAM_NOT_STARTED) or does not finish in time (BACKEND_TIMEOUT, reason TIMED_OUT).
 */
export async function runProgram(call: ProgramCall): Promise<ProgramResult> {
  const label = call.label ?? [call.program, ...call.args].join(' ');
  try {
    const result = await execa(call.program, [...call.args], {
      input: call.input ?? '',
      timeout: call.timeoutMs,
      killSignal: 'SIGKILL',
      reject: false,
      shell: false,
      stripFinalNewline: false,
      env: call.env ? { ...call.env } : {},
      extendEnv: true,
      ...(call.cwd ? { cwd: call.cwd } : {}),
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.timedOut) {
      throw new BackendError(
        'BACKEND_TIMEOUT',
        `${call.program} did not finish within ${call.timeoutMs} ms`,
        { reason: 'TIMED_OUT', program: call.program },
        `${label}: ${String(result.stderr ?? '')}`,
      );
    }
    if (result.failed && result.exitCode === undefined) {
      const cause = (result as unknown as ExecaError).cause as NodeJS.ErrnoException | undefined;
      const missing = cause?.code === 'ENOENT';
      throw new BackendError(
        'BACKEND_UNAVAILABLE',
        missing
          ? `${call.program} is not installed (not found on PATH)`
          : `${call.program} could not be started`,
        { reason: missing ? 'PROGRAM_NOT_FOUND' : 'PROGRAM_NOT_STARTED', program: call.program },
        `${label}: ${cause?.message ?? result.shortMessage}`,
      );
    }
    return {
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      exitCode: result.exitCode ?? 0,
    };
  } catch (error) {
    if (error instanceof BackendError) throw error;
    throw new BackendError(
      'BACKEND_UNAVAILABLE',
      `${call.program} could not be started`,
      { reason: 'PROGRAM_NOT_STARTED', program: call.program },
      `${label}: ${String(error)}`,
    );
  }
}

/**
 * A failed call as a typed error: BACKEND_FAILED, reason COMMAND_FAILED, with the exit status
 * and the program's own error text (`commandError`) for callers that must pass it on, as the
 * Gluster REST API does; the full stderr stays internal.
 */
export function commandFailed(
  call: Pick<ProgramCall, 'program' | 'label'>,
  result: ProgramResult,
  commandError?: string,
): BackendError {
  const text = (commandError ?? (result.stderr.trim() || result.stdout.trim())).slice(0, 4096);
  return new BackendError(
    'BACKEND_FAILED',
    `${call.label ?? call.program} failed with exit status ${result.exitCode}`,
    { reason: 'COMMAND_FAILED', exitCode: result.exitCode, commandError: text },
    result.stderr || result.stdout.slice(0, 4096),
  );
}

/**
 * A value that goes into argv: must match `pattern` and can never start with `-`, so no user
 * input is ever read as an option.
 */
export function argument(value: string, pattern: RegExp, what: string): string {
  if (value.startsWith('-') || !pattern.test(value)) {
    throw new BackendError(
      'BACKEND_FAILED',
      `Refusing ${what} "${value.slice(0, 64)}" as a program argument`,
      { reason: 'UNSAFE_ARGUMENT' },
    );
  }
  return value;
}
