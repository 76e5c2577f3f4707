/**
 * The libvirt domain XML parser: a pure function of the document, hardened against hostile input.
 * Document type declarations are refused outright (no entity can be declared, so none can be
 * expanded or fetched), entity processing is off in the parser, and the size is capped.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { badInput } from '../../errors/index.js';
import type { DomainDefinition, VmControllerRecord, VmDiskRecord, VmNicRecord } from './source.js';
import { checkVmName, UUID_PATTERN } from './rules.js';

/** Largest definition accepted, in bytes (UTF-8). Real domain XML is a few KiB. */
export const MAX_XML_BYTES = 1024 * 1024;
/** Deepest element nesting accepted (libvirt definitions are about 5 levels deep). */
export const MAX_XML_DEPTH = 64;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Node = Record<string, unknown>;

function invalid(detail: string): Error {
  return badInput(`The libvirt XML document is not valid: ${detail}`, { reason: 'INVALID_XML', detail });
}

/** Decodes the five predefined XML entities and character references; nothing else is expanded. */
function decode(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(
    /&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g,
    (_match, entity: string) => {
      switch (entity) {
        case 'lt':
          return '<';
        case 'gt':
          return '>';
        case 'amp':
          return '&';
        case 'quot':
          return '"';
        case 'apos':
          return "'";
      }
      const code = entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
    },
  );
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function node(value: unknown): Node | undefined {
  const item = first(value);
  if (item === undefined || item === null) return undefined;
  if (typeof item === 'string') return { '#text': item };
  return typeof item === 'object' ? (item as Node) : undefined;
}

/** The text content of an element (null when absent). */
function text(value: unknown): string | null {
  const item = first(value);
  if (item === undefined || item === null) return null;
  if (typeof item === 'string') return decode(item);
  if (typeof item === 'object') {
    const inner = (item as Node)['#text'];
    return typeof inner === 'string' ? decode(inner) : inner === undefined ? '' : String(inner);
  }
  return String(item);
}

function attr(element: Node | undefined, name: string): string | null {
  const value = element?.[`@_${name}`];
  return typeof value === 'string' ? decode(value) : null;
}

/** Maximum nesting depth, by a linear scan (before the parser recurses into the document). */
function nestingDepth(xml: string): number {
  let depth = 0;
  let max = 0;
  const tag = /<(\/?)([A-Za-z_][^\s/>]*)[^>]*?(\/?)>/g;
  for (let match = tag.exec(xml); match; match = tag.exec(xml)) {
    if (match[1]) depth -= 1;
    else if (!match[3]) {
      depth += 1;
      if (depth > max) max = depth;
    }
  }
  return max;
}

const UNIT_MIB: Record<string, number> = {
  b: 1 / (1024 * 1024),
  bytes: 1 / (1024 * 1024),
  kb: 1000 / (1024 * 1024),
  k: 1 / 1024,
  kib: 1 / 1024,
  mb: 1000 ** 2 / 1024 ** 2,
  m: 1,
  mib: 1,
  gb: 1000 ** 3 / 1024 ** 2,
  g: 1024,
  gib: 1024,
  tb: 1000 ** 4 / 1024 ** 2,
  t: 1024 ** 2,
  tib: 1024 ** 2,
};

function positiveInt(value: string | null, what: string): number {
  if (value === null || !/^[0-9]{1,12}$/.test(value.trim())) throw invalid(`${what} must be a whole number`);
  return Number(value.trim());
}

export interface ParseDomainOptions {
  /** Whether `<uuid>` must be present (define); modify keeps the addressed VM's UUID. */
  requireUuid?: boolean;
}

/**
 * Parses a libvirt domain definition. Fails with BAD_USER_INPUT reason INVALID_XML (the cause in
 * `detail`) when the document is empty, too large, declares a document type or entities, is not
 * well-formed, has no `<domain>` root, or lacks a valid `<name>`/`<uuid>`/`<memory>`.
 * Returns the definition; `uuid` is '' when absent and not required.
 */
export function parseDomainXml(xml: string, options: ParseDomainOptions = {}): DomainDefinition {
  const requireUuid = options.requireUuid ?? true;
  if (typeof xml !== 'string' || xml.trim() === '') throw invalid('the document is empty');
  if (xml.length > MAX_XML_BYTES || Buffer.byteLength(xml, 'utf8') > MAX_XML_BYTES) {
    throw invalid(`the document is larger than ${MAX_XML_BYTES} bytes`);
  }
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw invalid('document type declarations and entities are not allowed');
  }
  if (nestingDepth(xml) > MAX_XML_DEPTH) throw invalid(`elements are nested deeper than ${MAX_XML_DEPTH}`);
  let parsed: Node;
  try {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) throw invalid(`${valid.err.msg} (line ${valid.err.line})`);
    parsed = parser.parse(xml) as Node;
  } catch (error) {
    if ((error as { extensions?: { reason?: string } }).extensions?.reason === 'INVALID_XML') throw error;
    throw invalid('the document is not well-formed');
  }
  const roots = Object.keys(parsed).filter((key) => !key.startsWith('?') && key !== '#comment');
  if (roots.length !== 1 || roots[0] !== 'domain') throw invalid('the root element must be <domain>');
  const domain = node(parsed.domain) ?? {};

  const name = text(domain.name)?.trim() ?? '';
  if (!name) throw invalid('<name> is missing');
  try {
    checkVmName(name);
  } catch {
    throw invalid(`<name> '${name}' is not a valid VM name`);
  }
  const rawUuid = text(domain.uuid)?.trim() ?? '';
  if (!rawUuid && requireUuid) throw invalid('<uuid> is missing');
  if (rawUuid && !UUID_PATTERN.test(rawUuid)) throw invalid(`<uuid> '${rawUuid}' is not a valid UUID`);

  const memoryElement = node(domain.memory);
  const amount = text(domain.memory)?.trim() ?? '';
  if (!amount) throw invalid('<memory> is missing');
  const unit = attr(memoryElement, 'unit');
  const factor = UNIT_MIB[(unit ?? 'KiB').toLowerCase()];
  if (factor === undefined) throw invalid(`<memory> unit '${unit}' is unknown`);
  const mib = Math.floor(positiveInt(amount, '<memory>') * factor);

  const vcpuText = text(domain.vcpu)?.trim() || '1';
  const vcpus = positiveInt(vcpuText, '<vcpu>');

  const topologyElement = node(node(domain.cpu)?.topology);
  const topology = topologyElement
    ? {
        sockets: positiveInt(attr(topologyElement, 'sockets') ?? '1', 'topology sockets'),
        cores: positiveInt(attr(topologyElement, 'cores') ?? '1', 'topology cores'),
        threads: positiveInt(attr(topologyElement, 'threads') ?? '1', 'topology threads'),
      }
    : null;

  const osType = node(node(domain.os)?.type);
  const devices = node(domain.devices) ?? {};
  const features = node(domain.features);

  const nics: VmNicRecord[] = list(devices.interface).map((item) => {
    const nic = node(item) ?? {};
    const type = attr(nic, 'type');
    return {
      type,
      mac: attr(node(nic.mac), 'address'),
      source: type ? attr(node(nic.source), type === 'direct' ? 'dev' : type) : null,
      model: attr(node(nic.model), 'type'),
    };
  });

  const disks: VmDiskRecord[] = list(devices.disk).map((item) => {
    const disk = node(item) ?? {};
    const type = attr(disk, 'type');
    const source = node(disk.source);
    const target = node(disk.target);
    const dev = attr(target, 'dev');
    const bus = attr(target, 'bus');
    if (type === 'network') return { type: attr(source, 'protocol'), name: attr(source, 'name'), dev, bus };
    if (type === 'file') return { type: 'file', name: attr(source, 'file'), dev, bus };
    return { type: null, name: null, dev: null, bus: null };
  });

  const controllers: VmControllerRecord[] = list(devices.controller).map((item) => {
    const controller = node(item) ?? {};
    return { type: attr(controller, 'type'), model: attr(controller, 'model') ?? 'none' };
  });

  const graphicsElement = node(devices.graphics);
  const graphicsType = attr(graphicsElement, 'type');
  const portText = attr(graphicsElement, 'port');
  const port = portText && /^[0-9]{1,5}$/.test(portText) ? Number(portText) : null;

  return {
    name,
    uuid: rawUuid.toLowerCase(),
    description: text(domain.description),
    memory: { amount, unit, mib },
    vcpuText,
    vcpus,
    topology,
    osType: text(osType),
    arch: attr(osType, 'arch'),
    machine: attr(osType, 'machine'),
    consoleType: attr(node(devices.console), 'type'),
    emulator: text(devices.emulator),
    features: features
      ? Object.keys(features).filter((key) => !key.startsWith('@_') && !key.startsWith('#'))
      : [],
    nics,
    disks,
    controllers,
    graphics: graphicsType
      ? { protocol: graphicsType, port, password: attr(graphicsElement, 'passwd') }
      : null,
  };
}
