/** The weights a step walks and the measurements at each. Pure. */

/** `weight` runs one step; `steps` walks a list. Exactly one of them is given (the inputs check). */
export function planWeights(input: {
  weight?: number | undefined;
  steps?: readonly number[] | undefined;
}): number[] {
  if (input.steps && input.steps.length > 0) return [...input.steps];
  if (input.weight !== undefined) return [input.weight];
  throw new RangeError('either weight or steps is needed');
}

/** Measurements at each weight: one per interval that fits in the duration, at least one. */
export function planLooks(durationMs: number, intervalMs: number): number {
  return Math.max(1, Math.floor(durationMs / intervalMs + 1e-9));
}

/** Parses `10,50,100` (commas or new lines): whole numbers 1-100, strictly increasing. */
export function parseSteps(text: string): number[] | undefined {
  const items = text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) return undefined;
  const weights: number[] = [];
  for (const item of items) {
    if (!/^\d+$/.test(item)) return undefined;
    const weight = Number(item);
    if (weight < 1 || weight > 100) return undefined;
    if (weights.length > 0 && weight <= weights[weights.length - 1]!) return undefined;
    weights.push(weight);
  }
  return weights;
}

/** What the steps input accepts, for error messages. */
export const STEPS_HINT =
  'canary weights to walk, whole numbers from 1 to 100 in increasing order, e.g. 10,50,100';
