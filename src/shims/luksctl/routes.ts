/**
 * The LUKSctl route table: the master API (`/luksctl_api/v1.0/status`, `…/open`) and the
 * worker-node API (`/luksctl_api_wn/v1.0/status`, `…/nfs-mount`). Each request is answered for
 * the instance the client connected to; the shim runs its operations as a principal scoped to
 * that instance, which may only read its state and open it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { Config } from '../../config/index.js';
import type { Principal } from '../../identity/index.js';
import {
  type EncryptedVolumeState,
  LuksctlOpenDocument,
  LuksctlVolumeByAddressDocument,
  LuksctlVolumeByIdDocument,
  LuksctlWorkerDocument,
  LuksctlWorkerMountDocument,
} from '../__generated__/graphql.js';
import {
  readBody,
  send,
  type GraphFailure,
  type Shim,
  type ShimDependencies,
  type ShimResponse,
} from '../kit/index.js';
import {
  badRequest,
  forbidden,
  internalError,
  methodNotAllowed,
  nfsState,
  notFound,
  options,
  REASONS,
  unknownTarget,
  vaultError,
  volumeState,
  type Api,
} from './responses.js';

interface Route {
  api: Api;
  methods: readonly string[];
  allow: string;
  run(request: IncomingMessage, target: TargetAddress): Promise<ShimResponse>;
}

/** The address the request was sent to (the instance it is about). */
interface TargetAddress {
  address: string;
}

const REQUIRED_KEYS = ['vault_url', 'vault_token', 'secret_root', 'secret_path', 'secret_key'] as const;
type OpenKey = (typeof REQUIRED_KEYS)[number];

/** Graph argument of the Vault input → the legacy key it came from. */
const VAULT_ARGUMENT_KEYS: Readonly<Record<string, OpenKey>> = {
  'vault.url': 'vault_url',
  'vault.token': 'vault_token',
  'vault.secretRoot': 'secret_root',
  'vault.secretPath': 'secret_path',
  'vault.secretKey': 'secret_key',
};

export function createLuksctlShim(config: Config, dependencies: ShimDependencies): Shim | null {
  const settings = config.shims.luksctl;
  if (!settings.enabled) return null;
  const { graph, log } = dependencies;
  const clients = clientAllowList(settings.clientNetworks);

  const scoped = (target: { address?: string; volumeId?: string }): { principal: Principal } => ({
    principal: {
      kind: 'encryptedVolumeTarget',
      via: 'luksctl',
      address: target.address ?? null,
      volumeId: target.volumeId ?? null,
    },
  });

  /** Finds the target volume: by address, else the configured default; null when neither exists. */
  async function findVolume(
    address: string,
    withStatus: boolean,
  ): Promise<
    | { ok: true; found: false }
    | {
        ok: true;
        found: true;
        id: string;
        status?: { state: EncryptedVolumeState; output: string; stderr: string } | undefined;
      }
    | { ok: false; errors: readonly GraphFailure[] }
  > {
    const byAddress = await graph.execute(
      LuksctlVolumeByAddressDocument,
      { address, withStatus },
      scoped({ address }),
    );
    if (!byAddress.ok) return { ok: false, errors: byAddress.errors };
    let volume = byAddress.data.encryptedVolumeByAddress;
    if (!volume && settings.target.defaultVolume) {
      const id = settings.target.defaultVolume;
      const byId = await graph.execute(
        LuksctlVolumeByIdDocument,
        { id, withStatus },
        scoped({ volumeId: id }),
      );
      if (!byId.ok) return { ok: false, errors: byId.errors };
      volume = byId.data.encryptedVolume;
    }
    return volume
      ? { ok: true, found: true, id: volume.id, status: volume.status }
      : { ok: true, found: false };
  }

  /** The worker's address as the graph knows it: the connection's, else the configured default. */
  async function findWorker(
    address: string,
  ): Promise<
    { ok: true; worker: { address: string; nfsState: 'MOUNTED' | 'UNMOUNTED' } | null } | { ok: false }
  > {
    for (const candidate of [address, settings.target.defaultWorker]) {
      if (candidate === undefined) continue;
      const result = await graph.execute(
        LuksctlWorkerDocument,
        { address: candidate },
        scoped({ address: candidate }),
      );
      if (!result.ok) return { ok: false };
      const worker = result.data.encryptedVolumeWorkerByAddress;
      if (worker) return { ok: true, worker };
    }
    return { ok: true, worker: null };
  }

  const routes: Readonly<Record<string, Route>> = {
    '/luksctl_api/v1.0/status': {
      api: 'master',
      methods: ['GET', 'HEAD'],
      allow: 'GET, HEAD, OPTIONS',
      async run(_request, target) {
        const found = await findVolume(target.address, true);
        if (!found.ok) return unreachableOr(found.errors);
        if (!found.found) return unknownTarget('master');
        const status = found.status!;
        return volumeState(status.state, status.output, status.stderr);
      },
    },
    '/luksctl_api/v1.0/open': {
      api: 'master',
      methods: ['POST'],
      allow: 'OPTIONS, POST',
      async run(request, target) {
        const input = await readOpenInput(request);
        if (!input.ok) return input.response;
        const found = await findVolume(target.address, false);
        if (!found.ok) return unreachableOr(found.errors);
        if (!found.found) return unknownTarget('master');
        const opened = await graph.execute(
          LuksctlOpenDocument,
          {
            id: found.id,
            vault: {
              url: input.values.vault_url,
              token: input.values.vault_token,
              secretRoot: input.values.secret_root,
              secretPath: input.values.secret_path,
              secretKey: input.values.secret_key,
            },
          },
          scoped({ volumeId: found.id }),
        );
        if (opened.ok) {
          const status = opened.data.openEncryptedVolume;
          return volumeState(status.state, status.output, status.stderr);
        }
        return openFailure(opened.errors);
      },
    },
    '/luksctl_api_wn/v1.0/status': {
      api: 'worker',
      methods: ['GET', 'HEAD'],
      allow: 'GET, HEAD, OPTIONS',
      async run(_request, target) {
        const worker = await findWorker(target.address);
        if (!worker.ok) return internalError('worker');
        return worker.worker ? nfsState(worker.worker.nfsState) : unknownTarget('worker');
      },
    },
    '/luksctl_api_wn/v1.0/nfs-mount': {
      api: 'worker',
      methods: ['POST'],
      allow: 'OPTIONS, POST',
      async run(request, target) {
        request.resume(); // the body is ignored
        const worker = await findWorker(target.address);
        if (!worker.ok) return internalError('worker');
        if (!worker.worker) return unknownTarget('worker');
        if (worker.worker.nfsState === 'MOUNTED') return nfsState('MOUNTED');
        const mounted = await graph.execute(
          LuksctlWorkerMountDocument,
          { address: worker.worker.address },
          scoped({ address: worker.worker.address }),
        );
        if (!mounted.ok) return internalError('worker');
        return nfsState(mounted.data.mountEncryptedVolumeWorkerNfs.nfsState);
      },
    },
  };

  /** Reads and checks the open body in the order of the contract; first failure wins. */
  async function readOpenInput(
    request: IncomingMessage,
  ): Promise<{ ok: true; values: Record<OpenKey, string> } | { ok: false; response: ShimResponse }> {
    const notAnObject = { ok: false as const, response: badRequest('Request body must be a JSON object') };
    const body = await readBody(request, settings.bodyLimit);
    if (!body.ok || !isJsonContentType(request.headers['content-type'])) return notAnObject;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.body.toString('utf8'));
    } catch {
      return notAnObject;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return notAnObject;
    const object = parsed as Record<string, unknown>;
    for (const key of REQUIRED_KEYS) {
      if (!Object.hasOwn(object, key))
        return { ok: false, response: badRequest(`Missing required key: ${key}`) };
    }
    for (const key of REQUIRED_KEYS) {
      const value = object[key];
      if (typeof value !== 'string' || value === '')
        return { ok: false, response: badRequest(`Invalid value for key: ${key}`) };
    }
    const values = Object.fromEntries(REQUIRED_KEYS.map((key) => [key, object[key] as string])) as Record<
      OpenKey,
      string
    >;
    if (!vaultUrlAllowed(values.vault_url, settings.vaultUrls))
      return { ok: false, response: badRequest('vault_url is not allowed') };
    return { ok: true, values };
  }

  function openFailure(errors: readonly GraphFailure[]): ShimResponse {
    const first = errors[0];
    switch (first?.reason) {
      case 'VAULT_UNWRAP_FAILED':
        return vaultError('Unable to unwrap vault token.');
      case 'VAULT_READ_FAILED':
        return vaultError('Unable to read secret from vault.');
      case 'VAULT_KEY_MISSING':
        return vaultError('Secret key not found in vault secret.');
      case 'VAULT_UNREACHABLE':
        return vaultError('Unable to contact vault.');
      case 'INVALID_VAULT_INPUT': {
        const key = VAULT_ARGUMENT_KEYS[String(first.extensions.argument)];
        return key ? badRequest(`Invalid value for key: ${key}`) : internalError('master');
      }
      case 'ENCRYPTED_VOLUME_NOT_FOUND':
        return unknownTarget('master');
    }
    return unreachableOr(errors);
  }

  /** The instance could not be reached or did not answer in time: the unavailable form, 200. */
  function unreachableOr(errors: readonly GraphFailure[]): ShimResponse {
    const codes = new Set(errors.map((error) => error.code));
    if (codes.has('BACKEND_TIMEOUT')) return volumeState('UNAVAILABLE', '', 'luksctl timed out');
    if (codes.has('BACKEND_UNAVAILABLE')) return volumeState('UNAVAILABLE', '', 'instance unreachable');
    return internalError('master');
  }

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0]!;
    const api: Api = path === '/luksctl_api_wn' || path.startsWith('/luksctl_api_wn/') ? 'worker' : 'master';
    let reply: ShimResponse;
    try {
      reply = await answer(request, path, api);
    } catch (error) {
      log.error('luksctl request failed', { path, error: String((error as Error)?.stack ?? error) });
      reply = internalError(api);
    }
    if (request.readableEnded === false) request.resume();
    response.statusMessage = REASONS[reply.status] ?? '';
    send(response, reply);
  }

  async function answer(request: IncomingMessage, path: string, api: Api): Promise<ShimResponse> {
    if (clients && !clientAllowed(clients, request.socket.remoteAddress ?? '')) return forbidden(api);
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route) return notFound(api);
    const method = request.method ?? 'GET';
    if (method === 'OPTIONS') return options(route.allow);
    if (!route.methods.includes(method)) return methodNotAllowed(route.api, route.allow);
    return route.run(request, { address: targetAddress(request, settings.target.from) });
  }

  return {
    name: 'luksctl',
    prefixes: ['/luksctl_api', '/luksctl_api_wn'],
    handle: handleRequest,
    ...(settings.listener
      ? {
          listener: {
            port: settings.listener.port,
            host: settings.listener.host,
            ...(settings.listener.tls ? { tls: settings.listener.tls } : {}),
          },
        }
      : {}),
    // The historical listener serves only this API: every other path is its not-found answer.
    handleHistorical: handleRequest,
  };
}

/** The media type is `application/json` or `application/<something>+json` (parameters allowed). */
export function isJsonContentType(header: string | undefined): boolean {
  const media = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return media === 'application/json' || /^application\/[^/\s]+\+json$/.test(media);
}

/**
 * Whether `vault_url` may be contacted: without an allow-list, any `https://` URL; with one, a
 * URL of the same scheme, host and port whose path starts at a segment boundary of an entry's.
 */
export function vaultUrlAllowed(value: string, allowList: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (allowList.length === 0) return url.protocol === 'https:';
  return allowList.some((entry) => {
    const allowed = new URL(entry);
    if (allowed.protocol !== url.protocol || allowed.host !== url.host) return false;
    const base = allowed.pathname.replace(/\/+$/, '');
    return url.pathname === base || url.pathname.startsWith(`${base}/`) || base === '';
  });
}

/** The target's address: the `Host` header's host part, or the connection's local address. */
export function targetAddress(request: IncomingMessage, from: 'host' | 'localAddress'): string {
  if (from === 'localAddress') return unmapIPv4(request.socket.localAddress ?? '');
  const host = (request.headers.host ?? '').trim();
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
  if (bracketed) return bracketed[1]!;
  // A bare IPv6 literal has several colons; anything else may end in `:port`.
  if (isIPv6(host)) return host;
  return host.replace(/:\d*$/, '');
}

function unmapIPv4(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

function clientAllowList(networks: readonly string[]): BlockList | null {
  if (networks.length === 0) return null;
  const list = new BlockList();
  for (const network of networks) {
    const [address = '', prefix] = network.split('/');
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

function clientAllowed(list: BlockList, remote: string): boolean {
  const address = unmapIPv4(remote);
  if (isIPv4(address)) return list.check(address, 'ipv4');
  return isIPv6(address) && list.check(address, 'ipv6');
}
