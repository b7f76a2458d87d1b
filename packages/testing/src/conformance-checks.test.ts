import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import {
  type AnyConnectorDefinition,
  ConnectorError,
  defineAction,
  defineConnection,
  defineConnector,
  Redacted,
  Type,
} from '@connectorkit/core';
import {
  get,
  put,
  SAMPLE_VALID_TOKEN,
  SampleClient,
  sampleConnection,
  sampleConnector,
} from '@connectorkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CANARY_SECRET,
  type ConformanceCheck,
  type ConformanceCheckId,
  type ConformanceOptions,
  conformanceChecks,
} from './index.js';

// Each connector here breaks one promise of the contract on purpose; the suite must say so.

const connection = { token: SAMPLE_VALID_TOKEN };

function check(options: ConformanceOptions, id: ConformanceCheckId): ConformanceCheck {
  const found = conformanceChecks(options).find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`the suite has no check '${id}' for these options`);
  return found;
}

function withAction(name: string, action: object): AnyConnectorDefinition {
  return defineConnector({ ...sampleConnector, actions: { ...sampleConnector.actions, [name]: action } });
}

function withConnection(
  connect: (token: string) => SampleClient,
  disconnect: (client: SampleClient) => void,
): AnyConnectorDefinition {
  const leaky = defineConnection({
    ...sampleConnection,
    connect: (config) => connect(Redacted.reveal(config.token)),
    disconnect,
  });
  return defineConnector({ ...sampleConnector, connection: leaky });
}

/** A local TCP server that accepts and holds connections: something for a connector to leak. */
let server: Server;
let port: number;
const accepted = new Set<Socket>();
const opened = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    accepted.add(socket);
    socket.on('close', () => accepted.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const socket of [...opened, ...accepted]) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

async function connectSocket(): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  opened.add(socket);
  await once(socket, 'connect');
  return socket;
}

describe('conformance checks against bad connectors', () => {
  it('passes the sample connector on every check it reports against the bad ones', async () => {
    const options: ConformanceOptions = {
      connector: sampleConnector,
      connection,
      badCredentials: { token: CANARY_SECRET },
      failing: { action: 'get', input: { key: 'missing' }, code: 'NOT_FOUND' },
      slow: { action: 'wait', input: { ms: 5_000 } },
    };
    const checks = conformanceChecks(options);
    expect(checks.map((candidate) => candidate.id)).toEqual([
      'manifest',
      'descriptions',
      'secret-fields',
      'examples-validate',
      'connection-check',
      'invalid-input',
      'failing-call',
      'bad-credentials',
      'timeout',
      'abort',
      'close',
    ]);
    for (const candidate of checks) await candidate.run();
  });

  it('reports an authentication error that carries the secret', async () => {
    const echoing = withConnection(
      (token) => {
        if (token === SAMPLE_VALID_TOKEN) return new SampleClient('local');
        // An error that prints the token through a custom inspector: the kit scrubs text and
        // the objects hanging off an error, but it cannot see into a function's closure.
        const response = Object.assign(new Error('401 Unauthorized'), {
          [Symbol.for('nodejs.util.inspect.custom')]: () => `401 Unauthorized (Bearer ${token})`,
        });
        throw new ConnectorError('AUTH', 'the sample service rejected the token', { cause: response });
      },
      (client) => client.close(),
    );
    const options: ConformanceOptions = {
      connector: echoing,
      connection,
      badCredentials: { token: CANARY_SECRET },
    };
    await expect(check(options, 'bad-credentials').run()).rejects.toThrow(/shows the secret/);
    await check(options, 'connection-check').run();
  });

  it('reports an action without a description', async () => {
    const undescribed = withAction('get', { ...get, description: '' });
    const options: ConformanceOptions = { connector: undescribed, connection };
    await expect(check(options, 'descriptions').run()).rejects.toThrow(/action get needs a description/);
    await check(options, 'examples-validate').run();
  });

  it('reports a declared example that fails its schema', async () => {
    const misleading = withAction('put', {
      ...put,
      examples: [{ title: 'An empty key', input: { key: '', text: 'hello' } }],
    });
    const options: ConformanceOptions = { connector: misleading, connection };
    await expect(check(options, 'examples-validate').run()).rejects.toThrow(/action put, example 0: input/);
    await check(options, 'descriptions').run();
  });

  it('reports a failure thrown as a plain Error instead of a ConnectorError', async () => {
    const careless = withAction(
      'get',
      defineAction({
        ...get,
        run: async ({ key }, { client }) => {
          const text = client.notes.get(key);
          if (text === undefined) throw new Error(`no note under key '${key}'`);
          return { key, text };
        },
      }),
    );
    const failing = { action: 'get', input: { key: 'missing' } };
    await expect(check({ connector: careless, connection, failing }, 'failing-call').run()).rejects.toThrow(
      /did not map \(Error: no note under key 'missing'\)/,
    );
    await expect(
      check(
        { connector: careless, connection, failing: { ...failing, code: 'NOT_FOUND' } },
        'failing-call',
      ).run(),
    ).rejects.toThrow(/did not map/);
  });

  it('reports a keep-alive interval left running after close()', async () => {
    const intervals: NodeJS.Timeout[] = [];
    const leaky = withConnection(
      () => {
        const client = new SampleClient('local');
        // A keep-alive ping that disconnect forgets to stop.
        intervals.push(setInterval(() => client.notes.has('ping'), 1_000));
        return client;
      },
      (client) => client.close(),
    );
    try {
      await expect(check({ connector: leaky, connection }, 'close').run()).rejects.toThrow(
        /left open: an interval of 1000 ms/,
      );
    } finally {
      for (const interval of intervals) clearInterval(interval);
    }
  });

  it('reports a socket left open after close()', async () => {
    const sockets = new Map<SampleClient, Socket>();
    /** A connector whose clients each hold a socket; `disconnect` decides what becomes of it. */
    const holdingSockets = (disconnect: (client: SampleClient) => void) =>
      defineConnector({
        ...sampleConnector,
        connection: defineConnection({
          ...sampleConnection,
          connect: async () => {
            const client = new SampleClient('local');
            sockets.set(client, await connectSocket());
            return client;
          },
          disconnect,
        }),
      });
    // Closes the client, forgets its socket.
    const leaky = holdingSockets((client) => client.close());
    await expect(check({ connector: leaky, connection }, 'close').run()).rejects.toThrow(
      new RegExp(`left open: a socket from \\S+ to 127\\.0\\.0\\.1:${port}: expected`),
    );
    const closing = holdingSockets((client) => {
      client.close();
      sockets.get(client)?.end();
    });
    await check({ connector: closing, connection }, 'close').run();
  });

  it('reports an action that ignores its abort signal, on timeout and on abort', async () => {
    const options: ConformanceOptions = {
      connector: sampleConnector,
      connection,
      slow: { action: 'wait', input: { ms: 3_000, ignoreSignal: true } },
    };
    await expect(check(options, 'timeout').run()).rejects.toThrow(/still running .* ignores ctx\.signal/);
    await expect(check(options, 'abort').run()).rejects.toThrow(/still running .* ignores ctx\.signal/);
  });

  it('reports an action that ends on abort but leaves its socket open', async () => {
    const hanging = withAction(
      'wait',
      defineAction({
        connection: sampleConnection,
        description: 'Opens a socket per call and waits on it; on abort it gives up but keeps the socket.',
        input: Type.Object({}),
        output: Type.Object({}),
        run: async (_input, { signal }) => {
          await connectSocket();
          await new Promise((_resolve, reject) => {
            if (signal.aborted) reject(signal.reason);
            signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          });
          return {};
        },
      }),
    );
    const options: ConformanceOptions = {
      connector: hanging,
      connection,
      slow: { action: 'wait', input: {} },
    };
    await expect(check(options, 'abort').run()).rejects.toThrow(
      new RegExp(
        `after the abort sample\\.wait left open: a socket from \\S+ to 127\\.0\\.0\\.1:${port}: expected`,
      ),
    );
  });
});
