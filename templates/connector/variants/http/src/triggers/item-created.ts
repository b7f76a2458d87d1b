import { defineTrigger, paginateByCursor, sleep, Type, toConnectorError } from '@connectorkit/core';
import { exampleConnection } from '../connection.js';
import { ItemEvent } from '../schemas.js';

interface EventPage {
  readonly events: ItemEvent[];
  readonly nextCursor: string | null;
}

/**
 * Polls the service for new items, page by page. The position is saved only after the flow
 * that handles an event has finished, so a crash before that means the event is delivered again.
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
        const events = paginateByCursor({
          fetchPage: (cursor) =>
            ctx.client.get<EventPage>('/events', { query: { after, cursor }, signal: ctx.signal }),
          items: (page) => page.events,
          nextCursor: (page) => page.nextCursor,
          signal: ctx.signal,
        });
        try {
          for await (const event of events) {
            try {
              await ctx.emit(event);
            } catch (error) {
              if (ctx.signal.aborted) return;
              // The retry policy is spent. Send the event to the service's dead-letter target
              // here, if it has one; this template logs it and moves on.
              ctx.log.error('event handling failed; skipped', {
                sequence: event.sequence,
                code: toConnectorError(error).code,
              });
            }
            await ctx.state.set('sequence', event.sequence);
          }
        } catch (error) {
          if (ctx.signal.aborted) return;
          ctx.log.warn('polling failed; trying again', { code: toConnectorError(error).code });
        }
        await sleep(config.intervalMs, ctx.signal).catch(() => undefined);
      }
    })();
    return () => polling;
  },
});
