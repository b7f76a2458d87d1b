import { defineConnector } from '@connectorkit/core';
import { hdel, hexists, hget, hgetall, hincrBy, hlen, hmget, hset } from './actions/hashes.js';
import { jsonGet, jsonSet } from './actions/json.js';
import { del, exists, expire, scan, ttl } from './actions/keys.js';
import { lindex, llen, lpop, lpush, lrange, lrem, ltrim, rpop, rpush } from './actions/lists.js';
import { pipeline, transaction } from './actions/pipeline.js';
import { publish } from './actions/publish.js';
import { sadd, scard, sdiff, sinter, sismember, smembers, srem, sunion } from './actions/sets.js';
import {
  zadd,
  zcard,
  zcount,
  zincrBy,
  zrange,
  zrangeByScore,
  zrank,
  zrem,
  zscore,
} from './actions/sorted-sets.js';
import { xadd, xlen, xrange, xtrim } from './actions/streams.js';
import { get, incr, incrBy, mget, mset, set } from './actions/strings.js';
import { redisConnection } from './connection.js';
import { lock, unlock } from './lock.js';
import { message } from './triggers/message.js';
import { stream } from './triggers/stream.js';

/** The package version, checked against package.json when the manifest is built. */
export const VERSION = '0.1.0';

/**
 * The Redis connector: keys, strings, hashes, lists, sets, sorted sets, streams, JSON values,
 * pipelines and transactions, distributed locks; pub/sub (at-most-once) and stream
 * consumer-group (at-least-once) triggers.
 */
export const redis = defineConnector({
  contract: 1,
  name: 'redis',
  title: 'Redis',
  description:
    'Redis through ioredis: strings, keys, hashes, lists, sets, sorted sets, streams, JSON values, pipelines, MULTI/EXEC transactions and locks; pub/sub and stream consumer-group triggers. Standalone, Sentinel and Cluster.',
  version: VERSION,
  connection: redisConnection,
  actions: {
    get,
    set,
    mget,
    mset,
    incr,
    incrBy,
    del,
    expire,
    ttl,
    exists,
    scan,
    hget,
    hset,
    hmget,
    hgetall,
    hdel,
    hincrBy,
    hexists,
    hlen,
    lpush,
    rpush,
    lpop,
    rpop,
    lrange,
    llen,
    ltrim,
    lrem,
    lindex,
    sadd,
    srem,
    smembers,
    sismember,
    scard,
    sinter,
    sunion,
    sdiff,
    zadd,
    zrem,
    zscore,
    zincrBy,
    zrange,
    zrangeByScore,
    zcard,
    zcount,
    zrank,
    publish,
    xadd,
    xrange,
    xlen,
    xtrim,
    jsonGet,
    jsonSet,
    pipeline,
    transaction,
    lock,
    unlock,
  },
  triggers: { message, stream },
});
