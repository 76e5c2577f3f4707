import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { badInput, conflict, notFound } from '../../errors/index.js';
import { requireAuthenticated, requirePrivileged, type RequestContext } from '../kit/index.js';
import { networksLoaders } from './loaders.js';
import { checkIdentifier, requireNetwork } from './lookup.js';
import { AclAddInput, NetworkLookup } from './network.inputs.js';
import { Acl, Network } from './network.type.js';
import { checkDirection, DESCRIPTION_PATTERN, isRuleLine, MAX_RULE_LENGTH } from './rules.js';
import type { AclDirection, NetworksSource } from './source.js';

/** A 0-based chain position: decimal digits; null when absent or empty (append). */
function parseOrder(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (!/^[0-9]{1,9}$/.test(value)) {
    throw badInput(`The ACL order '${value}' is not valid: it must be a non-negative integer.`, {
      reason: 'INVALID_ORDER',
      argument: 'order',
      order: value,
    });
  }
  return Number(value);
}

@Resolver(() => Acl)
export class AclResolver {
  constructor(private readonly source: NetworksSource) {}

  @FieldResolver(() => Network, { nullable: true, description: 'The network the rule belongs to.' })
  async network(@Root() acl: Acl, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const record = await networksLoaders(context, this.source).networkByVni.load(acl.record.vni);
    return record ? Network.from(record) : null;
  }

  @Mutation(() => Acl, {
    description:
      'Inserts a firewall rule before the rule now at `order` in its chain (appended when `order` is absent, empty or beyond the end). Checks in order: DIRECTION_REQUIRED, INVALID_DIRECTION, RULE_REQUIRED, INVALID_RULE, INVALID_ORDER, INVALID_ACL_DESCRIPTION, NOT_FOUND NETWORK_NOT_FOUND, then CONFLICT RULE_EXISTS (within the direction).',
  })
  async addNetworkAcl(
    @Ctx() context: RequestContext,
    @Arg('network', () => NetworkLookup) lookup: NetworkLookup,
    @Arg('acl', () => AclAddInput) input: AclAddInput,
  ) {
    requirePrivileged(context);
    checkIdentifier(lookup);
    if (input.direction === null || input.direction === undefined) {
      throw badInput('A direction must be specified for the ACL.', {
        reason: 'DIRECTION_REQUIRED',
        argument: 'direction',
      });
    }
    const direction = checkDirection(input.direction);
    if (input.rule === null || input.rule === undefined || input.rule.trim() === '') {
      throw badInput('A valid NFT rule line must be specified for the ACL.', {
        reason: 'RULE_REQUIRED',
        argument: 'rule',
      });
    }
    if (!isRuleLine(input.rule)) {
      throw badInput(
        `The NFT rule line is not valid: one line of at most ${MAX_RULE_LENGTH} characters without control characters.`,
        { reason: 'INVALID_RULE', argument: 'rule' },
      );
    }
    const order = parseOrder(input.order);
    if (!DESCRIPTION_PATTERN.test(input.description)) {
      throw badInput(
        `ACL description '${input.description}' is not valid: use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
        { reason: 'INVALID_ACL_DESCRIPTION', argument: 'description', description: input.description },
      );
    }
    const network = await requireNetwork(context, this.source, lookup);
    const chain = (await this.source.aclsOf([network.vni])).filter((acl) => acl.direction === direction);
    if (chain.some((acl) => acl.description === input.description)) {
      throw conflict(`A rule with description '${input.description}' already exists!`, {
        reason: 'RULE_EXISTS',
        description: input.description,
        direction,
      });
    }
    const record = {
      vni: network.vni,
      direction,
      description: input.description,
      rule: input.rule,
      position: order === null || order > chain.length ? chain.length : order,
    };
    await this.source.insertAcl(record);
    return Acl.from(record);
  }

  @Mutation(() => [Acl], {
    description:
      'Removes the rule with this description from one chain, or from both when no direction is given; returns the removed rules. Checks in order: INVALID_DIRECTION, NOT_FOUND NETWORK_NOT_FOUND, NOT_FOUND RULE_NOT_FOUND.',
  })
  async removeNetworkAcl(
    @Ctx() context: RequestContext,
    @Arg('network', () => NetworkLookup) lookup: NetworkLookup,
    @Arg('description', () => String, { description: 'The rule’s description.' }) description: string,
    @Arg('direction', () => String, {
      nullable: true,
      description: 'Exactly `in` or `out`; absent for both.',
    })
    direction?: string | null,
  ) {
    requirePrivileged(context);
    checkIdentifier(lookup);
    const directions: AclDirection[] =
      direction === null || direction === undefined ? ['in', 'out'] : [checkDirection(direction)];
    const network = await requireNetwork(context, this.source, lookup);
    const present = (await this.source.aclsOf([network.vni])).some(
      (acl) => acl.description === description && directions.includes(acl.direction),
    );
    if (!present) {
      throw notFound(`No firewall rule exists matching description '${description}'!`, {
        reason: 'RULE_NOT_FOUND',
        description,
      });
    }
    const removed = await this.source.removeAcls(network.vni, description, directions);
    return removed.map(Acl.from);
  }
}
