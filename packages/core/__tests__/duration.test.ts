import { describe, expect, it } from '@jest/globals';
import { DURATION_HINT, formatDuration, parseDuration } from '../src/inputs/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['90d', 7_776_000_000],
    ['1d12h', 129_600_000],
    ['1m30s', 90_000],
    ['1h0m', 3_600_000],
    ['2m500ms', 120_500],
    ['1.5h', 5_400_000],
    ['0.5s', 500],
    ['1.5', 1500],
    ['10', 10_000],
    ['0', 0],
    ['0s', 0],
    ['  2s  ', 2000],
    ['1.0004', 1000]
  ])('parses %j as %d ms', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['5x', 'unknown unit'],
    ['5M', 'units are lower case'],
    ['-1s', 'negative'],
    ['-1', 'negative bare number'],
    ['30s5m', 'units out of order'],
    ['1h1d', 'days after hours'],
    ['1h1h', 'a unit twice'],
    ['500ms1s', 'ms before s'],
    ['ms', 'a unit without a number'],
    ['1h30', 'trailing number without a unit'],
    ['5 m', 'space inside'],
    ['1e3', 'exponent'],
    ['.5', 'no leading digit'],
    ['1.', 'dangling point'],
    ['five seconds', 'words']
  ])('rejects %j (%s)', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('is not confused by a previous call (the sticky regex is reset)', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('5x')).toBeUndefined();
    expect(parseDuration('30s')).toBe(30_000);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [0.4, '0ms'],
    [850, '850ms'],
    [999, '999ms'],
    [1000, '1s'],
    [2500, '2.5s'],
    [1234, '1.23s'],
    [12_345, '12.3s'],
    [30_000, '30s'],
    [60_000, '1m'],
    [61_000, '1m1s'],
    [90_000, '1m30s'],
    [300_000, '5m'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
    [3_661_000, '1h1m1s'],
    [90_061_000, '25h1m1s']
  ])('formats %d ms as %j', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it.each([500, 30_000, 300_000, 3_600_000, 5_400_000, 90_000])(
    'round-trips %d ms through parseDuration',
    (ms) => {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  );
});

describe('DURATION_HINT', () => {
  it('names every accepted form', () => {
    for (const form of ['500ms', '30s', '5m', '1h', '1h30m', 'bare number'])
      expect(DURATION_HINT).toContain(form);
  });
});
