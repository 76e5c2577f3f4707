import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Selects networks. With both patterns, a network matching either is listed.' })
export class NetworkFilter {
  @Field(() => String, {
    nullable: true,
    description:
      'ECMAScript regular expression, searched in the VNI (decimal); anchor it with ^ and $ as needed.',
  })
  vniMatches?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'ECMAScript regular expression, searched in the description.',
  })
  descriptionMatches?: string | null;
}

@InputType({
  description:
    'Identifies one network by exactly one of its VNI or its description. Errors quote the value as given.',
})
export class NetworkLookup {
  @Field(() => ID, { nullable: true, description: 'The VNI (decimal digits).' })
  vni?: string | null;

  @Field(() => String, { nullable: true, description: 'The exact description.' })
  description?: string | null;
}

@InputType({
  description:
    'A new network. Text values are checked by the graph (not by the schema) so that every rule reports its own `reason`.',
})
export class NetworkAddInput {
  @Field(() => String, { description: 'Unique name of the network.' })
  description!: string;

  @Field(() => ID, { nullable: true, description: 'Required: 1 to 16777215, decimal digits.' })
  vni?: string | null;

  @Field(() => String, { nullable: true, description: 'Required: exactly `managed` or `bridged`.' })
  type?: string | null;

  @Field(() => String, { nullable: true, description: 'Default `<description>.local`.' })
  domain?: string | null;

  @Field(() => String, { nullable: true, description: 'IPv4 network, `a.b.c.d/len`.' })
  ip4Network?: string | null;

  @Field(() => String, { nullable: true }) ip4Gateway?: string | null;

  @Field(() => String, { nullable: true, description: 'IPv6 network, `addr/len`; enables DHCPv6.' })
  ip6Network?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Default: the IPv6 network’s address part followed by `1`.',
  })
  ip6Gateway?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Serve DHCPv4; needs dhcp4Start and dhcp4End.' })
  dhcp4?: boolean | null;

  @Field(() => String, { nullable: true }) dhcp4Start?: string | null;
  @Field(() => String, { nullable: true }) dhcp4End?: string | null;
}

@InputType({ description: 'Changes to a network: only the values given change (null or absent: unchanged).' })
export class NetworkChangesInput {
  @Field(() => ID, { nullable: true, description: 'A new VNI; must be unused.' })
  vni?: string | null;

  @Field(() => String, { nullable: true, description: 'Exactly `managed` or `bridged`.' })
  type?: string | null;

  @Field(() => String, { nullable: true }) domain?: string | null;
  @Field(() => String, { nullable: true }) ip4Network?: string | null;
  @Field(() => String, { nullable: true }) ip4Gateway?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A new IPv6 network; without ip6Gateway the gateway is regenerated from it.',
  })
  ip6Network?: string | null;

  @Field(() => String, { nullable: true }) ip6Gateway?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true enables DHCPv4, false disables it; absent leaves it unchanged.',
  })
  dhcp4?: boolean | null;

  @Field(() => String, { nullable: true }) dhcp4Start?: string | null;
  @Field(() => String, { nullable: true }) dhcp4End?: string | null;
}

@InputType({ description: 'A static DHCPv4 reservation.' })
export class DhcpReservationInput {
  @Field(() => String, { description: 'Six `:`-separated hexadecimal pairs, any case (stored lower-case).' })
  mac!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Required (checked first, reason IP_ADDRESS_REQUIRED): four `.`-separated groups of digits, each at most 255.',
  })
  ipAddress?: string | null;

  @Field(() => String, { nullable: true, description: 'Host name handed out with the address.' })
  hostname?: string | null;
}

@InputType({
  description: 'A new firewall rule. Text values are checked by the graph, each with its own `reason`.',
})
export class AclAddInput {
  @Field(() => String, { description: 'Unique within the direction’s chain.' })
  description!: string;

  @Field(() => String, { nullable: true, description: 'Required: exactly `in` or `out`.' })
  direction?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Required: the nft rule line (one line, no control characters).',
  })
  rule?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      '0-based position in the chain, decimal digits: the rule goes before the one now there. Absent, empty or beyond the end: appended.',
  })
  order?: string | null;
}
