import { Type } from '@connectorkit/core';
import type { UsersInfoResponse, UsersListResponse, UsersLookupByEmailResponse } from '@slack/web-api';
import { defineSlackAction } from '../define-slack-action.js';
import { collectPages, PagingInput, PagingOutput } from '../pagination.js';
import { toUser, User } from '../schemas.js';

export const listUsers = defineSlackAction({
  title: 'List users',
  description:
    'Lists the members of the workspace, bots included — users.list. One page, or with `all` every page.',
  input: Type.Object({ ...PagingInput }, { additionalProperties: false }),
  output: Type.Object({ users: Type.Array(User), ...PagingOutput }),
  idempotent: true,
  examples: [{ input: { all: true, maxItems: 500 } }],
  run: async (input, { client, signal }) => {
    const page = await collectPages(input, async (cursor, limit) => {
      const result = await client.call<UsersListResponse>('users.list', { limit, cursor }, signal);
      return { items: result.members ?? [], nextCursor: result.response_metadata?.next_cursor };
    });
    return { users: page.items.map(toUser), nextCursor: page.nextCursor, pages: page.pages };
  },
});

export const getUser = defineSlackAction({
  title: 'Get user',
  description: 'Reads one user by id — users.info.',
  input: Type.Object(
    { user: Type.String({ minLength: 1, description: 'User id (U…)' }) },
    { additionalProperties: false },
  ),
  output: Type.Object({ user: User }),
  idempotent: true,
  examples: [{ input: { user: 'U0123ABCD' } }],
  run: async (input, { client, signal }) => {
    const result = await client.call<UsersInfoResponse>('users.info', { user: input.user }, signal);
    return { user: toUser(result.user ?? {}) };
  },
});

export const lookupUserByEmail = defineSlackAction({
  title: 'Find user by email',
  description: 'Finds the member with an email address — users.lookupByEmail (needs users:read.email).',
  input: Type.Object({ email: Type.String({ format: 'email' }) }, { additionalProperties: false }),
  output: Type.Object({ user: User }),
  idempotent: true,
  examples: [{ input: { email: 'ada@example.com' } }],
  run: async (input, { client, signal }) => {
    const result = await client.call<UsersLookupByEmailResponse>(
      'users.lookupByEmail',
      { email: input.email },
      signal,
    );
    return { user: toUser(result.user ?? {}) };
  },
});
