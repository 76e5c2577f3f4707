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
import { UserApiClient, UserFeedback } from './misc.type.js';
import { checkAppId, checkSecret, MAX_FEEDBACK_LENGTH, nowWholeSeconds } from './rules.js';
import type { FeedbackNotifier, UsersSource } from './source.js';
import { User } from './user.type.js';

export const UserFeedbackConnection = connectionType('UserFeedback', UserFeedback);

function appNotFound(appId: string) {
  return notFound(`Application '${appId}' does not exist`, { reason: 'APP_NOT_FOUND', appId });
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
