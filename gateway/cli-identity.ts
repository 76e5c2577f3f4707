/**
 * Operator commands for identity: `cloudfed users add|list|disable` and
 * `cloudfed token issue|revoke` (user and component tokens). They open the same store as the
 * server and go through the graph (the merged schema, run in-process as the system), so every
 * rule of the users subgraph applies exactly as it does for the server.
 *
 * Output is for scripts: one record per line, tab-separated, in a fixed column order (see
 * IDENTITY_USAGE); `--json` prints JSON instead. Errors go to stderr with exit code 1 (graph
 * refusals) or 2 (usage).
 */
import { parseArgs } from 'node:util';
import { parse, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { loadConfig } from '../src/config/index.js';
import { composeGraph } from '../src/compose/index.js';
import { openBackends } from '../src/drivers/index.js';
import { SYSTEM } from '../src/identity/index.js';
import type { GraphFailure } from '../src/shims/index.js';
import { buildSubgraphs } from '../src/subgraphs/index.js';
import { createLogger } from './log.js';
import { buildMergedSchema } from './merged.js';
import { prepareStore } from './setup.js';
import { createGraphExecutor, schemaRunner } from './shims.js';

export const IDENTITY_USAGE = `Identity commands (same store as the server; --config FILE as for serve):
  cloudfed users add EMAIL [--name NAME] [--uuid UUID] [--id N] [--group G]... [--admin]
                           [--inactive] [--pending-terms] [--realm ID] [--json]
  cloudfed users list [--json]
  cloudfed users disable USER [--json]                 USER: a UUID or a username (e-mail)
  cloudfed token issue USER [--lifetime SECONDS] [--json]
  cloudfed token issue --component NAME [--lifetime SECONDS] [--json]
  cloudfed token revoke USER | --component NAME

Output, one line per record, tab-separated:
  users add|list|disable: UUID  NUMERIC_ID  USERNAME  ACTIVE  TERMS_ACCEPTED  ADMIN  GROUPS(comma-separated)
  token issue: the token alone; with --json {"token", "expiresAt", "user" | "component"}
  token revoke: "revoked" TAB the UUID or component name
`;

export interface IdentityIo {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: IdentityIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A mistake in how the command was called (exit code 2). */
export class IdentityUsageError extends Error {
  override name = 'UsageError';
}

/** A refusal from the graph (exit code 1), with its code and reason. */
class GraphRefusal extends Error {
  constructor(failure: GraphFailure) {
    super(`${failure.message} (${failure.code}${failure.reason ? ` ${failure.reason}` : ''})`);
  }
}

const USER_FIELDS = 'id numericId username active termsAccepted admin groups';

interface UserRow {
  id: string;
  numericId: number;
  username: string;
  active: boolean;
  termsAccepted: boolean;
  admin: boolean;
  groups: string[];
}

const doc = <R, V extends Record<string, unknown> = Record<string, unknown>>(source: string) =>
  parse(source) as DocumentNode as TypedDocumentNode<R, V>;

const ADD_USER = doc<{ addUser: UserRow }>(
  `mutation CliAddUser($input: UserAddInput!) { addUser(input: $input) { ${USER_FIELDS} } }`,
);
interface UserPage {
  nodes: UserRow[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const LIST_USERS = doc<{ users: UserPage }, { after: string | null }>(
  `query CliUsers($after: String) { users(first: 500, after: $after) { nodes { ${USER_FIELDS} } pageInfo { hasNextPage endCursor } } }`,
);
const DISABLE_USER = doc<{ disableUser: UserRow }>(
  `mutation CliDisableUser($id: ID!) { disableUser(id: $id) { ${USER_FIELDS} } }`,
);
const FIND_USER = doc<{ userCatalogs: { displayNameCatalog: { uuid: string }[] } }>(
  `query CliFindUser($name: String!) { userCatalogs(displayNames: [$name]) { displayNameCatalog { uuid } } }`,
);
const ISSUE_USER_TOKEN = doc<{
  issueUserToken: { token: string; expiresAt: string; user: { id: string; username: string } };
}>(
  `mutation CliIssueUserToken($id: ID!, $lifetime: Int) { issueUserToken(id: $id, lifetimeSeconds: $lifetime) { token expiresAt user { id username } } }`,
);
const REVOKE_USER_TOKEN = doc<{ revokeUserToken: { id: string } }>(
  `mutation CliRevokeUserToken($id: ID!) { revokeUserToken(id: $id) { id } }`,
);
const ISSUE_COMPONENT_TOKEN = doc<{
  renewComponentToken: { token: string; expiresAt: string; component: { name: string } };
}>(
  `mutation CliRenewComponentToken($name: ID!, $lifetime: Int) { renewComponentToken(name: $name, lifetimeSeconds: $lifetime) { token expiresAt component { name } } }`,
);
const REVOKE_COMPONENT_TOKEN = doc<{ revokeComponentToken: { name: string } }>(
  `mutation CliRevokeComponentToken($name: ID!) { revokeComponentToken(name: $name) { name } }`,
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Runs `users …` or `token …`; resolves with the exit code. `root` is the package root (where
 * the demo datacenter is, for a new store).
 */
export async function identityCommand(
  command: 'users' | 'token',
  argv: readonly string[],
  root: string,
  io: IdentityIo = STDIO,
): Promise<number> {
  try {
    return await identity(command, argv, root, io);
  } catch (error) {
    if (!(error instanceof IdentityUsageError)) throw error;
    io.err(`cloudfed: ${error.message}\nRun "cloudfed ${command} --help" for usage.\n`);
    return 2;
  }
}

async function identity(
  command: 'users' | 'token',
  argv: readonly string[],
  root: string,
  io: IdentityIo,
): Promise<number> {
  let parsed: ReturnType<typeof parseIdentityArgs>;
  try {
    parsed = parseIdentityArgs(argv);
  } catch (error) {
    throw new IdentityUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(IDENTITY_USAGE);
    return 0;
  }
  const [action, ...args] = positionals;
  const config = loadConfig({ file: values.config });
  const backends = openBackends(config);
  try {
    const prepared = await prepareStore(config, backends, root);
    if (prepared.token) io.err(`New store: admin token (shown once, keep it): ${prepared.token}\n`);
    const subgraphs = buildSubgraphs(backends.sources);
    const schema = buildMergedSchema(subgraphs, composeGraph(subgraphs).apiSdl);
    const graph = createGraphExecutor(schemaRunner(schema), createLogger('cli'));
    const run = async <R, V extends Record<string, unknown>>(
      operation: TypedDocumentNode<R, V>,
      variables: V,
    ): Promise<R> => {
      const result = await graph.execute(operation, variables, { principal: SYSTEM });
      if (!result.ok) throw new GraphRefusal(result.errors[0]!);
      return result.data;
    };
    try {
      if (command === 'users') return await users(action, args, values, run, io);
      return await tokens(action, args, values, run, io);
    } catch (error) {
      if (error instanceof GraphRefusal) {
        io.err(`cloudfed: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  } finally {
    backends.close();
  }
}

function parseIdentityArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      name: { type: 'string' },
      uuid: { type: 'string' },
      id: { type: 'string' },
      group: { type: 'string', multiple: true },
      admin: { type: 'boolean' },
      inactive: { type: 'boolean' },
      'pending-terms': { type: 'boolean' },
      realm: { type: 'string' },
      component: { type: 'string' },
      lifetime: { type: 'string' },
    },
  });
}

type Values = ReturnType<typeof parseIdentityArgs>['values'];
type Run = <R, V extends Record<string, unknown>>(
  operation: TypedDocumentNode<R, V>,
  variables: V,
) => Promise<R>;

async function users(
  action: string | undefined,
  args: string[],
  values: Values,
  run: Run,
  io: IdentityIo,
): Promise<number> {
  const print = (rows: UserRow[]) =>
    io.out(values.json ? `${JSON.stringify(rows)}\n` : rows.map((row) => `${userLine(row)}\n`).join(''));
  switch (action) {
    case 'add': {
      const [username, ...extra] = args;
      if (!username || extra.length) throw new IdentityUsageError('users add takes one EMAIL');
      const input: Record<string, unknown> = { username: username.toLowerCase() };
      if (values.name !== undefined) input.realName = values.name;
      if (values.uuid !== undefined) input.id = values.uuid;
      if (values.id !== undefined) input.numericId = positiveInteger(values.id, '--id');
      if (values.group?.length) input.groups = values.group;
      if (values.admin) input.admin = true;
      if (values.inactive) input.active = false;
      if (values['pending-terms']) input.termsAccepted = false;
      if (values.realm !== undefined) input.realm = values.realm;
      const { addUser } = await run(ADD_USER, { input });
      print([addUser]);
      return 0;
    }
    case 'list': {
      if (args.length) throw new IdentityUsageError('users list takes no arguments');
      const rows: UserRow[] = [];
      let after: string | null = null;
      for (;;) {
        const page: UserPage = (await run(LIST_USERS, { after })).users;
        rows.push(...page.nodes);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      print(rows);
      return 0;
    }
    case 'disable': {
      const [user, ...extra] = args;
      if (!user || extra.length) throw new IdentityUsageError('users disable takes one USER');
      const { disableUser } = await run(DISABLE_USER, { id: await userId(user, run) });
      print([disableUser]);
      return 0;
    }
    default:
      throw new IdentityUsageError(`users needs add, list or disable${action ? `, not "${action}"` : ''}`);
  }
}

async function tokens(
  action: string | undefined,
  args: string[],
  values: Values,
  run: Run,
  io: IdentityIo,
): Promise<number> {
  const component = values.component;
  if (component !== undefined ? args.length !== 0 : args.length !== 1) {
    throw new IdentityUsageError(`token ${action ?? 'issue|revoke'} takes one USER or --component NAME`);
  }
  const lifetime = values.lifetime !== undefined ? positiveInteger(values.lifetime, '--lifetime') : null;
  switch (action) {
    case 'issue': {
      if (component !== undefined) {
        const { renewComponentToken: issued } = await run(ISSUE_COMPONENT_TOKEN, {
          name: component,
          lifetime,
        });
        io.out(
          values.json
            ? `${JSON.stringify({ token: issued.token, expiresAt: issued.expiresAt, component: issued.component.name })}\n`
            : `${issued.token}\n`,
        );
        return 0;
      }
      const { issueUserToken: issued } = await run(ISSUE_USER_TOKEN, {
        id: await userId(args[0]!, run),
        lifetime,
      });
      io.out(
        values.json
          ? `${JSON.stringify({ token: issued.token, expiresAt: issued.expiresAt, user: issued.user.id })}\n`
          : `${issued.token}\n`,
      );
      return 0;
    }
    case 'revoke': {
      if (lifetime !== null) throw new IdentityUsageError('token revoke takes no --lifetime');
      if (component !== undefined) {
        const { revokeComponentToken } = await run(REVOKE_COMPONENT_TOKEN, { name: component });
        io.out(`revoked\t${revokeComponentToken.name}\n`);
        return 0;
      }
      const { revokeUserToken } = await run(REVOKE_USER_TOKEN, { id: await userId(args[0]!, run) });
      io.out(`revoked\t${revokeUserToken.id}\n`);
      return 0;
    }
    default:
      throw new IdentityUsageError(`token needs issue or revoke${action ? `, not "${action}"` : ''}`);
  }
}

/** A UUID as given, or the UUID of the user with this username (matched ignoring case). */
async function userId(given: string, run: Run): Promise<string> {
  if (UUID.test(given)) return given;
  const { userCatalogs } = await run(FIND_USER, { name: given });
  const found = userCatalogs.displayNameCatalog[0];
  if (!found)
    throw new GraphRefusal({
      message: `No user ${given}`,
      code: 'NOT_FOUND',
      reason: 'USER_NOT_FOUND',
      extensions: {},
    });
  return found.uuid;
}

function userLine(row: UserRow): string {
  return [
    row.id,
    row.numericId,
    row.username,
    row.active,
    row.termsAccepted,
    row.admin,
    row.groups.join(','),
  ].join('\t');
}

function positiveInteger(text: string, option: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new IdentityUsageError(`${option} must be a positive integer, got "${text}"`);
  }
  return Number(text);
}
