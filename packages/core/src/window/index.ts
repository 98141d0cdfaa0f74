// Re-exports of this folder: freeze windows, holidays and time zones.
export * from './zoned-time.ts';
export * from './freeze-windows.ts';
export * from './holidays.ts';
export * from './evaluate-window.ts';
