/** Structured one-line JSON logs on stderr; never pass secrets in `fields`. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  component: string,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, component, message, ...fields })}\n`);
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

/** A logger that keeps lines in memory (tests assert that secrets never appear). */
export function memoryLogger(lines: string[] = []): Logger & { lines: string[] } {
  return Object.assign(
    createLogger('test', (line) => lines.push(line)),
    { lines },
  );
}
