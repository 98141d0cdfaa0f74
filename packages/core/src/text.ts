/** Small text helpers for what people read: titles, log lines, table cells. */

/**
 * `text` cut to at most `limit` characters, ellipsis included: at the last space when one is near
 * the cut (a title should not end mid-word), otherwise at the limit.
 */
export function shorten(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, Math.max(0, limit - 1));
  const space = cut.lastIndexOf(' ');
  const head = space >= cut.length * 0.6 ? cut.slice(0, space) : cut;
  return `${head.trimEnd()}…`;
}
