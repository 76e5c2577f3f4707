import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '../kit/index.js';
import type { ApiClientRecord, ApiSettingRecord, FeedbackRecord } from './source.js';
import { User } from './user.type.js';

@ObjectType({ description: 'An API client (Gluster REST application). Its secret is never shown.' })
export class UserApiClient {
  @Field(() => ID, { description: 'The application id (JWT `iss`).' }) appId!: string;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime, { description: 'When the secret was last set.' }) updatedAt!: Date;

  static from(record: ApiClientRecord): UserApiClient {
    return Object.assign(new UserApiClient(), { ...record });
  }
}

/** Outcome of checking a request signature of an API client. */
export enum ApiClientSignatureCheck {
  VALID = 'VALID',
  UNKNOWN_APP = 'UNKNOWN_APP',
  BAD_SIGNATURE = 'BAD_SIGNATURE',
}
registerEnumType(ApiClientSignatureCheck, {
  name: 'UserApiClientSignatureCheck',
  description:
    'Whether an API client signed a request: VALID, UNKNOWN_APP (no such app id) or BAD_SIGNATURE.',
});

@ObjectType({
  description:
    'A stored setting of a legacy API (e.g. the Gluster REST `auth-enabled`), shared by every gateway replica.',
})
export class UserApiSetting {
  @Field(() => String, { description: 'The API the setting belongs to (`gluster`).' }) api!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The value as JSON text (`true`, `8080`, `"/etc/ssl/x.pem"`).' })
  value!: string;
  @Field(() => DateTime) updatedAt!: Date;

  static from(record: ApiSettingRecord): UserApiSetting {
    return Object.assign(new UserApiSetting(), { ...record });
  }
}

@ObjectType({ description: 'Feedback a user sent (Astakos feedback).' })
export class UserFeedback {
  @Field(() => Int) id!: number;
  @Field(() => String) message!: string;
  @Field(() => String, { nullable: true, description: 'Extra data the client attached.' }) data!:
    string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => User, { nullable: true, description: 'Who sent it.' }) user!: User | null;
  userId!: string;

  static from(record: FeedbackRecord): UserFeedback {
    return Object.assign(new UserFeedback(), {
      id: record.id,
      message: record.message,
      data: record.data,
      createdAt: record.createdAt,
      userId: record.userId,
    });
  }
}

@ObjectType({ description: 'One entry of a user catalog.' })
export class UserCatalogEntry {
  @Field(() => ID, { description: 'The user’s UUID.' }) uuid!: string;
  @Field(() => String, {
    description:
      'The display name: the user’s in the UUID catalog, the caller’s spelling in the display-name catalog.',
  })
  displayName!: string;
}

@ObjectType({ description: 'Astakos user catalogs: display names by UUID and UUIDs by display name.' })
export class UserCatalogs {
  @Field(() => [UserCatalogEntry], { description: 'Each requested UUID that exists, with its display name.' })
  uuidCatalog!: UserCatalogEntry[];
  @Field(() => [UserCatalogEntry], {
    description:
      'Each requested display name that exists (matched ignoring case), keyed by the caller’s spelling; of names equal ignoring case the later one is kept.',
  })
  displayNameCatalog!: UserCatalogEntry[];
}
