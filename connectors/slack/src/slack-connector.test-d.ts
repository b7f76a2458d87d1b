import { type ActionInput, type ActionOutput, createKit } from '@connectorkit/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { postMessage } from './actions/messages.js';
import type { SlackClient } from './slack-client.js';
import { slackConnector } from './slack-connector.js';
import type { event, SlackEvent } from './triggers/event.js';

const kit = createKit({
  connectors: [slackConnector],
  connections: { slack: { connector: 'slack', token: 'xoxb-1' } },
});

describe('slack connector types', () => {
  it('types action input and output from the schemas', () => {
    expectTypeOf<ActionInput<typeof postMessage>>().toHaveProperty('channel').toEqualTypeOf<string>();
    expectTypeOf<ActionInput<typeof postMessage>>()
      .toHaveProperty('text')
      .toEqualTypeOf<string | undefined>();
    expectTypeOf<ActionOutput<typeof postMessage>>().toHaveProperty('ts').toEqualTypeOf<string>();
    expectTypeOf(slackConnector.name).toEqualTypeOf<'slack'>();
    expectTypeOf(slackConnector.contract).toEqualTypeOf<1>();
  });

  it('types kit.invoke by action name', async () => {
    const posted = await kit.invoke('slack.postMessage', { channel: 'C1', text: 'hi' });
    expectTypeOf(posted.ts).toEqualTypeOf<string>();
    expectTypeOf(posted.message.reactions).toEqualTypeOf<
      { name: string; count: number; users: string[] }[] | undefined
    >();
    const page = await kit.invoke('slack.history', { channel: 'C1', all: true });
    expectTypeOf(page.nextCursor).toEqualTypeOf<string | null>();
    const user = await kit.invoke('slack.lookupUserByEmail', { email: 'a@b.c' });
    expectTypeOf(user.user.email).toEqualTypeOf<string | undefined>();
  });

  it('rejects wrong names and inputs at compile time', () => {
    // @ts-expect-error — there is no slack.sendMessage
    void kit.invoke('slack.sendMessage', { channel: 'C1', text: 'hi' });
    // @ts-expect-error — `channel` is required
    void kit.invoke('slack.postMessage', { text: 'hi' });
    // @ts-expect-error — `users` is a list of ids
    void kit.invoke('slack.invite', { channel: 'C1', users: 'U1' });
    // @ts-expect-error — types are Slack's conversation kinds
    void kit.invoke('slack.listChannels', { types: ['public'] });
  });

  it('gives actions and the trigger a SlackClient and SlackEvent', () => {
    expectTypeOf(slackConnector.actions.postMessage.run)
      .parameter(1)
      .toHaveProperty('client')
      .toEqualTypeOf<SlackClient>();
    expectTypeOf<(typeof event)['start']>()
      .parameter(1)
      .toHaveProperty('emit')
      .parameter(0)
      .toEqualTypeOf<SlackEvent>();
  });
});
