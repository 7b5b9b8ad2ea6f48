import { formatDuration, intervalToDuration } from 'date-fns';

/** 1_800_000 → "30 minutes", 90_000 → "1 minute 30 seconds", 0 → "0 seconds". */
export function humanDuration(ms: number): string {
  const text = formatDuration(intervalToDuration({ start: 0, end: Math.max(0, Math.round(ms / 1000) * 1000) }));
  return text || '0 seconds';
}

/** The short form for progress lines: "850 ms", "42 s", "2 min 5 s", "1 h 3 min". */
export function formatElapsed(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value} ms`;
  const { days = 0, hours = 0, minutes = 0, seconds = 0 } = intervalToDuration({ start: 0, end: Math.round(value / 1000) * 1000 });
  const totalHours = days * 24 + hours;
  if (totalHours > 0) return minutes === 0 ? `${totalHours} h` : `${totalHours} h ${minutes} min`;
  if (minutes > 0) return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
  return `${seconds} s`;
}
