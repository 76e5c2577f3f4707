import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTime } from '../kit/index.js';
import { presentation } from './rules.js';
import type { ComponentRecord, KeyValue, ServiceRecord } from './source.js';
import { UserTokenStatus } from './user.type.js';

@ObjectType({ description: 'One key/value pair of a service endpoint.' })
export class UserKeyValue {
  @Field(() => String) key!: string;
  @Field(() => String) value!: string;

  static from(pair: KeyValue): UserKeyValue {
    return Object.assign(new UserKeyValue(), { key: pair.key, value: pair.value });
  }
}

@ObjectType({ description: 'How the cloud bar shows a component.' })
export class UserComponentCloudbar {
  @Field(() => Boolean) show!: boolean;
  @Field(() => String) title!: string;
}

@ObjectType({ description: 'How the dashboard shows a component.' })
export class UserComponentDashboard {
  @Field(() => Boolean) show!: boolean;
  @Field(() => Int) order!: number;
  @Field(() => String) description!: string;
}

@ObjectType({
  description:
    'A registered component of the cloud (Astakos: astakos, cyclades, pithos), with its presentation metadata (defaults applied). Public.',
})
export class UserComponent {
  @Field(() => ID, { description: 'The component’s name.' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The component’s UI URL.' }) url!: string;
  @Field(() => Int, { description: 'Position in the cloud bar (lower first).' }) order!: number;
  @Field(() => String) verboseName!: string;
  @Field(() => UserComponentCloudbar) cloudbar!: UserComponentCloudbar;
  @Field(() => UserComponentDashboard) dashboard!: UserComponentDashboard;
  @Field(() => DateTime, { nullable: true, description: 'When the component token was issued.' })
  tokenCreatedAt!: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'When the component token expires.' })
  tokenExpiresAt!: Date | null;

  static from(record: ComponentRecord): UserComponent {
    const shown = presentation(record);
    return Object.assign(new UserComponent(), {
      id: record.name,
      name: record.name,
      url: record.url,
      order: shown.order,
      verboseName: shown.verboseName,
      cloudbar: Object.assign(new UserComponentCloudbar(), shown.cloudbar),
      dashboard: Object.assign(new UserComponentDashboard(), shown.dashboard),
      tokenCreatedAt: record.tokenCreatedAt,
      tokenExpiresAt: record.tokenExpiresAt,
    });
  }
}

@ObjectType({ description: 'One endpoint of a service.' })
export class UserServiceEndpoint {
  @Field(() => [UserKeyValue], { description: 'The registered pairs, in registration order.' })
  entries!: UserKeyValue[];

  @Field(() => [UserKeyValue], {
    description:
      'The endpoint as the Astakos service catalog shows it, in order: `SNF:uiURL` (the owning component’s URL), then the registered pairs; `astakos_weblogin` also has `SNF:webloginURL` (its publicURL) just before `publicURL`.',
  })
  catalogEntries!: UserKeyValue[];
}

@ObjectType({ description: 'A service of a component, as listed in the service catalog. Public.' })
export class UserService {
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The Keystone service type, e.g. `compute`, `account`.' })
  type!: string;
  @Field(() => UserComponent, { nullable: true, description: 'The component that registered it.' })
  component!: UserComponent | null;
  @Field(() => [UserServiceEndpoint]) endpoints!: UserServiceEndpoint[];
  componentName!: string;
  record!: ServiceRecord;

  static from(record: ServiceRecord): UserService {
    return Object.assign(new UserService(), {
      name: record.name,
      type: record.type,
      componentName: record.component,
      record,
    });
  }
}

@ObjectType({ description: 'A newly registered or renewed component token, shown here once.' })
export class UserComponentTokenIssue {
  @Field(() => String, { description: 'The token in clear; only its hash is stored.' }) token!: string;
  @Field(() => DateTime) expiresAt!: Date;
  @Field(() => UserComponent) component!: UserComponent;
}

@ObjectType({
  description:
    'Result of checking a component token: VALID, INVALID_TOKEN or TOKEN_EXPIRED; `component` unless INVALID_TOKEN.',
})
export class UserComponentTokenValidation {
  @Field(() => UserTokenStatus) status!: UserTokenStatus;
  @Field(() => UserComponent, { nullable: true }) component!: UserComponent | null;
}
