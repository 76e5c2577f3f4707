import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, conflict, notFound } from '../../errors/index.js';
import { hashToken, newToken } from '../../identity/index.js';
import { requirePrivileged, type RequestContext } from '../kit/index.js';
import { checkComponentToken } from './auth.js';
import {
  UserComponent,
  UserComponentTokenIssue,
  UserComponentTokenValidation,
  UserKeyValue,
  UserService,
  UserServiceEndpoint,
} from './component.type.js';
import { usersLoaders } from './loaders.js';
import {
  catalogEntries,
  checkComponentName,
  checkLifetime,
  checkServices,
  checkText,
  checkUrl,
  DEFAULT_COMPONENT_TOKEN_SECONDS,
  nowWholeSeconds,
  orderComponents,
} from './rules.js';
import type { ComponentFields, ComponentRecord, UsersSource } from './source.js';
import {
  UserComponentAddInput,
  UserComponentPresentationInput,
  UserComponentUpdateInput,
} from './users.inputs.js';
import { UserTokenStatus } from './user.type.js';

function componentNotFound(name: string) {
  return notFound(`No component named '${name}'`, { reason: 'COMPONENT_NOT_FOUND', component: name });
}

function serviceExists() {
  return conflict('A service of that name is registered by another component', { reason: 'SERVICE_EXISTS' });
}

function checkOrder(value: number, argument: string): number {
  if (!Number.isInteger(value) || value < -1_000_000 || value > 1_000_000) {
    throw badInput(`${argument} must be an integer between -1000000 and 1000000`, {
      reason: 'INVALID_ORDER',
      argument,
    });
  }
  return value;
}

/** The presentation fields given (undefined = not given, keep/default). */
function presentationPatch(
  input: UserComponentPresentationInput | null | undefined,
): Partial<Omit<ComponentFields, 'name' | 'url'>> {
  const patch: Partial<Omit<ComponentFields, 'name' | 'url'>> = {};
  if (!input) return patch;
  if (input.order != null) patch.order = checkOrder(input.order, 'presentation.order');
  if (input.verboseName != null) patch.verboseName = checkText(input.verboseName, 'presentation.verboseName');
  if (input.cloudbarShow != null) patch.cloudbarShow = input.cloudbarShow;
  if (input.cloudbarTitle != null)
    patch.cloudbarTitle = checkText(input.cloudbarTitle, 'presentation.cloudbarTitle');
  if (input.dashboardShow != null) patch.dashboardShow = input.dashboardShow;
  if (input.dashboardOrder != null)
    patch.dashboardOrder = checkOrder(input.dashboardOrder, 'presentation.dashboardOrder');
  if (input.dashboardDescription != null) {
    patch.dashboardDescription = checkText(
      input.dashboardDescription,
      'presentation.dashboardDescription',
      2048,
    );
  }
  return patch;
}

@Resolver(() => UserComponent)
export class UserComponentResolver {
  constructor(private readonly source: UsersSource) {}

  @Query(() => [UserComponent], {
    description:
      'Registered components ordered by `order`, then registration (Astakos cloud bar list). Public.',
  })
  async components() {
    return orderComponents(await this.source.listComponents()).map(UserComponent.from);
  }

  @Query(() => UserComponent, { nullable: true, description: 'One component by name. Public.' })
  async component(@Ctx() context: RequestContext, @Arg('name', () => ID) name: string) {
    const record = await usersLoaders(context, this.source).componentByName.load(name);
    return record ? UserComponent.from(record) : null;
  }

  @Query(() => UserComponentTokenValidation, {
    description:
      'Checks a component (service) token: VALID, INVALID_TOKEN (user tokens included) or TOKEN_EXPIRED. Public: the token is the credential.',
  })
  async componentByToken(@Arg('token', () => String) token: string) {
    const check = await checkComponentToken(this.source, token);
    return Object.assign(new UserComponentTokenValidation(), {
      status: check.status as UserTokenStatus,
      component: check.component ? UserComponent.from(check.component) : null,
    });
  }

  @FieldResolver(() => [UserService], { description: 'The component’s services, in registration order.' })
  async services(@Root() component: UserComponent, @Ctx() context: RequestContext) {
    return (await usersLoaders(context, this.source).servicesOfComponent.load(component.name)).map(
      UserService.from,
    );
  }

  private async issue(name: string, lifetimeSeconds: number) {
    const clear = newToken();
    const createdAt = nowWholeSeconds();
    const expiresAt = new Date(createdAt.getTime() + lifetimeSeconds * 1000);
    return { clear, token: { hash: hashToken(clear), createdAt, expiresAt }, name };
  }

  private async fresh(name: string): Promise<ComponentRecord> {
    const [record] = await this.source.getComponents([name]);
    if (!record) throw componentNotFound(name);
    return record;
  }

  @Mutation(() => UserComponentTokenIssue, {
    description:
      'Registers a component with its services and a new token, returned once (administrators). BAD_USER_INPUT (INVALID_COMPONENT_NAME, INVALID_URL, INVALID_SERVICE_NAME, INVALID_SERVICE_TYPE, INVALID_ENDPOINT_KEY, DUPLICATE_SERVICE, INVALID_LIFETIME, INVALID_ORDER, INVALID_TEXT); CONFLICT COMPONENT_EXISTS or SERVICE_EXISTS.',
  })
  async registerComponent(
    @Ctx() context: RequestContext,
    @Arg('input', () => UserComponentAddInput) input: UserComponentAddInput,
  ) {
    requirePrivileged(context);
    const name = checkComponentName(input.name, 'input.name');
    const url = checkUrl(input.url, 'input.url');
    const given = presentationPatch(input.presentation);
    const services = checkServices(input.services ?? [], 'input.services');
    const lifetime = checkLifetime(
      input.tokenLifetimeSeconds ?? DEFAULT_COMPONENT_TOKEN_SECONDS,
      'input.tokenLifetimeSeconds',
    );
    const fields: ComponentFields = {
      name,
      url,
      order: given.order ?? null,
      verboseName: given.verboseName ?? null,
      cloudbarShow: given.cloudbarShow ?? null,
      cloudbarTitle: given.cloudbarTitle ?? null,
      dashboardShow: given.dashboardShow ?? null,
      dashboardOrder: given.dashboardOrder ?? null,
      dashboardDescription: given.dashboardDescription ?? null,
    };
    const issued = await this.issue(name, lifetime);
    const outcome = await this.source.addComponent(fields, issued.token, services);
    if (outcome === 'exists')
      throw conflict(`A component named '${name}' already exists`, {
        reason: 'COMPONENT_EXISTS',
        component: name,
      });
    if (outcome === 'service-exists') throw serviceExists();
    return Object.assign(new UserComponentTokenIssue(), {
      token: issued.clear,
      expiresAt: issued.token.expiresAt,
      component: UserComponent.from(await this.fresh(name)),
    });
  }

  @Mutation(() => UserComponent, {
    description:
      'Changes a component’s URL, presentation or services (administrators). NOT_FOUND COMPONENT_NOT_FOUND; CONFLICT SERVICE_EXISTS; BAD_USER_INPUT as for registerComponent.',
  })
  async updateComponent(
    @Ctx() context: RequestContext,
    @Arg('name', () => ID) name: string,
    @Arg('input', () => UserComponentUpdateInput) input: UserComponentUpdateInput,
  ) {
    requirePrivileged(context);
    const patch: Partial<Omit<ComponentFields, 'name'>> = presentationPatch(input.presentation);
    if (input.url != null) patch.url = checkUrl(input.url, 'input.url');
    const services = input.services != null ? checkServices(input.services, 'input.services') : null;
    const outcome = await this.source.updateComponent(name, patch, services);
    if (outcome === 'not-found') throw componentNotFound(name);
    if (outcome === 'service-exists') throw serviceExists();
    return UserComponent.from(await this.fresh(name));
  }

  @Mutation(() => UserComponentTokenIssue, {
    description:
      'Issues a new token for a component, replacing the old one; returned once (administrators). NOT_FOUND COMPONENT_NOT_FOUND.',
  })
  async renewComponentToken(
    @Ctx() context: RequestContext,
    @Arg('name', () => ID) name: string,
    @Arg('lifetimeSeconds', () => Int, { nullable: true }) lifetimeSeconds?: number | null,
  ) {
    requirePrivileged(context);
    const issued = await this.issue(name, checkLifetime(lifetimeSeconds ?? DEFAULT_COMPONENT_TOKEN_SECONDS));
    if (!(await this.source.setComponentToken(name, issued.token))) throw componentNotFound(name);
    return Object.assign(new UserComponentTokenIssue(), {
      token: issued.clear,
      expiresAt: issued.token.expiresAt,
      component: UserComponent.from(await this.fresh(name)),
    });
  }

  @Mutation(() => UserComponent, {
    description:
      'Revokes a component’s token (administrators): the component’s calls are then refused until a token is renewed. NOT_FOUND COMPONENT_NOT_FOUND or TOKEN_NOT_FOUND.',
  })
  async revokeComponentToken(@Ctx() context: RequestContext, @Arg('name', () => ID) name: string) {
    requirePrivileged(context);
    const outcome = await this.source.revokeComponentToken(name);
    if (outcome === 'not-found') throw componentNotFound(name);
    if (outcome === 'no-token')
      throw notFound(`Component ${name} has no token`, { reason: 'TOKEN_NOT_FOUND', name });
    return UserComponent.from(await this.fresh(name));
  }

  @Mutation(() => Boolean, {
    description: 'Removes a component and its services (administrators). NOT_FOUND COMPONENT_NOT_FOUND.',
  })
  async removeComponent(@Ctx() context: RequestContext, @Arg('name', () => ID) name: string) {
    requirePrivileged(context);
    if (!(await this.source.removeComponent(name))) throw componentNotFound(name);
    return true;
  }
}

@Resolver(() => UserService)
export class UserServiceResolver {
  constructor(private readonly source: UsersSource) {}

  @Query(() => [UserService], {
    description: 'The service catalog: every service in registration order. Public.',
  })
  async serviceCatalog() {
    return (await this.source.listServices()).map(UserService.from);
  }

  @FieldResolver(() => UserComponent, { nullable: true })
  async component(@Root() service: UserService, @Ctx() context: RequestContext) {
    const record = await usersLoaders(context, this.source).componentByName.load(service.componentName);
    return record ? UserComponent.from(record) : null;
  }

  @FieldResolver(() => [UserServiceEndpoint])
  async endpoints(@Root() service: UserService, @Ctx() context: RequestContext) {
    const owner = await usersLoaders(context, this.source).componentByName.load(service.componentName);
    const url = owner?.url ?? '';
    return service.record.endpoints.map((endpoint) =>
      Object.assign(new UserServiceEndpoint(), {
        entries: endpoint.map(UserKeyValue.from),
        catalogEntries: catalogEntries(service.record, endpoint, url).map(UserKeyValue.from),
      }),
    );
  }
}
