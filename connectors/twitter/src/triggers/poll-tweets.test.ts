import { describe, expect, it } from 'vitest';
import { compareIds, snowflakeAt, snowflakeTime } from './poll-tweets.js';

describe('snowflake ids', () => {
  it('reads the creation time of an id and makes the smallest id of a time', () => {
    // 1288834974657 is the epoch: id 0 was made then; bits above 22 count milliseconds since.
    expect(snowflakeTime('0')).toBe(1_288_834_974_657);
    const time = Date.UTC(2024, 2, 1);
    expect(snowflakeTime(snowflakeAt(time))).toBe(time);
    expect(BigInt(snowflakeAt(time + 1)) - BigInt(snowflakeAt(time))).toBe(1n << 22n);
    expect(snowflakeAt(0)).toBe('0');
  });

  it('compares ids as numbers, not as text', () => {
    expect(compareIds('9', '10')).toBe(-1);
    expect(compareIds('1790000000000000001', '1790000000000000000')).toBe(1);
    expect(compareIds('42', '42')).toBe(0);
  });
});
