import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import {
  actionsOn,
  CONTRACT_VERSION,
  defineAction,
  defineConnection,
  defineConnector,
  defineTrigger,
  SUPPORTED_CONTRACTS,
} from './define.js';
import { invalidInput } from './errors.js';

describe('define functions', () => {
  it('return the definition they are given, unchanged', () => {
    const connection = { config: Type.Object({}), connect: () => ({}) };
    const action = {
      connection,
      description: 'Does nothing.',
      input: Type.Object({}),
      output: Type.Object({}),
      run: () => ({}),
    };
    const trigger = {
      connection,
      description: 'Never fires.',
      config: Type.Object({}),
      event: Type.Object({}),
      delivery: 'at-most-once' as const,
      start: () => () => undefined,
    };
    const connector = {
      contract: CONTRACT_VERSION as typeof CONTRACT_VERSION,
      name: 'noop',
      title: 'No-op',
      description: 'Nothing.',
      version: '0.0.0',
      connection,
      actions: { action },
    };
    expect(defineConnection(connection)).toBe(connection);
    expect(defineAction(action)).toBe(action);
    expect(defineTrigger(trigger)).toBe(trigger);
    expect(defineConnector(connector)).toBe(connector);
  });

  it('support the contract version they state', () => {
    expect(SUPPORTED_CONTRACTS).toContain(CONTRACT_VERSION);
  });
});

describe('actionsOn', () => {
  it('binds every action it defines to the one connection', () => {
    const connection = defineConnection({ config: Type.Object({}), connect: () => ({ greeting: 'hi' }) });
    const defineGreeterAction = actionsOn(connection);
    const greet = defineGreeterAction({
      description: 'Greets.',
      input: Type.Object({ name: Type.String() }),
      output: Type.Object({ text: Type.String() }),
      run: ({ name }, { client }) => ({ text: `${client.greeting} ${name}` }),
    });
    expect(greet.connection).toBe(connection);
    expect(greet.description).toBe('Greets.');
  });
});

describe('invalidInput', () => {
  it('is an INVALID_INPUT error pointing at the field, with one issue', () => {
    const error = invalidInput('give text or blocks', '$.text');
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '$.text', retryable: false });
    expect(error.issues).toEqual([{ path: '$.text', message: 'give text or blocks' }]);
  });
});
