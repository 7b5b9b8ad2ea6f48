import { format } from 'date-fns';
import { UTCDate } from '@date-fns/utc';

/** Slack channel names: lowercase letters, digits, - and _, at most 80 characters. */
export function slugify(text: string, maxLength = 40): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  return slug || 'incident';
}

/** `inc-YYYYMMDD-<slug>` (UTC date; `drill-…` for a drill), then `-2`, `-3`… for the n-th candidate. */
export function incidentChannelName(title: string, at: Date, attempt = 1, kind: 'inc' | 'drill' = 'inc'): string {
  const base = `${kind}-${format(new UTCDate(at), 'yyyyMMdd')}-${slugify(title)}`;
  return attempt <= 1 ? base : `${base}-${attempt}`;
}
