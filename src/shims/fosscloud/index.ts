/**
 * The FOSS-Cloud vm-manager API (`/vm-manager/api/…`): HTTP Basic login in a realm, realms, VM
 * lists, dynamic-pool assignment and the FC4School MAC mapping calls, answered exactly as
 * vm-manager 1.3.2 did (see compat/fosscloud.md). Every call after the login runs as the
 * authenticated user, so the graph's own authorization and rights rules apply.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config/index.js';
import type { FosscloudShimSettings } from '../../config/fosscloud.js';
import type { Principal } from '../../identity/index.js';
import {
  FosscloudAssignDocument,
  FosscloudClientMacDocument,
  FosscloudLoginDocument,
  FosscloudMappingAssignDocument,
  FosscloudMappingListDocument,
  FosscloudRealmsDocument,
  FosscloudVmListDocument,
  type FosscloudLoginQuery,
  type FosscloudVmListQuery,
  type UserViewRight,
} from '../__generated__/graphql.js';
import {
  failureWith,
  send,
  type Caller,
  type GraphFailure,
  type GraphResult,
  type Shim,
  type ShimDependencies,
  type ShimResponse,
} from '../kit/index.js';
import {
  errorResponse,
  failureResponse,
  placeholderObject,
  realmObject,
  successResponse,
  vmObject,
  type FosscloudError,
} from './responses.js';
import { matchRoute, type FosscloudRoute } from './routes.js';
import type { PhpJson } from './json.js';

export { encodePhpJson, numericCheck } from './json.js';
export { matchRoute } from './routes.js';

const MAC = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
/** Characters PHP's trim() removes: what counts as a blank user name or password. */
const BLANK = /^[ \t\n\r\0\x0B]*$/;
const ANONYMOUS: Principal = { kind: 'anonymous' };

/** An early answer, thrown through the request's steps. */
class Answer {
  constructor(readonly response: ShimResponse) {}
}

const answer = (error: FosscloudError) => new Answer(errorResponse(error));

export function createFosscloudShim(config: Config, dependencies: ShimDependencies): Shim | null {
  return fosscloudShim(config.shims.fosscloud, dependencies);
}

export function fosscloudShim(settings: FosscloudShimSettings, dependencies: ShimDependencies): Shim {
  const { graph, log } = dependencies;

  async function run<R, V extends Record<string, unknown>>(
    operation: Parameters<typeof graph.execute<R, V>>[0],
    variables: V,
    caller: Caller,
    conditions: readonly (readonly [GraphFailure['code'], string | undefined, FosscloudError])[] = [],
  ): Promise<R> {
    const result: GraphResult<R> = await graph.execute(operation, variables, caller);
    if (result.ok) return result.data;
    for (const [code, reason, error] of conditions) {
      if (failureWith(result.errors, code, reason)) throw answer(error);
    }
    throw new Answer(failureResponse(result.errors[0]?.message ?? 'Unexpected failure'));
  }

  /** §4: Basic credentials, blank check before any graph call, then the login in the realm. */
  async function login(request: IncomingMessage, realm: string, requestId: string): Promise<Caller> {
    const header = request.headers.authorization ?? '';
    const match = /^Basic +([A-Za-z0-9+/]*={0,2}) *$/i.exec(header);
    if (!match || match[1]!.length % 4 === 1) throw answer('httpAuthMissing');
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw answer('httpAuthMissing');
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    if (BLANK.test(username) || BLANK.test(password)) throw answer('credentialsEmpty');
    const data: FosscloudLoginQuery = await run(
      FosscloudLoginDocument,
      { username, password, realm },
      { principal: ANONYMOUS, requestId },
      [
        ['BAD_USER_INPUT', 'EMPTY_CREDENTIALS', 'credentialsEmpty'],
        ['UNAUTHENTICATED', 'REALM_NOT_FOUND', 'incorrectRealm'],
        ['UNAUTHENTICATED', 'WRONG_REALM', 'incorrectRealm'],
        ['UNAUTHENTICATED', 'BAD_CREDENTIALS', 'incorrectCredentials'],
        ['UNAUTHENTICATED', 'USER_INACTIVE', 'incorrectCredentials'],
        ['UNAUTHENTICATED', 'NO_DEFAULT_REALM', 'incorrectRealm'],
      ],
    );
    const user = data.authenticateUser;
    return {
      principal: {
        kind: 'user',
        id: user.id,
        name: user.username,
        admin: user.admin,
        groups: [...user.groups],
        rights: {
          dynamicVmView: right(user.rights.dynamicVmView),
          persistentVmView: right(user.rights.persistentVmView),
        },
      },
      requestId,
    };
  }

  async function listVms(
    route: FosscloudRoute,
    caller: Caller,
    serverAddress: string,
  ): Promise<ShimResponse> {
    const type = route.type ?? '';
    const wanted =
      type === '' || type === 'owner'
        ? { dynamic: true, all: false, persistent: true }
        : type === 'dynamic'
          ? { dynamic: true, all: false, persistent: false }
          : type === 'persistent'
            ? { dynamic: false, all: false, persistent: true }
            : type === 'all'
              ? { dynamic: false, all: true, persistent: true }
              : null;
    if (!wanted) throw answer('unknownType');
    const vms: PhpJson[] = [];
    const conditions = [['FORBIDDEN', 'DYNAMIC_VIEW_ALL_REQUIRED', 'listAllForbidden']] as const;
    const page: FosscloudVmListQuery = await run(
      FosscloudVmListDocument,
      { ...wanted, after: null },
      caller,
      conditions,
    );
    for (const entry of page.myDynamicVmEntries ?? []) {
      vms.push(
        entry.vm && entry.status === 'ASSIGNED'
          ? vmObject(entry.vm, { name: entry.pool.name, status: 'assigned', serverAddress })
          : placeholderObject(entry.pool),
      );
    }
    // Every dynamic VM, page after page (the graph's pages are bounded).
    let dynamic = page.dynamicVirtualMachines ?? null;
    while (dynamic) {
      for (const vm of dynamic.nodes) {
        vms.push(
          vmObject(vm, {
            status: vm.assignmentStatus === 'ASSIGNED' ? 'assigned' : 'assignable',
            serverAddress,
            hideConsole: vm.subtype === 'Golden-Image',
          }),
        );
      }
      const after = dynamic.pageInfo.hasNextPage ? dynamic.pageInfo.endCursor : null;
      dynamic = after
        ? ((
            await run(
              FosscloudVmListDocument,
              { dynamic: false, all: true, persistent: false, after },
              caller,
              conditions,
            )
          ).dynamicVirtualMachines ?? null)
        : null;
    }
    for (const vm of page.myPersistentVms ?? []) {
      vms.push(vmObject(vm, { status: vm.running ? 'online' : 'offline', serverAddress }));
    }
    return successResponse(200031, { vms });
  }

  /** §6.5 step 2: the MAC given in the request, or the one the graph knows for the client's IP. */
  async function macOf(
    route: FosscloudRoute,
    caller: Caller,
    clientIp: string,
    disabled: FosscloudError,
  ): Promise<string | null> {
    if (route.mac !== null) {
      if (!settings.macByParameter) throw answer(disabled);
      return route.mac;
    }
    const ip = clientIp.startsWith('::ffff:') ? clientIp.slice('::ffff:'.length) : clientIp;
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return null;
    const data = await run(FosscloudClientMacDocument, { ip }, caller);
    return data.clientMacAddress;
  }

  async function handleRoute(request: IncomingMessage, route: FosscloudRoute): Promise<ShimResponse> {
    if (!settings.enable) throw answer('notEnabled');
    if (settings.defaultRealm === '') throw answer('noDefaultRealm');
    // One id for every graph call of this request, so the server log ties them together.
    const requestId = randomUUID();
    const serverAddress = plainAddress(request.socket.localAddress ?? '');
    const clientAddress = request.socket.remoteAddress ?? '';
    if (route.action === 'realms') {
      const data = await run(FosscloudRealmsDocument, {}, { principal: ANONYMOUS, requestId });
      const realms = data.realms
        .filter((realm) => realm.id !== '')
        .map((realm) => realmObject(realm, settings.defaultRealm));
      return successResponse(200011, { realms });
    }
    const realm = route.realm !== null && route.realm !== '' ? route.realm : settings.defaultRealm;
    const caller = await login(request, realm, requestId);
    switch (route.action) {
      case 'login':
        return successResponse(200001);
      case 'list':
        return listVms(route, caller, serverAddress);
      case 'assign': {
        const data = await run(FosscloudAssignDocument, { pool: route.pool! }, caller, [
          ['NOT_FOUND', 'POOL_NOT_FOUND', 'poolNotFound'],
          ['CONFLICT', 'NO_FREE_VM', 'noFreeVm'],
        ]);
        const entry = data.assignVmFromPool;
        if (!entry.vm) throw answer('noFreeVm');
        return successResponse(200041, {
          vm: vmObject(entry.vm, { name: entry.pool.name, status: 'assigned', serverAddress }),
        });
      }
      case 'mappingList': {
        const mac = await macOf(route, caller, clientAddress, 'listMacByParameter');
        if (!settings.mappingEnabled) throw answer('listNoSchoolModule');
        if (mac === null || !MAC.test(mac)) throw answer('listInvalidMac');
        const data = await run(FosscloudMappingListDocument, { mac }, caller, [
          ['BAD_USER_INPUT', 'INVALID_MAC', 'listInvalidMac'],
          ['FORBIDDEN', 'NOT_DYNVM_USER', 'listNotDynVmUser'],
          ['NOT_FOUND', 'NO_VM_FOR_MAC', 'listNoVmForMac'],
        ]);
        const match = data.vmByMac;
        return successResponse(200051, {
          vm: match.assigned
            ? vmObject(match.vm, {
                name: match.pool?.name ?? match.vm.name,
                status: 'assigned',
                serverAddress,
              })
            : placeholderObject(match.pool),
        });
      }
      case 'mappingAssign': {
        const mac = await macOf(route, caller, clientAddress, 'assignMacByParameter');
        if (!settings.mappingEnabled) throw answer('assignNoSchoolModule');
        if (mac === null || !MAC.test(mac)) throw answer('assignInvalidMac');
        const data = await run(FosscloudMappingAssignDocument, { pool: route.pool!, mac }, caller, [
          ['BAD_USER_INPUT', 'INVALID_MAC', 'assignInvalidMac'],
          ['FORBIDDEN', 'NOT_DYNVM_USER', 'assignNotDynVmUser'],
          ['NOT_FOUND', 'NO_VM_FOR_MAC', 'assignNoVmForMac'],
          ['BAD_USER_INPUT', 'POOL_INVALID', 'assignPoolInvalid'],
          ['CONFLICT', 'ALREADY_ASSIGNED', 'assignAlreadyAssigned'],
        ]);
        const entry = data.assignVmByMac;
        if (!entry.vm) throw answer('assignNoVmForMac');
        return successResponse(200061, {
          vm: vmObject(entry.vm, { name: entry.pool.name, status: 'assigned', serverAddress }),
        });
      }
    }
  }

  return {
    name: 'fosscloud',
    prefixes: ['/vm-manager/api'],
    async handle(request: IncomingMessage, response: ServerResponse) {
      request.resume();
      let reply: ShimResponse;
      try {
        if (request.method !== 'GET') throw answer('unknownAction');
        const route = matchRoute(request.url ?? '/');
        if (!route) throw answer('unknownAction');
        reply = await handleRoute(request, route);
      } catch (error) {
        if (error instanceof Answer) reply = error.response;
        else {
          log.error('fosscloud request failed', {
            path: (request.url ?? '').split('?')[0],
            error: String((error as Error)?.message ?? error),
          });
          reply = failureResponse('Unexpected failure');
        }
      }
      send(response, reply);
    },
  };
}

function right(value: UserViewRight): 'all' | 'owner' | 'none' {
  return value === 'ALL' ? 'all' : value === 'NONE' ? 'none' : 'owner';
}

function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
