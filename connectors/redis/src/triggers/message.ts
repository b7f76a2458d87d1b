import { ConnectorError, defineTrigger, Type } from '@connectorkit/core';
import { closeClient, openDedicatedConnection, redisConnection } from '../connection.js';
import { toRedisError } from '../error-mapping.js';

export const message = defineTrigger({
  connection: redisConnection,
  title: 'Pub/sub message',
  description:
    'Each message published on the given channels or channel patterns (SUBSCRIBE / PSUBSCRIBE). Delivery is at-most-once: pub/sub keeps nothing, so a message published while the trigger is stopped or reconnecting is lost, and a message whose flow fails is not redelivered. Use the stream trigger when every event matters.',
  config: Type.Object(
    {
      channels: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), {
          minItems: 1,
          description: 'Exact channel names (SUBSCRIBE)',
        }),
      ),
      patterns: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), {
          minItems: 1,
          description: 'Glob patterns such as news.* (PSUBSCRIBE)',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  event: Type.Object({
    channel: Type.String({ description: 'The channel the message was published on' }),
    message: Type.String(),
    pattern: Type.Optional(
      Type.String({ description: 'The pattern that matched, for pattern subscriptions' }),
    ),
  }),
  delivery: 'at-most-once',
  start: async ({ channels = [], patterns = [] }, ctx) => {
    if (channels.length === 0 && patterns.length === 0) {
      throw new ConnectorError('INVALID_CONFIG', 'redis.message: give `channels` or `patterns` (or both)', {
        path: '$.channels',
      });
    }
    const subscriber = await openDedicatedConnection(ctx.client, ctx.log, 'subscriber', ctx.signal);
    const deliver = (event: { channel: string; message: string; pattern?: string }): void => {
      if (ctx.signal.aborted) return;
      ctx.emit(event).catch((error: unknown) => {
        ctx.log.warn('a pub/sub message failed in its flow and is dropped (at-most-once)', {
          channel: event.channel,
          code: error instanceof ConnectorError ? error.code : 'INTERNAL',
        });
      });
    };
    subscriber.on('message', (channel: string, text: string) => deliver({ channel, message: text }));
    subscriber.on('pmessage', (pattern: string, channel: string, text: string) =>
      deliver({ channel, message: text, pattern }),
    );
    try {
      if (channels.length > 0) await subscriber.subscribe(...channels);
      if (patterns.length > 0) await subscriber.psubscribe(...patterns);
    } catch (error) {
      subscriber.disconnect();
      throw toRedisError(error);
    }
    ctx.log.info('subscribed', { channels, patterns });
    return async () => {
      // Messages already handed to emit finish; the kit waits for them after this returns.
      subscriber.removeAllListeners('message');
      subscriber.removeAllListeners('pmessage');
      await closeClient(subscriber);
    };
  },
});
