import { Type } from '@connectorkit/core';
import { defineRedisAction } from '../define-redis-action.js';
import { Count } from '../schemas.js';

export const publish = defineRedisAction({
  title: 'Publish',
  description:
    'Sends a message to a pub/sub channel (PUBLISH); returns how many subscribers received it. Channels are not prefixed with keyPrefix. Pub/sub is fire-and-forget: a message nobody listens to is lost.',
  input: Type.Object({
    channel: Type.String({ minLength: 1 }),
    message: Type.String(),
  }),
  output: Type.Object({ receivers: Count }),
  examples: [{ input: { channel: 'orders', message: '{"id":42}' } }],
  run: async ({ channel, message }, { client }) => ({ receivers: await client.publish(channel, message) }),
});
