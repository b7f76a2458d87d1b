import {
  ConnectorError,
  type ConnectorErrorOptions,
  type ErrorCode,
  fromNetworkError,
  toConnectorError,
} from '@connectorkit/core';

/** Where a failure happened, carried onto the `ConnectorError`. */
export type RedisErrorContext = Pick<ConnectorErrorOptions, 'connector' | 'action' | 'connection'>;

interface ReplyRule {
  readonly code: ErrorCode;
  /** Appended to Redis' own message: how to fix it. */
  readonly hint?: string;
}

/**
 * Redis error replies by their first word (the "error prefix" of RESP). `ERR` replies are
 * told apart by their text in {@link ERR_RULES}.
 */
const REPLY_PREFIX_RULES: Readonly<Record<string, ReplyRule>> = {
  NOAUTH: { code: 'AUTH', hint: 'the server requires a password — set `password` (and `username`)' },
  WRONGPASS: { code: 'AUTH', hint: 'check `username` and `password` of the connection' },
  NOPERM: { code: 'FORBIDDEN', hint: "the user's ACL does not allow this command or key" },
  WRONGTYPE: { code: 'CONFLICT', hint: 'the key holds a different data type' },
  BUSYGROUP: { code: 'CONFLICT' },
  NOGROUP: { code: 'NOT_FOUND', hint: 'create the consumer group first (XGROUP CREATE … MKSTREAM)' },
  NOSCRIPT: { code: 'NOT_FOUND' },
  EXECABORT: { code: 'INVALID_INPUT', hint: 'a command of the transaction was rejected; nothing ran' },
  CROSSSLOT: {
    code: 'INVALID_INPUT',
    hint: 'in cluster mode all keys of one call must hash to the same slot — use a {hash tag}',
  },
  LOADING: { code: 'UNAVAILABLE', hint: 'the server is loading its dataset; try again shortly' },
  BUSY: { code: 'UNAVAILABLE', hint: 'a script or function is running on the server' },
  MASTERDOWN: { code: 'UNAVAILABLE' },
  CLUSTERDOWN: { code: 'UNAVAILABLE' },
  TRYAGAIN: { code: 'UNAVAILABLE' },
  READONLY: { code: 'UNAVAILABLE', hint: 'the node is a read-only replica; a failover may be in progress' },
  NOREPLICAS: { code: 'UNAVAILABLE' },
  MISCONF: { code: 'UNAVAILABLE', hint: 'the server cannot persist its data and refuses writes' },
  OOM: { code: 'UNAVAILABLE', hint: 'the server reached maxmemory' },
  MOVED: { code: 'UNAVAILABLE' },
  ASK: { code: 'UNAVAILABLE' },
  UNBLOCKED: { code: 'UNAVAILABLE' },
};

/** `ERR …` replies, matched on their text. The first match wins. */
const ERR_RULES: readonly (readonly [RegExp, ReplyRule])[] = [
  [/invalid password|invalid username-password/i, { code: 'AUTH', hint: 'check `password`' }],
  [
    /AUTH.*called without any password configured/i,
    { code: 'AUTH', hint: 'the server has no password — remove `password` from the connection' },
  ],
  [/max number of clients reached/i, { code: 'UNAVAILABLE' }],
  [/DB index is out of range/i, { code: 'INVALID_CONFIG', hint: 'check `db` of the connection' }],
  [/unknown command/i, { code: 'UNSUPPORTED', hint: 'the server does not know this command' }],
  [/value is not an integer|not a valid float|hash value is not an integer/i, { code: 'CONFLICT' }],
  [/equal or smaller than the target stream top item/i, { code: 'CONFLICT' }],
  [
    /wrong number of arguments|syntax error|invalid expire time|out of range|not an integer|invalid stream id|invalid cursor|unknown subcommand/i,
    { code: 'INVALID_INPUT' },
  ],
  [/Error running script|user_script/i, { code: 'INTERNAL' }],
];

/** ioredis' own (non-reply) failures, matched on their text. */
const CLIENT_RULES: readonly (readonly [RegExp, ErrorCode, string])[] = [
  [
    /enableOfflineQueue options is false/,
    'UNAVAILABLE',
    'Redis is not connected (it reconnects in the background); the command was not sent',
  ],
  [/^Connection is closed\.?$/, 'UNAVAILABLE', 'the connection to Redis is closed'],
  [/Command aborted due to connection close/, 'UNAVAILABLE', 'the connection to Redis closed mid-command'],
  [/^Connection is (aborted|discarded)/, 'UNAVAILABLE', 'the connection to Redis was replaced'],
  [/^Command timed out$/, 'TIMEOUT', 'Redis did not answer in time'],
  [/Socket timeout/, 'TIMEOUT', 'Redis stopped answering'],
  [/sentinels are unreachable|None of sentinels|Failed to connect to the sentinel/i, 'UNAVAILABLE', ''],
  [/None of startup nodes is available|Failed to refresh slots cache/i, 'UNAVAILABLE', ''],
  [
    /Cluster is (disconnected|disconnecting|ended)|Node is disconnected|No subscriber for the cluster/,
    'UNAVAILABLE',
    '',
  ],
  [/Too many Cluster redirections/, 'UNAVAILABLE', ''],
  [
    /CROSSSLOT|should belong to the same slot/,
    'INVALID_INPUT',
    'in cluster mode the keys of one call must share a slot',
  ],
  [/^Ready check failed/, 'UNAVAILABLE', ''],
];

/** Commands whose arguments carry credentials; their arguments never travel with an error. */
const CREDENTIAL_COMMANDS = new Set(['auth', 'hello', 'migrate', 'acl', 'config']);

/**
 * Turns anything an ioredis call throws into a `ConnectorError`: Redis error replies by
 * their prefix (`WRONGPASS` → AUTH, `WRONGTYPE` → CONFLICT, …), ioredis' connection
 * failures (offline, closed, retries spent) as UNAVAILABLE, Node network errors via core,
 * and anything unrecognised as INTERNAL. The original error is kept as `cause`, with the
 * arguments of credential-carrying commands (`AUTH`, `HELLO`, …) removed.
 */
export function toRedisError(error: unknown, context: RedisErrorContext = {}): ConnectorError {
  if (error instanceof ConnectorError) return error.withContext(context);
  scrubCredentials(error);
  const name = errorName(error);
  const message = errorMessage(error);

  if (name === 'ReplyError') return fromReply(error, message, context);
  if (name === 'MaxRetriesPerRequestError') {
    return new ConnectorError(
      'UNAVAILABLE',
      'the connection to Redis was lost while the command was in flight; it may or may not have run',
      { ...context, vendorCode: name, cause: error },
    );
  }
  if (name === 'ClusterAllFailedError') {
    const last = errorMessage((error as { lastNodeError?: unknown }).lastNodeError);
    return new ConnectorError(
      'UNAVAILABLE',
      `no cluster node answered (${message}${last === '' ? '' : ` last node error: ${last}`})`,
      {
        ...context,
        vendorCode: name,
        cause: error,
      },
    );
  }
  for (const [pattern, code, explanation] of CLIENT_RULES) {
    if (pattern.test(message)) {
      return new ConnectorError(code, explanation === '' ? message : `${explanation} (${message})`, {
        ...context,
        cause: error,
      });
    }
  }
  const network = fromNetworkError(error, context);
  if (network !== undefined) return network;
  return toConnectorError(error, context);
}

function fromReply(error: unknown, message: string, context: RedisErrorContext): ConnectorError {
  const prefix = /^[A-Z]+/.exec(message)?.[0] ?? 'ERR';
  let rule = REPLY_PREFIX_RULES[prefix];
  if (rule === undefined && prefix === 'ERR') {
    rule = ERR_RULES.find(([pattern]) => pattern.test(message))?.[1];
  }
  if (prefix === 'EXECABORT') {
    const previous = (error as { previousErrors?: unknown }).previousErrors;
    const reasons = Array.isArray(previous) ? previous.map(errorMessage).filter(Boolean) : [];
    if (reasons.length > 0) {
      return new ConnectorError(
        'INVALID_INPUT',
        `transaction discarded, nothing ran: ${reasons.join('; ')}`,
        {
          ...context,
          vendorCode: prefix,
          cause: error,
        },
      );
    }
  }
  const code = rule?.code ?? 'INTERNAL';
  const text = rule?.hint === undefined ? message : `${message} — ${rule.hint}`;
  return new ConnectorError(code, `Redis replied: ${text}`, { ...context, vendorCode: prefix, cause: error });
}

function scrubCredentials(error: unknown): void {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const command = (current as { command?: unknown }).command;
    if (command !== null && typeof command === 'object') {
      const commandName = String((command as { name?: unknown }).name ?? '').toLowerCase();
      if (CREDENTIAL_COMMANDS.has(commandName)) {
        try {
          Object.defineProperty(current, 'command', {
            value: { name: commandName, args: ['<redacted>'] },
            enumerable: true,
            configurable: true,
            writable: true,
          });
        } catch {
          // A frozen error keeps its property; the kit still scrubs the texts it prints.
        }
      }
    }
    for (const key of ['previousErrors', 'lastNodeError'] as const) {
      const nested = (current as Record<string, unknown>)[key];
      if (Array.isArray(nested)) for (const inner of nested) scrubCredentials(inner);
      else if (nested !== undefined) scrubCredentials(nested);
    }
    current = (current as { cause?: unknown }).cause;
  }
}

function errorName(error: unknown): string {
  if (error === null || typeof error !== 'object') return '';
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : '';
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return '';
}
