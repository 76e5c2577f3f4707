import type { z } from 'zod';

/** A datacenter description that cannot be loaded; the message names each bad path. */
export class DatacenterImportError extends Error {
  override name = 'DatacenterImportError';

  static fromZod(error: z.ZodError): DatacenterImportError {
    const lines = error.issues.map((issue) => {
      const path = issue.path
        .map((part, i) =>
          typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`,
        )
        .join('');
      if (issue.code === 'unrecognized_keys')
        return `  ${path || '(top level)'}: unknown key(s) ${issue.keys.join(', ')}`;
      return `  ${path || '(top level)'}: ${issue.message}`;
    });
    return new DatacenterImportError(`The datacenter description is not valid:\n${lines.join('\n')}`);
  }
}
