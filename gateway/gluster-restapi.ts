/**
 * `cloudfed gluster-restapi …`: the operator commands of the original `gluster-restapi` CLI
 * (compat/gluster-rest.md §3.1), with its messages and exit statuses. Applications are API clients
 * of the users subgraph and settings are its API settings (api `gluster`), changed through the
 * subgraph's mutations as the server itself; secrets are never printed or logged.
 */
import { execute, parse } from 'graphql';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../src/config/index.js';
import { openBackends } from '../src/drivers/index.js';
import { SYSTEM } from '../src/identity/index.js';
import {
  convertGlusterSetting,
  GLUSTER_SETTINGS,
  isGlusterSetting,
  parseGlusterSetting,
  pyDumps,
  type GlusterSettingName,
  type GlusterSettingValue,
} from '../src/shims/gluster/index.js';
import { buildSubgraph, createRequestContext } from '../src/subgraphs/index.js';

const USAGE = `Usage:
  cloudfed gluster-restapi app-add APP_ID SECRET [--config FILE]
  cloudfed gluster-restapi app-reset APP_ID SECRET [--config FILE]
  cloudfed gluster-restapi app-del APP_ID [--config FILE]
  cloudfed gluster-restapi config-get [--name NAME] [--config FILE]
  cloudfed gluster-restapi config-set NAME VALUE [--config FILE]
  cloudfed gluster-restapi config-reset NAME|all [--config FILE]
`;

export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The configuration (default: `--config FILE`, CLOUDFED_CONFIG, defaults). */
  config?: Config;
}

const STANDARD_IO: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs one `gluster-restapi` command; resolves with the exit status. */
export async function glusterRestapiCommand(args: string[], io: CommandIo = STANDARD_IO): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...operands] = positionals;
  const arity: Record<string, number> = {
    'app-add': 2,
    'app-reset': 2,
    'app-del': 1,
    'config-get': 0,
    'config-set': 2,
    'config-reset': 1,
  };
  if (!command || !(command in arity) || operands.length !== arity[command]) {
    io.stderr(USAGE);
    return 2;
  }
  const config = io.config ?? loadConfig({ file: values.config });
  const backends = openBackends(config);
  try {
    const users = buildSubgraph('users', backends.sources);
    const run = async (document: string, variables: Record<string, unknown>) => {
      const result = await execute({
        schema: users.schema,
        document: parse(document),
        variableValues: variables,
        contextValue: createRequestContext(SYSTEM),
      });
      const error = result.errors?.[0];
      return {
        data: result.data as Record<string, any> | null | undefined,
        code: error?.extensions?.code as string | undefined,
        reason: error?.extensions?.reason as string | undefined,
        message: error?.message,
      };
    };
    const fail = (message: string) => {
      io.stderr(`${message}\n`);
      return 1;
    };

    switch (command) {
      case 'app-add': {
        const result = await run(
          'mutation ($appId: ID!, $secret: String!) { addApiClient(appId: $appId, secret: $secret) { appId } }',
          { appId: operands[0], secret: operands[1] },
        );
        if (result.reason === 'APP_EXISTS') return fail('Application already exists');
        return result.message ? fail(result.message) : 0;
      }
      case 'app-reset': {
        const result = await run(
          'mutation ($appId: ID!, $secret: String!) { resetApiClient(appId: $appId, secret: $secret) { appId } }',
          { appId: operands[0], secret: operands[1] },
        );
        if (result.reason === 'APP_NOT_FOUND') return fail('Application does not exists');
        return result.message ? fail(result.message) : 0;
      }
      case 'app-del': {
        const result = await run('mutation ($appId: ID!) { deleteApiClient(appId: $appId) }', {
          appId: operands[0],
        });
        if (result.reason === 'APP_NOT_FOUND' || result.reason === 'INVALID_APP_ID')
          return fail('Application does not exists');
        return result.message ? fail(result.message) : 0;
      }
      case 'config-get': {
        const stored = await run('{ apiSettings(api: "gluster") { name value } }', {});
        if (stored.message) return fail(stored.message);
        const byName = new Map<string, string>(
          (stored.data!.apiSettings as { name: string; value: string }[]).map((entry) => [
            entry.name,
            entry.value,
          ]),
        );
        const effective = (name: GlusterSettingName): GlusterSettingValue =>
          byName.has(name) ? parseGlusterSetting(name, byName.get(name)) : configured(config, name);
        if (values.name !== undefined) {
          if (!isGlusterSetting(values.name)) return fail('Invalid Config item');
          const value = effective(values.name);
          // Python's print: booleans as True/False.
          io.stdout(`${typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value)}\n`);
          return 0;
        }
        const all: Record<string, GlusterSettingValue> = {};
        for (const name of Object.keys(GLUSTER_SETTINGS) as GlusterSettingName[]) all[name] = effective(name);
        io.stdout(`${pyDumps(all)}\n`);
        return 0;
      }
      case 'config-set': {
        const [name, text] = operands as [string, string];
        if (!isGlusterSetting(name)) return fail('Invalid Config item');
        const fileKey = LISTENER_KEYS[name];
        // The historical listener is opened at start from the configuration file, not from the store.
        if (fileKey) return fail(`${name} is set in the configuration file (${fileKey})`);
        const value = convertGlusterSetting(name, text);
        if (value === null) return fail('Invalid Config item');
        const result = await run(
          'mutation ($name: String!, $value: String!) { setApiSetting(api: "gluster", name: $name, value: $value) { name } }',
          { name, value: JSON.stringify(value) },
        );
        return result.message ? fail(result.message) : 0;
      }
      case 'config-reset': {
        const [name] = operands as [string];
        if (name !== 'all' && !isGlusterSetting(name)) return 0;
        const result = await run(
          'mutation ($name: String) { resetApiSettings(api: "gluster", name: $name) }',
          {
            name: name === 'all' ? null : name,
          },
        );
        return result.message ? fail(result.message) : 0;
      }
    }
    return 2;
  } finally {
    backends.close();
  }
}

const LISTENER_KEYS: Partial<Record<GlusterSettingName, string>> = {
  https: 'shims.gluster.listener.tls',
  port: 'shims.gluster.listener.port',
  csr: 'shims.gluster.listener.tls.cert',
  key: 'shims.gluster.listener.tls.key',
};

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: { config: { type: 'string' }, name: { type: 'string' } },
  });
}

/** A value as the configuration file sets it (before any `config-set`). */
function configured(config: Config, name: GlusterSettingName): GlusterSettingValue {
  const gluster = config.shims.gluster;
  switch (name) {
    case 'auth-enabled':
      return gluster.authEnabled;
    case 'https':
      return gluster.listener?.tls !== undefined;
    case 'port':
      return gluster.listener?.port ?? GLUSTER_SETTINGS.port.default;
    case 'csr':
      return gluster.listener?.tls?.cert ?? GLUSTER_SETTINGS.csr.default;
    case 'key':
      return gluster.listener?.tls?.key ?? GLUSTER_SETTINGS.key.default;
    default:
      return GLUSTER_SETTINGS[name].default;
  }
}
