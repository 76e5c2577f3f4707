/**
 * The users subgraph over an in-memory embedded store, with every source call counted (to assert
 * batching) and helpers that run a document as a principal.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { graphql } from 'graphql';
import { parse } from 'yaml';
import { Store } from '../../src/drivers/embedded/store.js';
import { EmbeddedUsers } from '../../src/drivers/embedded/users.js';
import { importUsers } from '../../src/drivers/embedded/users.import.js';
import { SYSTEM, type Principal } from '../../src/identity/index.js';
import { createRequestContext } from '../../src/subgraphs/kit/index.js';
import {
  buildUsersSubgraph,
  type FeedbackNotifier,
  type UsersSource,
} from '../../src/subgraphs/users/index.js';

/** The demo datacenter description (its users sections are what the users subgraph loads). */
export const demo = parse(readFileSync(new URL('../../demo/datacenter.yaml', import.meta.url), 'utf8'));

export function usersSubgraph(options: { notifier?: FeedbackNotifier; data?: unknown } = {}) {
  const store = new Store(':memory:');
  importUsers(store, options.data ?? demo);
  const calls: string[] = [];
  const inner = new EmbeddedUsers(store);
  const counted = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function'
        ? (...args: unknown[]) => (calls.push(String(property)), value.apply(target, args))
        : value;
    },
  }) as UsersSource;
  const subgraph = buildUsersSubgraph({
    users: counted,
    ...(options.notifier ? { feedbackNotifier: options.notifier } : {}),
  });
  const run = async (
    source: string,
    principal: Principal = SYSTEM,
    variableValues?: Record<string, unknown>,
  ) => {
    const result = await graphql({
      schema: subgraph.schema,
      source,
      variableValues,
      contextValue: createRequestContext(principal),
    });
    // graphql-js answers with null-prototype objects; plain ones compare with deepStrictEqual.
    return {
      data: result.data ? JSON.parse(JSON.stringify(result.data)) : result.data,
      errors: result.errors,
    } as {
      data?: any;
      errors?: readonly any[];
    };
  };
  const ok = async (
    source: string,
    principal: Principal = SYSTEM,
    variableValues?: Record<string, unknown>,
  ) => {
    const result = await run(source, principal, variableValues);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data;
  };
  const reason = async (
    source: string,
    principal: Principal = SYSTEM,
    variableValues?: Record<string, unknown>,
  ) => {
    const result = await run(source, principal, variableValues);
    assert.ok(result.errors?.length, `expected an error from ${source}`);
    return {
      code: result.errors![0].extensions?.code,
      reason: result.errors![0].extensions?.reason,
      error: result.errors![0],
    };
  };
  const issue = async (id: string) =>
    (await ok('mutation($id: ID!) { issueUserToken(id: $id) { token } }', SYSTEM, { id })).issueUserToken
      .token as string;
  return { store, inner, calls, run, ok, reason, issue, subgraph };
}
