/**
 * The route table of the Gluster REST API (compat/gluster-rest.md §6): documented URL → input
 * parsing → named operation → renderer. No rule of the Gluster domain lives here.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Caller, GraphExecutor, GraphFailure, GraphResult, ShimResponse } from '../kit/index.js';
import {
  GlusterRestBarrierDocument,
  GlusterRestCreateDocument,
  GlusterRestDeleteDocument,
  GlusterRestDetachDocument,
  GlusterRestOptionsDocument,
  GlusterRestPeersDocument,
  GlusterRestProbeDocument,
  GlusterRestRebalanceDocument,
  GlusterRestRebalanceStartDocument,
  GlusterRestRebalanceStopDocument,
  GlusterRestResetOptionDocument,
  GlusterRestSetOptionsDocument,
  GlusterRestStartDocument,
  GlusterRestStopDocument,
  GlusterRestVolumeDocument,
  GlusterRestVolumesDocument,
  GlusterRestVolumesStatusDocument,
  GlusterRestVolumeStatusOneDocument,
  type GlusterRestVolumesQuery,
  type GlusterRestVolumesStatusQuery,
  type GlusterTransport,
  type GlusterVolumeCreateInput,
} from '../__generated__/graphql.js';
import { isPyInt, parsePyJson, type PyValue, type Writable } from './pyjson.js';
import {
  commandFailure,
  errorEnvelope,
  notImplemented,
  option,
  peer,
  rebalanceStatus,
  success,
  volumeInfo,
  volumeStatus,
} from './responses.js';

/** What one request carries into a handler. */
export interface GlusterRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  contentType: string;
  body: Buffer;
  caller: Caller;
  graph: GraphExecutor;
}

export type Handler = (request: GlusterRequest) => Promise<ShimResponse>;

export interface Route {
  /** Segments after the leading `/`; `:name` is one URL-decoded segment. */
  path: readonly string[];
  methods: Partial<Record<string, Handler>>;
}

// ---------------------------------------------------------------------------------------------
// Input

/** §4: true only for exactly `1`, `True`, `true`, `Yes`, `yes`. */
export function flag(value: string | null | undefined): boolean {
  return value === '1' || value === 'True' || value === 'true' || value === 'Yes' || value === 'yes';
}

function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** The JSON body, only when the media type is `application/json`; undefined when absent or not JSON. */
function jsonBody(request: GlusterRequest): PyValue | undefined {
  if (mediaType(request.contentType) !== 'application/json' || request.body.length === 0) return undefined;
  return parsePyJson(request.body.toString('utf8'))?.value;
}

type PyObject = Extract<PyValue, { kind: 'object' }>;

function isObject(value: PyValue | undefined): value is PyObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'object';
}

/** An object's members, the last of repeated keys winning (as Python's dict), in first-seen order. */
function members(value: PyObject): Map<string, PyValue> {
  const out = new Map<string, PyValue>();
  for (const [key, item] of value.entries) out.set(key, item);
  return out;
}

/** A form field (urlencoded or multipart), first value. */
function formField(request: GlusterRequest, name: string): string | null {
  const type = mediaType(request.contentType);
  if (type === 'application/x-www-form-urlencoded') {
    return new URLSearchParams(request.body.toString('utf8')).get(name);
  }
  if (type === 'multipart/form-data') {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(request.contentType);
    const marker = boundary?.[1] ?? boundary?.[2];
    if (!marker) return null;
    for (const part of request.body.toString('latin1').split(`--${marker}`)) {
      const split = part.indexOf('\r\n\r\n');
      if (split === -1) continue;
      const head = part.slice(0, split);
      const disposition = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head);
      if (disposition?.[1] !== name || /filename=/i.test(head)) continue;
      const value = part.slice(split + 4).replace(/\r\n$/, '');
      return Buffer.from(value, 'latin1').toString('utf8');
    }
  }
  return null;
}

/** `force` of start/stop/delete: a form field, or a JSON boolean (the design document's example). */
function forceOf(request: GlusterRequest): boolean {
  const json = jsonBody(request);
  if (isObject(json)) {
    const force = members(json).get('force');
    if (typeof force === 'boolean') return force;
  }
  return flag(formField(request, 'force'));
}

const invalidBody = () => errorEnvelope(400, 'Request body must be a JSON object');
const invalidValue = (key: string) => errorEnvelope(400, `Invalid value for ${key}`);

// ---------------------------------------------------------------------------------------------
// Graph results

/** The first part of the command-line text of each mutation, for failures the graph names by condition only. */
type Mode = 'query' | { command: string };

/**
 * A failed operation as the legacy envelope: the command's exit status and text (§5); `""` as
 * text for the operations the original ran in XML mode; 400 for input the graph refused without
 * a command; else the catch-all.
 */
export function failure(errors: readonly GraphFailure[], mode: Mode, keys: Record<string, string> = {}) {
  const failed =
    errors.find((error) => typeof error.extensions.commandError === 'string') ??
    errors.find((error) => error.reason === 'COMMAND_FAILED');
  if (failed) {
    const exitCode = failed.extensions.exitCode;
    const errno = typeof exitCode === 'number' && Number.isInteger(exitCode) && exitCode !== 0 ? exitCode : 1;
    const text = typeof failed.extensions.commandError === 'string' ? failed.extensions.commandError : '';
    return commandFailure(
      errno,
      mode === 'query' || text === '' ? '' : text.endsWith('\n') ? text : `${text}\n`,
    );
  }
  const peerMissing = errors.find((error) => error.reason === 'PEER_NOT_FOUND');
  if (peerMissing && mode !== 'query') {
    return commandFailure(
      1,
      `${mode.command}: failed: ${String(peerMissing.extensions.hostname)} is not part of cluster\n`,
    );
  }
  const bad = errors.find((error) => error.code === 'BAD_USER_INPUT');
  if (bad) {
    const argument = typeof bad.extensions.argument === 'string' ? bad.extensions.argument : 'name';
    return invalidValue(keys[argument] ?? argument);
  }
  return commandFailure(1, 'Internal error');
}

type Outcome = { output: string | null };

/** Runs a mutation and answers with its text, or the CLI's standard text when the graph has none. */
async function change<TResult, TVariables extends Record<string, unknown>>(
  request: GlusterRequest,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  pick: (data: TResult) => Outcome,
  standard: string,
  command: string,
  options: { status?: number; keys?: Record<string, string> } = {},
): Promise<ShimResponse> {
  const result: GraphResult<TResult> = await request.graph.execute(document, variables, request.caller);
  if (!result.ok) return failure(result.errors, { command }, options.keys);
  const output = pick(result.data).output?.trim();
  return success(output ? output : standard, options.status ?? 200);
}

// ---------------------------------------------------------------------------------------------
// Handlers

async function listVolumes(request: GlusterRequest): Promise<ShimResponse> {
  const withStatus = flag(request.query.get('status'));
  const volumes: Writable[] = [];
  let after: string | null = null;
  for (;;) {
    if (withStatus) {
      const result: GraphResult<GlusterRestVolumesStatusQuery> = await request.graph.execute(
        GlusterRestVolumesStatusDocument,
        { after },
        request.caller,
      );
      // Bricks of volumes that are not started are not in `volume status all detail`: they show as N/A.
      const blocking = result.ok
        ? []
        : result.errors.filter((error) => error.extensions.condition !== 'NOT_STARTED');
      if (!result.ok && (blocking.length > 0 || !result.data))
        return failure(blocking.length ? blocking : result.errors, 'query');
      const page: GlusterRestVolumesStatusQuery['glusterVolumes'] = result.data!.glusterVolumes;
      volumes.push(...page.nodes.map(volumeStatus));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    } else {
      const result: GraphResult<GlusterRestVolumesQuery> = await request.graph.execute(
        GlusterRestVolumesDocument,
        { after },
        request.caller,
      );
      if (!result.ok) return failure(result.errors, 'query');
      const page: GlusterRestVolumesQuery['glusterVolumes'] = result.data.glusterVolumes;
      volumes.push(...page.nodes.map(volumeInfo));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
  }
  return success(volumes);
}

async function getVolume(request: GlusterRequest): Promise<ShimResponse> {
  const name = request.params.name!;
  if (flag(request.query.get('status'))) {
    const result = await request.graph.execute(GlusterRestVolumeStatusOneDocument, { name }, request.caller);
    if (!result.ok) return failure(result.errors, 'query');
    if (!result.data.glusterVolume) return commandFailure(1, '');
    return success([volumeStatus(result.data.glusterVolume)]);
  }
  const result = await request.graph.execute(GlusterRestVolumeDocument, { name }, request.caller);
  if (!result.ok) return failure(result.errors, 'query');
  if (!result.data.glusterVolume) return commandFailure(1, '');
  return success([volumeInfo(result.data.glusterVolume)]);
}

const COUNT_KEYS = {
  replica: 'replica',
  stripe: 'stripe',
  arbiter: 'arbiter',
  disperse: 'disperse',
  disperse_data: 'disperseData',
  redundancy: 'redundancy',
} as const;
const CREATE_KEYS = new Set([...Object.keys(COUNT_KEYS), 'bricks', 'transport', 'force']);
const TRANSPORTS: Record<string, GlusterTransport> = { tcp: 'TCP', rdma: 'RDMA', 'tcp,rdma': 'TCP_RDMA' };
const BRICK = /^[^:/\s]+:\/\S*$/;

async function createVolume(request: GlusterRequest): Promise<ShimResponse> {
  const name = request.params.name!;
  const body = jsonBody(request);
  if (!isObject(body)) return invalidBody();
  const fields = members(body);
  for (const key of fields.keys())
    if (!CREATE_KEYS.has(key)) return errorEnvelope(400, `Invalid option: ${key}`);
  const bricks = fields.get('bricks');
  if (bricks === undefined) return errorEnvelope(400, 'bricks is required');
  if (
    !Array.isArray(bricks) ||
    bricks.length === 0 ||
    !bricks.every((brick): brick is string => typeof brick === 'string' && BRICK.test(brick))
  ) {
    return invalidValue('bricks');
  }
  const input: GlusterVolumeCreateInput = {
    bricks,
    replica: 0,
    stripe: 0,
    arbiter: 0,
    disperse: 0,
    disperseData: 0,
    redundancy: 0,
    force: false,
    transport: 'TCP',
  };
  for (const [key, field] of Object.entries(COUNT_KEYS)) {
    const value = fields.get(key);
    if (value === undefined) continue;
    if (!isPyInt(value) || value.lexeme.startsWith('-') || value.lexeme.length > 9) return invalidValue(key);
    input[field] = Number(value.lexeme);
  }
  const transport = fields.get('transport');
  if (transport !== undefined) {
    if (typeof transport !== 'string' || !Object.hasOwn(TRANSPORTS, transport))
      return invalidValue('transport');
    input.transport = TRANSPORTS[transport]!;
  }
  const force = fields.get('force');
  if (force !== undefined) {
    if (typeof force !== 'boolean') return invalidValue('force');
    input.force = force;
  }
  return change(
    request,
    GlusterRestCreateDocument,
    { name, input },
    (data) => data.createGlusterVolume,
    `volume create: ${name}: success: please start the volume to access data`,
    `volume create: ${name}`,
    { keys: { disperseData: 'disperse_data' } },
  );
}

function lifecycle(action: 'start' | 'stop' | 'delete'): Handler {
  return (request) => {
    const name = request.params.name!;
    const force = forceOf(request);
    const standard = `volume ${action}: ${name}: success`;
    const command = `volume ${action}: ${name}`;
    if (action === 'start') {
      return change(
        request,
        GlusterRestStartDocument,
        { name, force },
        (d) => d.startGlusterVolume,
        standard,
        command,
      );
    }
    if (action === 'stop') {
      return change(
        request,
        GlusterRestStopDocument,
        { name, force },
        (d) => d.stopGlusterVolume,
        standard,
        command,
      );
    }
    return change(
      request,
      GlusterRestDeleteDocument,
      { name, force },
      (d) => d.deleteGlusterVolume,
      standard,
      command,
    );
  };
}

async function getOptions(request: GlusterRequest): Promise<ShimResponse> {
  const requested = request.query.get('option');
  const variables = {
    name: request.params.name!,
    option: requested && requested !== 'all' ? requested : null,
  };
  const result = await request.graph.execute(GlusterRestOptionsDocument, variables, request.caller);
  if (!result.ok) return failure(result.errors, 'query');
  if (!result.data.glusterVolume) return commandFailure(1, '');
  return success(result.data.glusterVolume.optionValues.map(option));
}

async function setOptions(request: GlusterRequest): Promise<ShimResponse> {
  const name = request.params.name!;
  const body = jsonBody(request);
  const options: { name: string; value: string }[] = [];
  if (isObject(body)) {
    for (const [key, value] of members(body)) {
      if (typeof value !== 'string') return invalidValue(key);
      options.push({ name: key, value });
    }
  } else if (Array.isArray(body)) {
    for (const pair of body) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') return invalidBody();
      if (typeof pair[1] !== 'string') return invalidValue(pair[0]);
      options.push({ name: pair[0], value: pair[1] });
    }
  } else return invalidBody();
  if (options.length === 0) return errorEnvelope(400, 'No options given');
  return change(
    request,
    GlusterRestSetOptionsDocument,
    { name, options },
    (data) => data.setGlusterVolumeOptions,
    'volume set: success',
    'volume set',
  );
}

async function resetOption(request: GlusterRequest): Promise<ShimResponse> {
  const name = request.params.name!;
  const body = jsonBody(request);
  if (!isObject(body)) return invalidBody();
  const fields = members(body);
  const optionName = fields.get('option');
  if (optionName === undefined || optionName === null) return errorEnvelope(400, 'option is required');
  if (typeof optionName !== 'string' || optionName === '') return invalidValue('option');
  const force = fields.get('force') ?? false;
  if (typeof force !== 'boolean') return invalidValue('force');
  return change(
    request,
    GlusterRestResetOptionDocument,
    { name, option: optionName, force },
    (data) => data.resetGlusterVolumeOption,
    'volume reset: success: reset volume successful',
    'volume reset',
  );
}

async function startRebalance(request: GlusterRequest): Promise<ShimResponse> {
  const name = request.params.name!;
  const body = jsonBody(request);
  let fixLayout = false;
  let force = false;
  if (body !== undefined) {
    if (!isObject(body)) return invalidBody();
    const fields = members(body);
    for (const key of ['fixed-layout', 'force'] as const) {
      const value = fields.get(key);
      if (value === undefined) continue;
      if (typeof value !== 'boolean') return invalidValue(key);
      if (key === 'force') force = value;
      else fixLayout = value;
    }
  } else if (mediaType(request.contentType) === 'application/json' && request.body.length > 0) {
    return invalidBody();
  }
  const result = await request.graph.execute(
    GlusterRestRebalanceStartDocument,
    { name, fixLayout, force },
    request.caller,
  );
  if (!result.ok) return failure(result.errors, { command: `volume rebalance: ${name}` });
  const output = result.data.startGlusterRebalance.output?.trim();
  if (output) return success(output);
  // Without the CLI's text, the standard one names the task as the CLI does, when the graph knows it.
  const status = await request.graph.execute(GlusterRestRebalanceDocument, { name }, request.caller);
  const taskId = status.ok ? status.data.glusterVolume?.rebalance?.taskId : undefined;
  return success(
    `volume rebalance: ${name}: success: Rebalance on ${name} has been started successfully. Use rebalance status command to check status of the rebalance process.${taskId ? `\nID: ${taskId}` : ''}`,
  );
}

async function stopRebalance(request: GlusterRequest): Promise<ShimResponse> {
  const name = request.params.name!;
  return change(
    request,
    GlusterRestRebalanceStopDocument,
    { name },
    (data) => data.stopGlusterRebalance,
    `volume rebalance: ${name}: success`,
    `volume rebalance: ${name}`,
  );
}

async function rebalance(request: GlusterRequest): Promise<ShimResponse> {
  const result = await request.graph.execute(
    GlusterRestRebalanceDocument,
    { name: request.params.name! },
    request.caller,
  );
  if (!result.ok) return failure(result.errors, 'query');
  const status = result.data.glusterVolume?.rebalance;
  if (!status) return commandFailure(1, '');
  return success(rebalanceStatus(status));
}

function barrier(enabled: boolean): Handler {
  return (request) =>
    change(
      request,
      GlusterRestBarrierDocument,
      { name: request.params.name!, enabled },
      (data) => data.setGlusterVolumeBarrier,
      'volume barrier: success',
      'volume barrier',
    );
}

async function peers(request: GlusterRequest): Promise<ShimResponse> {
  const result = await request.graph.execute(GlusterRestPeersDocument, {}, request.caller);
  if (!result.ok) return failure(result.errors, 'query');
  return success(result.data.glusterPeers.map(peer));
}

const PEER_KEYS = { hostname: 'fqdn' };

const probe: Handler = (request) =>
  change(
    request,
    GlusterRestProbeDocument,
    { hostname: request.params.fqdn! },
    (data) => data.probeGlusterPeer,
    'peer probe: success.',
    'peer probe',
    { status: 201, keys: PEER_KEYS },
  );

const detach: Handler = (request) =>
  change(
    request,
    GlusterRestDetachDocument,
    { hostname: request.params.fqdn! },
    (data) => data.detachGlusterPeer,
    'peer detach: success',
    'peer detach',
    { keys: PEER_KEYS },
  );

const unimplemented: Handler = async () => notImplemented();

const GEOREP = ['v1', 'georep', ':mastervol', ':slaveuser', ':slavehost', ':slavevol'];

export const ROUTES: readonly Route[] = [
  { path: ['v1', 'volumes'], methods: { GET: listVolumes } },
  {
    path: ['v1', 'volumes', ':name'],
    methods: { GET: getVolume, PUT: createVolume, DELETE: lifecycle('delete') },
  },
  { path: ['v1', 'volumes', ':name', 'start'], methods: { POST: lifecycle('start') } },
  { path: ['v1', 'volumes', ':name', 'stop'], methods: { POST: lifecycle('stop') } },
  {
    path: ['v1', 'volumes', ':name', 'options'],
    methods: { GET: getOptions, POST: setOptions, DELETE: resetOption },
  },
  { path: ['v1', 'volumes', ':name', 'rebalance', 'start'], methods: { POST: startRebalance } },
  { path: ['v1', 'volumes', ':name', 'rebalance', 'stop'], methods: { POST: stopRebalance } },
  { path: ['v1', 'volumes', ':name', 'rebalance'], methods: { GET: rebalance } },
  { path: ['v1', 'volumes', ':name', 'barrier'], methods: { POST: barrier(true), DELETE: barrier(false) } },
  { path: ['v1', 'peers'], methods: { GET: peers } },
  { path: ['v1', 'peers', ':fqdn'], methods: { PUT: probe, DELETE: detach } },
  { path: ['v1', 'georep'], methods: { GET: unimplemented } },
  { path: ['v1', 'georep', ':mastervol'], methods: { GET: unimplemented } },
  { path: GEOREP, methods: { PUT: unimplemented, GET: unimplemented, DELETE: unimplemented } },
  { path: [...GEOREP, 'start'], methods: { POST: unimplemented } },
  { path: [...GEOREP, 'stop'], methods: { POST: unimplemented } },
  {
    path: [...GEOREP, 'config'],
    methods: { GET: unimplemented, POST: unimplemented, DELETE: unimplemented },
  },
  {
    path: [...GEOREP, 'checkpoint'],
    methods: { GET: unimplemented, POST: unimplemented, DELETE: unimplemented },
  },
];
