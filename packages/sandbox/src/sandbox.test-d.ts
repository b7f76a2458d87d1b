import { describe, expectTypeOf, it } from 'vitest';
import { defineEmulator, json } from './define-emulator.js';
import type { SlackControls, SlackCredentials } from './slack/slack-emulator.js';
import type { SlackState } from './slack/slack-state.js';
import type { Sandbox } from './start-emulator.js';
import { startEmulator } from './start-emulator.js';
import { type EmulatorFor, startSandbox } from './start-sandbox.js';

describe('sandbox types', () => {
  it('types a sandbox started by name from its emulator', async () => {
    const slack = await startSandbox('slack');
    expectTypeOf(slack).toEqualTypeOf<Sandbox<EmulatorFor<'slack'>>>();
    expectTypeOf(slack.state).toEqualTypeOf<SlackState>();
    expectTypeOf(slack.credentials).toEqualTypeOf<SlackCredentials>();
    expectTypeOf(slack.controls).toEqualTypeOf<SlackControls>();
    expectTypeOf(slack.controls.postAsUser).parameter(0).toHaveProperty('channel').toEqualTypeOf<string>();
  });

  it('rejects unknown names and wrong seeds at compile time', () => {
    // @ts-expect-error — no emulator is called 'myspace'
    void startSandbox('myspace');
    // @ts-expect-error — a Slack seed has no 'followers'
    void startSandbox('slack', { seed: { followers: [] } });
    // @ts-expect-error — channels need a name
    void startSandbox('slack', { seed: { channels: [{ isPrivate: true }] } });
  });

  it('infers seed, state, credentials and controls of a defined emulator', async () => {
    const counter = defineEmulator({
      name: 'counter',
      title: 'Counter',
      description: 'Counts.',
      defaultPort: 4999,
      createState: (seed: { start: number } | undefined) => ({ count: seed?.start ?? 0 }),
      credentials: (_state, url) => ({ url }),
      handle: (_request, { state }) => json(200, { count: ++state.count }),
      controls: ({ state }) => ({ count: () => state.count }),
    });
    const sandbox = await startEmulator(counter, { seed: { start: 3 } });
    expectTypeOf(sandbox.state.count).toEqualTypeOf<number>();
    expectTypeOf(sandbox.credentials).toEqualTypeOf<{ readonly url: string }>();
    expectTypeOf(sandbox.controls.count).returns.toEqualTypeOf<number>();
    // @ts-expect-error — the seed needs `start`
    void startEmulator(counter, { seed: {} });
  });
});
