import { Type } from '@connectorkit/core';
import { defineSlackAction } from '../define-slack-action.js';
import { ChannelReference, messageTs } from '../schemas.js';

const ReactionInput = Type.Object(
  {
    channel: ChannelReference,
    ts: messageTs('ts of the message'),
    name: Type.String({
      pattern: "^:?[a-z0-9_+'-]+(::skin-tone-[2-6])?:?$",
      description: 'Emoji name, with or without colons: thumbsup, :white_check_mark:',
    }),
  },
  { additionalProperties: false },
);

const ReactionOutput = Type.Object({
  channel: Type.String(),
  ts: Type.String(),
  name: Type.String(),
  changed: Type.Boolean({ description: 'False when the reaction was already there (or already gone)' }),
});

export const addReaction = defineSlackAction({
  title: 'Add reaction',
  description:
    'Adds an emoji reaction to a message — reactions.add. Idempotent: a reaction that is there already is no error.',
  input: ReactionInput,
  output: ReactionOutput,
  idempotent: true,
  examples: [{ input: { channel: 'C0123ABCD', ts: '1712345678.000100', name: 'white_check_mark' } }],
  run: async (input, { client, signal }) => {
    const name = input.name.replace(/^:|:$/g, '');
    const changed = await client
      .call('reactions.add', { channel: input.channel, timestamp: input.ts, name }, signal)
      .then(
        () => true,
        (error: unknown) => {
          if ((error as { vendorCode?: unknown }).vendorCode === 'already_reacted') return false;
          throw error;
        },
      );
    return { channel: input.channel, ts: input.ts, name, changed };
  },
});

export const removeReaction = defineSlackAction({
  title: 'Remove reaction',
  description:
    "Removes the bot's emoji reaction from a message — reactions.remove. Idempotent: no reaction is no error.",
  input: ReactionInput,
  output: ReactionOutput,
  idempotent: true,
  examples: [{ input: { channel: 'C0123ABCD', ts: '1712345678.000100', name: 'eyes' } }],
  run: async (input, { client, signal }) => {
    const name = input.name.replace(/^:|:$/g, '');
    const changed = await client
      .call('reactions.remove', { channel: input.channel, timestamp: input.ts, name }, signal)
      .then(
        () => true,
        (error: unknown) => {
          if ((error as { vendorCode?: unknown }).vendorCode === 'no_reaction') return false;
          throw error;
        },
      );
    return { channel: input.channel, ts: input.ts, name, changed };
  },
});
