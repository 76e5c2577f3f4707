import { badInput, notFound } from '../../errors/index.js';
import type { RequestContext } from '../kit/index.js';
import { networksLoaders } from './loaders.js';
import { MAX_VNI } from './rules.js';
import type { NetworkRecord, NetworksSource } from './source.js';

export interface NetworkIdentifier {
  vni?: string | null | undefined;
  description?: string | null | undefined;
}

/** The identifier exactly as given, for messages. */
export function identifierText(identifier: NetworkIdentifier): string {
  return identifier.vni ?? identifier.description ?? '';
}

/** BAD_USER_INPUT NETWORK_IDENTIFIER_REQUIRED unless exactly one of vni and description is given. */
export function checkIdentifier(identifier: NetworkIdentifier): void {
  const given = [identifier.vni, identifier.description].filter(
    (value) => value !== null && value !== undefined,
  );
  if (given.length !== 1) {
    throw badInput('Identify the network by exactly one of vni or description', {
      reason: 'NETWORK_IDENTIFIER_REQUIRED',
    });
  }
}

/** A VNI in canonical decimal form, or null when the text can be no stored VNI. */
function vniOf(text: string): number | null {
  if (!/^[1-9][0-9]{0,7}$/.test(text)) return null;
  const vni = Number(text);
  return vni <= MAX_VNI ? vni : null;
}

/**
 * Finds a network by VNI or exact description. With `fresh`, bypasses this request's loaders
 * (mutations must see the store as it is now).
 */
export async function findNetwork(
  context: RequestContext,
  source: NetworksSource,
  identifier: NetworkIdentifier,
  fresh = false,
): Promise<NetworkRecord | null> {
  checkIdentifier(identifier);
  if (identifier.vni !== null && identifier.vni !== undefined) {
    const vni = vniOf(identifier.vni);
    if (vni === null) return null;
    if (fresh) return (await source.getNetworksByVni([vni]))[0] ?? null;
    return networksLoaders(context, source).networkByVni.load(vni);
  }
  const description = identifier.description!;
  if (fresh) return (await source.getNetworksByDescription([description]))[0] ?? null;
  return networksLoaders(context, source).networkByDescription.load(description);
}

export function networkNotFound(identifier: NetworkIdentifier) {
  const network = identifierText(identifier);
  return notFound(`Could not find network '${network}' in the cluster!`, {
    reason: 'NETWORK_NOT_FOUND',
    network,
  });
}

/** Like `findNetwork` from the store as it is now, but NOT_FOUND NETWORK_NOT_FOUND when absent. */
export async function requireNetwork(
  context: RequestContext,
  source: NetworksSource,
  identifier: NetworkIdentifier,
): Promise<NetworkRecord> {
  const network = await findNetwork(context, source, identifier, true);
  if (!network) throw networkNotFound(identifier);
  return network;
}
