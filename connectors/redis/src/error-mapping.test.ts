import { inspect } from 'node:util';
import { ConnectorError, type ErrorCode } from '@connectorkit/core';
import { ReplyError } from 'ioredis';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors/index.js';
import { describe, expect, it } from 'vitest';
import { toRedisError } from './error-mapping.js';

function reply(message: string, command?: { name: string; args: string[] }): Error {
  const error = new ReplyError(message) as Error;
  if (command !== undefined) Object.assign(error, { command });
  return error;
}

function nodeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

function named(name: string, message: string): Error {
  const error = new Error(message);
  Object.defineProperty(error, 'name', { value: name });
  return error;
}

describe('toRedisError', () => {
  it.each<[string, Error, ErrorCode]>([
    // Redis error replies, by prefix
    ['NOAUTH', reply('NOAUTH Authentication required.'), 'AUTH'],
    ['WRONGPASS', reply('WRONGPASS invalid username-password pair or user is disabled.'), 'AUTH'],
    ['ERR invalid password (Redis 5)', reply('ERR invalid password'), 'AUTH'],
    [
      'AUTH without a server password',
      reply('ERR AUTH <password> called without any password configured for the default user.'),
      'AUTH',
    ],
    ['NOPERM', reply("NOPERM this user has no permissions to run the 'flushall' command"), 'FORBIDDEN'],
    ['WRONGTYPE', reply('WRONGTYPE Operation against a key holding the wrong kind of value'), 'CONFLICT'],
    ['BUSYGROUP', reply('BUSYGROUP Consumer Group name already exists'), 'CONFLICT'],
    ['NOGROUP', reply("NOGROUP No such key 'orders' or consumer group 'g'"), 'NOT_FOUND'],
    ['NOSCRIPT', reply('NOSCRIPT No matching script. Please use EVAL.'), 'NOT_FOUND'],
    ['EXECABORT', reply('EXECABORT Transaction discarded because of previous errors.'), 'INVALID_INPUT'],
    ['CROSSSLOT', reply("CROSSSLOT Keys in request don't hash to the same slot"), 'INVALID_INPUT'],
    ['LOADING', reply('LOADING Redis is loading the dataset in memory'), 'UNAVAILABLE'],
    ['BUSY', reply('BUSY Redis is busy running a script.'), 'UNAVAILABLE'],
    ['MASTERDOWN', reply('MASTERDOWN Link with MASTER is down'), 'UNAVAILABLE'],
    ['CLUSTERDOWN', reply('CLUSTERDOWN The cluster is down'), 'UNAVAILABLE'],
    ['TRYAGAIN', reply('TRYAGAIN Multiple keys request during rehashing of slot'), 'UNAVAILABLE'],
    ['READONLY', reply("READONLY You can't write against a read only replica."), 'UNAVAILABLE'],
    ['OOM', reply("OOM command not allowed when used memory > 'maxmemory'."), 'UNAVAILABLE'],
    [
      'MISCONF',
      reply(
        'MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.',
      ),
      'UNAVAILABLE',
    ],
    ['UNBLOCKED', reply('UNBLOCKED the stream key no longer exists'), 'UNAVAILABLE'],
    // ERR replies, by text
    ['max clients', reply('ERR max number of clients reached'), 'UNAVAILABLE'],
    ['unknown command', reply("ERR unknown command 'JSON.GET', with args beginning with: "), 'UNSUPPORTED'],
    ['INCR on text', reply('ERR value is not an integer or out of range'), 'CONFLICT'],
    ['HINCRBY on text', reply('ERR hash value is not an integer'), 'CONFLICT'],
    [
      'XADD id too small',
      reply('ERR The ID specified in XADD is equal or smaller than the target stream top item'),
      'CONFLICT',
    ],
    ['syntax', reply('ERR syntax error'), 'INVALID_INPUT'],
    ['arity', reply("ERR wrong number of arguments for 'get' command"), 'INVALID_INPUT'],
    ['expire', reply("ERR invalid expire time in 'set' command"), 'INVALID_INPUT'],
    ['db index', reply('ERR DB index is out of range'), 'INVALID_CONFIG'],
    ['script error', reply('ERR Error running script (call to f_abc): @user_script:1: boom'), 'INTERNAL'],
    // ioredis' own failures
    [
      'offline, offline queue disabled',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      'UNAVAILABLE',
    ],
    [
      'cluster offline',
      new Error("Cluster isn't ready and enableOfflineQueue options is false"),
      'UNAVAILABLE',
    ],
    ['connection closed', new Error('Connection is closed.'), 'UNAVAILABLE'],
    ['in flight at disconnect', new MaxRetriesPerRequestError(0) as unknown as Error, 'UNAVAILABLE'],
    [
      'aborted by connection close',
      named('AbortError', 'Command aborted due to connection close'),
      'UNAVAILABLE',
    ],
    ['commandTimeout', new Error('Command timed out'), 'TIMEOUT'],
    [
      'sentinels',
      new Error('All sentinels are unreachable. Retrying from scratch after 100ms.'),
      'UNAVAILABLE',
    ],
    ['cluster nodes', new Error('None of startup nodes is available'), 'UNAVAILABLE'],
    ['cluster slots', named('ClusterAllFailedError', 'Failed to refresh slots cache.'), 'UNAVAILABLE'],
    [
      'pipeline across slots',
      new Error('All the keys in a pipeline command should belong to the same slot'),
      'INVALID_INPUT',
    ],
    // Node network errors (through core)
    ['ECONNREFUSED', nodeError('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED'), 'UNAVAILABLE'],
    ['ECONNRESET', nodeError('read ECONNRESET', 'ECONNRESET'), 'UNAVAILABLE'],
    ['ENOTFOUND', nodeError('getaddrinfo ENOTFOUND redis.invalid', 'ENOTFOUND'), 'UNAVAILABLE'],
    ['ETIMEDOUT', nodeError('connect ETIMEDOUT', 'ETIMEDOUT'), 'TIMEOUT'],
    // Cancellation
    ['caller abort', new DOMException('This operation was aborted', 'AbortError'), 'CANCELLED'],
    ['timeout signal', new DOMException('The operation timed out', 'TimeoutError'), 'TIMEOUT'],
    // Fallbacks
    ['an unknown reply', reply('SOMETHINGNEW the server invented a new error'), 'INTERNAL'],
    ['an unknown ERR reply', reply('ERR something nobody mapped'), 'INTERNAL'],
    ['an unknown error', new Error('something odd'), 'INTERNAL'],
    ['a thrown string', 'plain text' as unknown as Error, 'INTERNAL'],
  ])('%s → code', (_label, error, code) => {
    const mapped = toRedisError(error, { connector: 'redis', action: 'get', connection: 'cache' });
    expect(mapped).toBeInstanceOf(ConnectorError);
    expect(mapped.code).toBe(code);
    expect(mapped.connector).toBe('redis');
    expect(mapped.action).toBe('get');
    expect(mapped.connection).toBe('cache');
    expect(mapped.cause).toBe(error);
  });

  it('keeps the reply prefix as vendorCode and Redis’ own words in the message, with a hint', () => {
    const mapped = toRedisError(reply('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(mapped.vendorCode).toBe('WRONGTYPE');
    expect(mapped.message).toContain('Operation against a key holding the wrong kind of value');
    expect(mapped.message).toContain('different data type');
  });

  it('lists why a transaction was discarded', () => {
    const error = reply('EXECABORT Transaction discarded because of previous errors.');
    Object.assign(error, { previousErrors: [reply("ERR unknown command 'NOPE'")] });
    expect(toRedisError(error).message).toContain("unknown command 'NOPE'");
  });

  it('returns a ConnectorError as it is, adding only missing context', () => {
    const original = new ConnectorError('NOT_FOUND', 'gone', { action: 'xadd' });
    const mapped = toRedisError(original, { connector: 'redis', action: 'get' });
    expect(mapped.code).toBe('NOT_FOUND');
    expect(mapped.action).toBe('xadd');
    expect(mapped.connector).toBe('redis');
    expect(toRedisError(original)).toBe(original);
  });

  it('removes the arguments of AUTH from the error it keeps as cause', () => {
    const canary = 'ck-canary-error-mapping';
    const error = reply('WRONGPASS invalid username-password pair or user is disabled.', {
      name: 'auth',
      args: ['someone', canary],
    });
    const mapped = toRedisError(error);
    expect(mapped.code).toBe('AUTH');
    expect(inspect(mapped, { depth: 8 })).not.toContain(canary);
    expect(inspect(error, { depth: 8 })).not.toContain(canary);
    expect(JSON.stringify(mapped)).not.toContain(canary);
  });

  it('keeps the arguments of other commands for diagnosis', () => {
    const error = reply('WRONGTYPE Operation against a key holding the wrong kind of value', {
      name: 'incr',
      args: ['visits'],
    });
    toRedisError(error);
    expect((error as unknown as { command: { args: string[] } }).command.args).toEqual(['visits']);
  });
});
