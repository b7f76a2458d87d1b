import { Type } from '@connectorkit/core';

/** A key; the connection's `keyPrefix` is added by the client. */
export const Key = Type.String({ minLength: 1, description: 'Key (the connection keyPrefix is added)' });

/** One or more keys. */
export const Keys = Type.Array(Key, { minItems: 1, description: 'Keys (the connection keyPrefix is added)' });

/** A string value, or null when the key (or field) does not exist. */
export const NullableString = Type.Union([Type.String(), Type.Null()]);

/** A Redis integer reply. */
export const Count = Type.Integer({ minimum: 0 });
