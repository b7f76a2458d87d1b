import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxes } from '@connectorkit/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, exampleFolder, type RunningCk, readmeCommands, sandboxUrl, startCk } from './run-ck.js';

// The example as its README runs it: `ck start` binds the two flows' connector triggers —
// slack.event (pushed by the Slack emulator) and twitter.mentions (polled) — from their flow files.
const folder = exampleFolder('mention-bot');
const commands = readmeCommands(join(folder, 'README.md'));
const seeds = JSON.parse(readFileSync(join(folder, 'sandbox-seed.json'), 'utf8')) as Record<string, unknown>;
const stateFolder = join(folder, '.ck');
const positionFile = join(stateFolder, 'state', 'tweets-to-slack.twitter.mentions.json');

/** The README's `npx ck start …` line whose arguments after `start` are `rest`. */
function startCommand(...rest: string[]): string[] {
  const command = commands.find(
    (candidate) => candidate.args[0] === 'start' && candidate.args.slice(1).join(' ') === rest.join(' '),
  );
  expect(command, `README.md shows 'npx ck start ${rest.join(' ')}'`).toBeDefined();
  return [...(command?.args ?? [])];
}

async function running(ck: RunningCk): Promise<void> {
  await eventually(
    () => ck.stdout().includes('2 triggers running') || ck.child.exitCode !== null,
    `ck start to bind both triggers (stderr so far: ${ck.stderr()})`,
  );
  expect(ck.child.exitCode, ck.stderr()).toBeNull();
}

function storedPosition(): { newestId?: string; seen: string[] } {
  return (
    JSON.parse(readFileSync(positionFile, 'utf8')) as { position: { newestId?: string; seen: string[] } }
  ).position;
}

// Each test starts without trigger state, and leaves none behind in the example's folder.
beforeEach(() => rmSync(stateFolder, { recursive: true, force: true }));
afterEach(() => rmSync(stateFolder, { recursive: true, force: true }));

describe('example mention-bot', () => {
  it('answers a Slack mention in its thread, and stops cleanly on SIGTERM', async () => {
    const ck = startCk(startCommand('--sandbox', '--seed', 'sandbox-seed.json'), folder);
    let slackUrl: string | undefined;
    try {
      await running(ck);
      slackUrl = sandboxUrl(ck, 'slack');
      expect(slackUrl, ck.stdout()).toBeDefined();
      // A person mentions the bot, as the README's curl line does.
      const posted = await fetch(`${slackUrl}/_sandbox/slack/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          user: 'alice',
          channel: 'general',
          text: '<@U0SANDBOXBOT> when is the demo?',
        }),
      });
      const mention = (await posted.json()) as { ok: boolean; ts: string };
      expect(mention.ok).toBe(true);
      type Message = { user: string; text: string; ts: string; threadTs?: string };
      const general = async (): Promise<Message[]> => {
        const state = (await (await fetch(`${slackUrl}/_sandbox/state`)).json()) as {
          users: { id: string; name: string }[];
          channels: { name: string; messages: Message[] }[];
        };
        return state.channels.find((channel) => channel.name === 'general')?.messages ?? [];
      };
      await eventually(
        async () => (await general()).length === 2,
        `the bot's reply (ck output so far: ${ck.stdout()}${ck.stderr()})`,
      );
      const [question, reply] = await general();
      expect(question).toMatchObject({ ts: mention.ts });
      expect(reply).toMatchObject({
        user: 'U0SANDBOXBOT',
        threadTs: mention.ts,
        text: `Hi <@${question?.user}>, I am on it: a person will answer in this thread.`,
      });
      expect(ck.stdout()).toMatch(/✓ answer-mention ← slack\.event {2}run \w+ succeeded/);
    } finally {
      expect(await ck.stop()).toBe(0);
    }
    expect(ck.stdout()).toMatch(/SIGTERM: stopping triggers and waiting for the runs in flight…\nstopped\n$/);
    // Stopped means the listener is gone with the process.
    await expect(fetch('http://127.0.0.1:4190/slack/events', { method: 'POST' })).rejects.toThrow();
  }, 120_000);

  it('keeps the Twitter position in .ck/state: a restart posts what came meanwhile, nothing twice', async () => {
    // The README's second way: the emulators in a process of their own (`ck sandbox start`, here
    // the same startSandboxes in this process), so that Twitter outlives a restart of `ck start`.
    const sandbox = commands.find((command) => command.args[0] === 'sandbox');
    expect(sandbox?.args).toEqual(['sandbox', 'start', 'slack', 'twitter', '--seed', 'sandbox-seed.json']);
    const scratch = mkdtempSync(join(tmpdir(), 'ck-mention-bot-'));
    const announce = join(scratch, 'sandbox.json');
    const env = { CONNECTORKIT_SANDBOX_FILE: announce };
    try {
      await using group = await startSandboxes(['slack', 'twitter'], { announce, seeds });
      const twitter = group.get('twitter');
      const slack = group.get('slack');
      if (twitter === undefined || slack === undefined) throw new Error('both emulators run');
      const social = (): string[] =>
        slack.state.channels
          .find((channel) => channel.name === 'social')
          ?.messages.map((message) => message.text) ?? [];

      const first = startCk(startCommand(), folder, env);
      let mention: { id: string };
      try {
        await running(first);
        // Bound from now on: the position is stored before any mention is handled.
        expect(existsSync(positionFile)).toBe(true);
        mention = twitter.controls.postTweet({ author: 'alice', text: '@sandbox_bot the first mention' });
        await eventually(
          () => social().length === 1,
          `the first mention in #social (ck output so far: ${first.stdout()}${first.stderr()})`,
        );
      } finally {
        expect(await first.stop()).toBe(0);
      }
      expect(first.stdout()).toMatch(/stopped\n$/);
      expect(storedPosition().newestId).toBe(mention.id);
      expect(twitter.controls.likes('sandbox_bot', mention.id)).toBe(true);

      // Mentioned while the bot is down: the restarted bot posts it, and only it.
      const meanwhile = twitter.controls.postTweet({ author: 'bob', text: '@sandbox_bot are you there?' });
      const second = startCk(startCommand(), folder, env);
      try {
        await running(second);
        await eventually(
          () => social().length >= 2,
          `the mention made meanwhile in #social (ck output so far: ${second.stdout()}${second.stderr()})`,
        );
        // Without the stored position the trigger would have started from now and skipped it.
      } finally {
        expect(await second.stop()).toBe(0);
      }
      expect(social()).toEqual([
        '@alice on X: @sandbox_bot the first mention',
        '@bob on X: @sandbox_bot are you there?',
      ]);
      expect(storedPosition().newestId).toBe(meanwhile.id);
      expect(twitter.controls.likes('sandbox_bot', meanwhile.id)).toBe(true);
      expect(second.stdout().match(/✓ tweets-to-slack ← twitter\.mentions/g)).toHaveLength(1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);
});
