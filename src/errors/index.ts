/**
 * The one registry of public error codes. Every error a client can see carries one of these in
 * `extensions.code`; anything else is masked by the gateway and logged with the request id.
 */
import { GraphQLError } from 'graphql';

export const ERROR_CODES = {
  UNAUTHENTICATED: 'The request carries no valid credentials for an operation that needs them.',
  FORBIDDEN: 'The principal is known but may not perform this operation or see this entity.',
  NOT_FOUND: 'The addressed entity does not exist.',
  BAD_USER_INPUT: 'An argument is malformed or out of range; `extensions.reason` says which rule failed.',
  CONFLICT: 'The operation contradicts the current state (already exists, wrong state, locked).',
  BACKEND_UNAVAILABLE: 'A backend (store, directory, hypervisor, storage cluster) could not be reached.',
  BACKEND_TIMEOUT: 'A backend did not answer within its time limit.',
  BACKEND_FAILED:
    'A backend ran the operation and reported a failure (exit status and output kept for the log).',
  GRAPHQL_PARSE_FAILED: 'The document is not valid GraphQL syntax.',
  GRAPHQL_VALIDATION_FAILED:
    'The document does not validate against the schema or exceeds the depth/width limits.',
  BAD_REQUEST: 'The HTTP request itself is malformed (not a GraphQL request).',
  PERSISTED_QUERY_NOT_FOUND: 'Apollo automatic persisted query not found.',
  PERSISTED_QUERY_NOT_SUPPORTED: 'Apollo automatic persisted queries are not supported.',
  OPERATION_RESOLUTION_FAILURE: 'The named operation is not in the document.',
  INTERNAL_SERVER_ERROR: 'An unexpected failure; details are in the server log under the request id.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isRegisteredCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** Extra, machine-readable detail that lets a shim tell failure conditions apart. */
export interface ErrorDetail {
  /** A stable UPPER_SNAKE sub-condition, e.g. `NODE_NOT_ACTIVE` beside code `CONFLICT`. */
  reason?: string;
  /** Non-secret values the condition is about (names, ids, states). */
  [key: string]: unknown;
}

/**
 * An error meant for clients. Its message is public; `internal` (stderr, causes) is only logged.
 */
export class CloudfedError extends GraphQLError {
  readonly code: ErrorCode;
  readonly internal: unknown;

  constructor(code: ErrorCode, message: string, detail: ErrorDetail = {}, internal?: unknown) {
    super(message, { extensions: { ...detail, code } });
    this.name = 'CloudfedError';
    this.code = code;
    this.internal = internal;
  }
}

export const unauthenticated = (message = 'Authentication required') =>
  new CloudfedError('UNAUTHENTICATED', message);
export const forbidden = (message = 'Not allowed', detail?: ErrorDetail) =>
  new CloudfedError('FORBIDDEN', message, detail);
export const notFound = (message: string, detail?: ErrorDetail) =>
  new CloudfedError('NOT_FOUND', message, detail);
export const badInput = (message: string, detail?: ErrorDetail) =>
  new CloudfedError('BAD_USER_INPUT', message, detail);
export const conflict = (message: string, detail?: ErrorDetail) =>
  new CloudfedError('CONFLICT', message, detail);

/** Failure of a backend program or service; `stderr` goes to the log, not to the client. */
export class BackendError extends CloudfedError {
  constructor(
    code: 'BACKEND_UNAVAILABLE' | 'BACKEND_TIMEOUT' | 'BACKEND_FAILED',
    message: string,
    detail: ErrorDetail & { exitCode?: number; output?: string } = {},
    readonly stderr?: string,
  ) {
    super(code, message, detail, stderr);
    this.name = 'BackendError';
  }
}

/** The code of any thrown value as a client would see it (unregistered → internal). */
export function codeOf(error: unknown): ErrorCode {
  if (error instanceof CloudfedError) return error.code;
  if (error instanceof GraphQLError) {
    const fromOriginal = error.originalError instanceof CloudfedError ? error.originalError.code : undefined;
    const code = fromOriginal ?? error.extensions?.code;
    if (isRegisteredCode(code)) return code;
  }
  return 'INTERNAL_SERVER_ERROR';
}
