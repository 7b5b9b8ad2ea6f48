import { formatDuration, intervalToDuration } from 'date-fns';

/** 1_800_000 → "30 minutes", 90_000 → "1 minute 30 seconds", 0 → "0 seconds". */
export function humanDuration(ms: number): string {
  const text = formatDuration(intervalToDuration({ start: 0, end: Math.max(0, Math.round(ms / 1000) * 1000) }));
  return text || '0 seconds';
}
