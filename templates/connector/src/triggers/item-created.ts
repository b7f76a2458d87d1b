import { defineTrigger, sleep, Type } from '@connectorkit/core';
import { exampleConnection } from '../connection.js';
import { toExampleError } from '../error-mapping.js';
import { ItemEvent } from '../schemas.js';

/**
 * Polls the service for new items. The position is saved only after the flow that handles
 * an event has finished, so a crash before that means the event is delivered again.
 */
export const itemCreated = defineTrigger({
  connection: exampleConnection,
  title: 'Item created',
  description: 'Each new item, oldest first; polls the service and saves its position after each event.',
  config: Type.Object({
    intervalMs: Type.Integer({ minimum: 10, default: 1_000, description: 'Time between two polls' }),
  }),
  event: ItemEvent,
  delivery: 'at-least-once',
  start: (config, ctx) => {
    const polling = (async () => {
      while (!ctx.signal.aborted) {
        const after = (await ctx.state.get<number>('sequence')) ?? 0;
        let events: Awaited<ReturnType<typeof ctx.client.listEvents>> = [];
        try {
          events = await ctx.client.listEvents(after, { signal: ctx.signal });
        } catch (error) {
          if (ctx.signal.aborted) break;
          ctx.log.warn('polling failed; trying again', { code: toExampleError(error).code });
        }
        for (const event of events) {
          if (ctx.signal.aborted) break;
          try {
            await ctx.emit({ sequence: event.sequence, item: event.item });
          } catch (error) {
            if (ctx.signal.aborted) break;
            // The retry policy is spent. A real connector sends the event to its dead-letter
            // target here; the stand-in service has none, so the event is logged and skipped.
            ctx.log.error('event handling failed; skipped', {
              sequence: event.sequence,
              code: toExampleError(error).code,
            });
          }
          await ctx.state.set('sequence', event.sequence);
        }
        await sleep(config.intervalMs, ctx.signal).catch(() => undefined);
      }
    })();
    return () => polling;
  },
});
