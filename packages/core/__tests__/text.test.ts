import { describe, expect, it } from '@jest/globals';
import { shorten } from '../src/text.ts';

describe('shorten', () => {
  it('keeps text within the limit as it is', () => {
    expect(shorten('canary failed', 20)).toBe('canary failed');
  });

  it('cuts at a word near the limit, with an ellipsis, never over the limit', () => {
    const text = 'canary-step: v2.0.0 errors 21.6% vs 0.0% on stable at 10% traffic';
    const short = shorten(text, 40);
    expect(short).toBe('canary-step: v2.0.0 errors 21.6% vs…');
    expect(short.length).toBeLessThanOrEqual(40);
  });

  it('cuts a long word at the limit when no space is near', () => {
    expect(shorten('a'.repeat(30), 10)).toBe(`${'a'.repeat(9)}…`);
  });
});
