import { Field, ID, InputType, Int } from 'type-graphql';
import { UserRealmKind, UserViewRight } from './user.type.js';

@InputType({ description: 'FOSS-Cloud rights; omitted fields keep their value (or default to OWNER).' })
export class UserRightsInput {
  @Field(() => UserViewRight, { nullable: true }) dynamicVmView?: UserViewRight | null;
  @Field(() => UserViewRight, { nullable: true }) persistentVmView?: UserViewRight | null;
}

@InputType({ description: 'A new user.' })
export class UserAddInput {
  @Field(() => ID, { nullable: true, description: 'The UUID (lower case); a random one when omitted.' })
  id?: string | null;
  @Field(() => Int, { nullable: true, description: 'Astakos numeric id; the next free one when omitted.' })
  numericId?: number | null;
  @Field(() => String, { description: 'The lower-case e-mail address (also the display name).' })
  username!: string;
  @Field(() => String, { nullable: true }) realName?: string | null;
  @Field(() => [String], { nullable: true, description: 'Default: the username.' }) emails?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Default: `default`.' }) groups?: string[] | null;
  @Field(() => ID, { nullable: true, description: 'Default: the default realm.' }) realm?: string | null;
  @Field(() => Boolean, { nullable: true }) admin?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true.' }) active?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true.' }) termsAccepted?: boolean | null;
  @Field(() => UserRightsInput, { nullable: true }) rights?: UserRightsInput | null;
  @Field(() => String, { nullable: true, description: 'Initial password (stored as a scrypt hash).' })
  password?: string | null;
}

@InputType({ description: 'Changes to a user; omitted fields are kept.' })
export class UserUpdateInput {
  @Field(() => String, { nullable: true }) realName?: string | null;
  @Field(() => [String], { nullable: true }) emails?: string[] | null;
  @Field(() => ID, { nullable: true }) realm?: string | null;
  @Field(() => Boolean, { nullable: true }) admin?: boolean | null;
  @Field(() => Boolean, { nullable: true }) active?: boolean | null;
  @Field(() => Boolean, { nullable: true }) termsAccepted?: boolean | null;
  @Field(() => UserRightsInput, { nullable: true }) rights?: UserRightsInput | null;
}

@InputType({ description: 'A new realm.' })
export class RealmAddInput {
  @Field(() => ID, { description: 'The realm uid (letters, digits, "_").' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => UserRealmKind, { defaultValue: UserRealmKind.INTERNAL }) kind!: UserRealmKind;
  @Field(() => Boolean, { defaultValue: false }) isDefault!: boolean;
}

@InputType({ description: 'Changes to a realm; omitted fields are kept.' })
export class RealmUpdateInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Only `true` is accepted: make this the default realm.',
  })
  isDefault?: boolean | null;
}

@InputType({ description: 'One key/value pair of a service endpoint.' })
export class UserKeyValueInput {
  @Field(() => String) key!: string;
  @Field(() => String) value!: string;
}

@InputType({ description: 'One service endpoint: its pairs in order (`versionId`, `publicURL`, …).' })
export class UserServiceEndpointInput {
  @Field(() => [UserKeyValueInput]) entries!: UserKeyValueInput[];
}

@InputType({ description: 'A service a component offers (service catalog entry).' })
export class UserServiceInput {
  @Field(() => String, { description: 'Unique over all components, e.g. `cyclades_compute`.' }) name!: string;
  @Field(() => String, { description: 'The Keystone type, e.g. `compute`.' }) type!: string;
  @Field(() => [UserServiceEndpointInput], { nullable: true }) endpoints?: UserServiceEndpointInput[] | null;
}

@InputType({ description: 'Presentation metadata of a component; omitted fields use the defaults.' })
export class UserComponentPresentationInput {
  @Field(() => Int, { nullable: true }) order?: number | null;
  @Field(() => String, { nullable: true }) verboseName?: string | null;
  @Field(() => Boolean, { nullable: true }) cloudbarShow?: boolean | null;
  @Field(() => String, { nullable: true }) cloudbarTitle?: string | null;
  @Field(() => Boolean, { nullable: true }) dashboardShow?: boolean | null;
  @Field(() => Int, { nullable: true }) dashboardOrder?: number | null;
  @Field(() => String, { nullable: true }) dashboardDescription?: string | null;
}

@InputType({ description: 'A new component.' })
export class UserComponentAddInput {
  @Field(() => String, { description: 'Lower-case letters, digits, "_", "-".' }) name!: string;
  @Field(() => String, { description: 'The component’s UI URL (http or https).' }) url!: string;
  @Field(() => UserComponentPresentationInput, { nullable: true })
  presentation?: UserComponentPresentationInput | null;
  @Field(() => [UserServiceInput], { nullable: true }) services?: UserServiceInput[] | null;
  @Field(() => Int, { nullable: true, description: 'Token lifetime; default one year.' })
  tokenLifetimeSeconds?: number | null;
}

@InputType({ description: 'Changes to a component; `services`, when given, replaces them all.' })
export class UserComponentUpdateInput {
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => UserComponentPresentationInput, { nullable: true })
  presentation?: UserComponentPresentationInput | null;
  @Field(() => [UserServiceInput], { nullable: true }) services?: UserServiceInput[] | null;
}

@InputType({ description: 'Selects users.' })
export class UserFilter {
  @Field(() => String, {
    nullable: true,
    description: 'ECMAScript regular expression searched in the username.',
  })
  usernameMatches?: string | null;
  @Field(() => ID, { nullable: true, description: 'Only users of this realm.' }) realm?: string | null;
  @Field(() => String, { nullable: true, description: 'Only members of this group.' }) group?: string | null;
}
