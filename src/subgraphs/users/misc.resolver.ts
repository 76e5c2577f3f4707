import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, BackendError, conflict, forbidden, notFound } from '../../errors/index.js';
import {
  connectionType,
  paginate,
  requireAuthenticated,
  requirePrivileged,
  type RequestContext,
} from '../kit/index.js';
import { usersLoaders } from './loaders.js';
import { checkApiClientSignature } from './auth.js';
import { ApiClientSignatureCheck, UserApiClient, UserApiSetting, UserFeedback } from './misc.type.js';
import { APP_ID, checkAppId, checkSecret, MAX_FEEDBACK_LENGTH, nowWholeSeconds } from './rules.js';
import type { FeedbackNotifier, UsersSource } from './source.js';
import { User } from './user.type.js';

export const UserFeedbackConnection = connectionType('UserFeedback', UserFeedback);

function appNotFound(appId: string) {
  return notFound(`Application '${appId}' does not exist`, { reason: 'APP_NOT_FOUND', appId });
}

const SETTING_NAME = /^[a-z][a-z0-9._-]{0,63}$/;

function checkSettingName(value: string, argument: string): string {
  if (!SETTING_NAME.test(value)) {
    throw badInput(`${argument} must be lower-case letters, digits, ".", "_" or "-" (at most 64)`, {
      reason: 'INVALID_SETTING_NAME',
      argument,
    });
  }
  return value;
}

/** API clients (Gluster REST applications). Secrets go in, never out. */
@Resolver(() => UserApiClient)
export class UserApiClientResolver {
  constructor(private readonly source: UsersSource) {}

  @Query(() => [UserApiClient], { description: 'Registered API clients by app id (administrators).' })
  async apiClients(@Ctx() context: RequestContext) {
    requirePrivileged(context);
    return (await this.source.listApiClients()).map(UserApiClient.from);
  }

  @Mutation(() => UserApiClient, {
    description:
      'Registers an API client (gluster-restapi app-add; administrators). BAD_USER_INPUT INVALID_APP_ID / EMPTY_SECRET / INVALID_SECRET; CONFLICT APP_EXISTS.',
  })
  async addApiClient(
    @Ctx() context: RequestContext,
    @Arg('appId', () => ID) appId: string,
    @Arg('secret', () => String) secret: string,
  ) {
    requirePrivileged(context);
    checkAppId(appId);
    checkSecret(secret);
    if (!(await this.source.addApiClient(appId, secret, nowWholeSeconds()))) {
      throw conflict(`Application '${appId}' already exists`, { reason: 'APP_EXISTS', appId });
    }
    return this.fresh(appId);
  }

  @Mutation(() => UserApiClient, {
    description:
      'Replaces an API client’s secret (app-reset; administrators). NOT_FOUND APP_NOT_FOUND; BAD_USER_INPUT as for addApiClient.',
  })
  async resetApiClient(
    @Ctx() context: RequestContext,
    @Arg('appId', () => ID) appId: string,
    @Arg('secret', () => String) secret: string,
  ) {
    requirePrivileged(context);
    checkAppId(appId);
    checkSecret(secret);
    if (!(await this.source.resetApiClient(appId, secret, nowWholeSeconds()))) throw appNotFound(appId);
    return this.fresh(appId);
  }

  @Mutation(() => Boolean, {
    description: 'Removes an API client (app-del; administrators). NOT_FOUND APP_NOT_FOUND.',
  })
  async deleteApiClient(@Ctx() context: RequestContext, @Arg('appId', () => ID) appId: string) {
    requirePrivileged(context);
    checkAppId(appId);
    if (!(await this.source.deleteApiClient(appId))) throw appNotFound(appId);
    return true;
  }

  @Query(() => ApiClientSignatureCheck, {
    description:
      'Checks a request signed by an API client: `signature` is the base64url HMAC-SHA256 of `signingInput` under the client’s secret (a JWS HS256 signature). The secret is never returned (administrators, operators and the server).',
  })
  async verifyApiClientSignature(
    @Ctx() context: RequestContext,
    @Arg('appId', () => ID) appId: string,
    @Arg('signingInput', () => String) signingInput: string,
    @Arg('signature', () => String) signature: string,
  ) {
    requirePrivileged(context);
    if (!APP_ID.test(appId)) return ApiClientSignatureCheck.UNKNOWN_APP;
    return checkApiClientSignature(this.source, appId, signingInput, signature);
  }

  @Query(() => [UserApiSetting], {
    description: 'The stored settings of a legacy API, by name (administrators, operators and the server).',
  })
  async apiSettings(@Ctx() context: RequestContext, @Arg('api', () => String) api: string) {
    requirePrivileged(context);
    checkSettingName(api, 'api');
    return (await this.source.listApiSettings(api)).map(UserApiSetting.from);
  }

  @Mutation(() => UserApiSetting, {
    description:
      'Stores a setting of a legacy API (gluster-restapi config-set; administrators). BAD_USER_INPUT INVALID_SETTING_NAME / INVALID_SETTING_VALUE (not JSON text).',
  })
  async setApiSetting(
    @Ctx() context: RequestContext,
    @Arg('api', () => String) api: string,
    @Arg('name', () => String) name: string,
    @Arg('value', () => String) value: string,
  ) {
    requirePrivileged(context);
    checkSettingName(api, 'api');
    checkSettingName(name, 'name');
    try {
      if (value.length > 4096) throw new Error('too long');
      JSON.parse(value);
    } catch {
      throw badInput('value must be JSON text of at most 4096 characters', {
        reason: 'INVALID_SETTING_VALUE',
        argument: 'value',
      });
    }
    const at = nowWholeSeconds();
    await this.source.setApiSetting(api, name, value, at);
    return UserApiSetting.from({ api, name, value, updatedAt: at });
  }

  @Mutation(() => Int, {
    description:
      'Removes one stored setting of a legacy API, or all of them when `name` is null (gluster-restapi config-reset; administrators); returns how many were removed.',
  })
  async resetApiSettings(
    @Ctx() context: RequestContext,
    @Arg('api', () => String) api: string,
    @Arg('name', () => String, { nullable: true }) name?: string | null,
  ) {
    requirePrivileged(context);
    checkSettingName(api, 'api');
    if (name != null) checkSettingName(name, 'name');
    return this.source.resetApiSettings(api, name ?? null);
  }

  private async fresh(appId: string): Promise<UserApiClient> {
    const record = (await this.source.listApiClients()).find((client) => client.appId === appId);
    if (!record) throw appNotFound(appId);
    return UserApiClient.from(record);
  }
}

const NO_NOTIFIER: FeedbackNotifier = { notify: async () => {} };

@Resolver(() => UserFeedback)
export class UserFeedbackResolver {
  constructor(
    private readonly source: UsersSource,
    private readonly notifier: FeedbackNotifier = NO_NOTIFIER,
  ) {}

  @Mutation(() => UserFeedback, {
    description:
      'Records feedback from the calling user (Astakos feedback), then delivers it. BAD_USER_INPUT INVALID_FEEDBACK (empty message — whitespace counts as a message — or too long); FORBIDDEN for non-user principals; BACKEND_FAILED FEEDBACK_NOT_DELIVERED (with `feedbackId`) when delivery fails: the record is kept.',
  })
  async submitFeedback(
    @Ctx() context: RequestContext,
    @Arg('message', () => String) message: string,
    @Arg('data', () => String, { nullable: true }) data?: string | null,
  ) {
    const principal = requireAuthenticated(context);
    if (principal.kind !== 'user') throw forbidden('Only users send feedback');
    if (message === '' || message.length > MAX_FEEDBACK_LENGTH || (data?.length ?? 0) > MAX_FEEDBACK_LENGTH) {
      throw badInput(`The feedback message must have between 1 and ${MAX_FEEDBACK_LENGTH} characters`, {
        reason: 'INVALID_FEEDBACK',
        argument: message === '' ? 'message' : 'data',
      });
    }
    const user = await usersLoaders(context, this.source).userById.load(principal.id);
    if (!user) throw forbidden('The calling user no longer exists');
    const record = await this.source.addFeedback({
      userId: user.id,
      message,
      data: data ?? null,
      createdAt: new Date(),
    });
    try {
      await this.notifier.notify(record, user);
    } catch (error) {
      throw new BackendError(
        'BACKEND_FAILED',
        'The feedback was recorded but could not be delivered',
        { reason: 'FEEDBACK_NOT_DELIVERED', feedbackId: record.id },
        String(error),
      );
    }
    return UserFeedback.from(record);
  }

  @Query(() => UserFeedbackConnection, { description: 'Feedback received, newest first (administrators).' })
  async feedback(
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requirePrivileged(context);
    const records = await this.source.listFeedback();
    return paginate(records.map(UserFeedback.from), (item) => String(item.id), { first, after });
  }

  @FieldResolver(() => User, { nullable: true })
  async user(@Root() feedback: UserFeedback, @Ctx() context: RequestContext) {
    const record = await usersLoaders(context, this.source).userById.load(feedback.userId);
    return record ? User.from(record) : null;
  }
}
