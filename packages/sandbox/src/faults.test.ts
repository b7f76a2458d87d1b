import { describe, expect, it } from 'vitest';
import { createFaults, faultFromJson } from './faults.js';

describe('faults', () => {
  it('matches a route by name, path or RegExp; every route without one', () => {
    const faults = createFaults();
    faults.serverError({ route: 'chat.postMessage' });
    expect(faults.decide('chat.postMessage', '/api/chat.postMessage').answer?.kind).toBe('serverError');
    expect(faults.decide('auth.test', '/api/auth.test').answer).toBeUndefined();
    faults.clear();
    faults.rateLimit({ route: '/api/auth.test' });
    expect(faults.decide('auth.test', '/api/auth.test').answer?.kind).toBe('rateLimit');
    faults.clear();
    faults.invalidToken({ route: /^conversations\./ });
    expect(faults.decide('conversations.list', '/api/conversations.list').answer?.kind).toBe('invalidToken');
    expect(faults.decide('users.list', '/api/users.list').answer).toBeUndefined();
    faults.clear();
    faults.serverError();
    expect(faults.decide('anything', '/anything').answer?.kind).toBe('serverError');
  });

  it('adds up delays, answers with the oldest terminal fault, and spends counts', () => {
    const faults = createFaults();
    faults.delay({ ms: 100, times: 1 });
    faults.delay({ ms: 50 });
    const first = faults.rateLimit({ times: 1 });
    faults.serverError({ times: 1 });
    const decision = faults.decide('a', '/a');
    expect(decision).toEqual({ delayMs: 150, answer: first.spec, kinds: ['delay', 'delay', 'rateLimit'] });
    expect(faults.decide('a', '/a')).toMatchObject({ delayMs: 50, answer: { kind: 'serverError' } });
    expect(faults.decide('a', '/a')).toMatchObject({ delayMs: 50, answer: undefined });
    expect(faults.list().map((fault) => fault.spec.kind)).toEqual(['delay']);
  });

  it('rejects faults that make no sense, with what was expected', () => {
    const faults = createFaults();
    expect(() => faults.add({ kind: 'serverError', status: 404 })).toThrow(/5xx status/);
    expect(() => faults.add({ kind: 'delay', ms: -1 })).toThrow(/ms ≥ 0/);
    expect(() => faults.rateLimit({ retryAfterSeconds: 1.5 })).toThrow(/whole number/);
    expect(() => faults.serverError({ times: 0 })).toThrow(/positive integer/);
    expect(() => faultFromJson({ kind: 'meltdown' })).toThrow(/unknown fault kind 'meltdown'/);
    expect(() => faultFromJson({ kind: 'delay', ms: 5, route: 5 })).toThrow(/route must be a string/);
    expect(faultFromJson({ kind: 'rateLimit', route: 'auth.test', times: 2 })).toEqual({
      kind: 'rateLimit',
      route: 'auth.test',
      times: 2,
    });
  });
});
