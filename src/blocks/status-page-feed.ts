import { STAGE_LABELS } from '../domain/status/model';
import { escapeHtml } from './status-page-html';
import type { StatusPageView } from './status-page-view';

/** XML text and attributes: the same five entities as HTML. */
const xml = escapeHtml;

/** An Atom feed (RFC 4287): one entry per published text, newest first. */
export function statusPageFeed(view: StatusPageView, links: { page: string; feed: string }): string {
  const entries = view.incidents
    .flatMap((incident) => incident.updates.map((update) => ({ incident, update })))
    .sort((a, b) => Date.parse(b.update.at) - Date.parse(a.update.at))
    .slice(0, 100);
  const updated = entries[0]?.update.at ?? view.generatedAt;
  const body = entries
    .map(
      ({ incident, update }) => `<entry>
<id>${xml(`${links.page}#${incident.incidentId}-${update.id}`)}</id>
<title>${xml(`${STAGE_LABELS[update.stage]}: ${incident.title}`)}</title>
<updated>${xml(update.at)}</updated>
<link rel="alternate" type="text/html" href="${xml(links.page)}"/>
<content type="text">${xml(update.text)}</content>
</entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${xml(links.feed)}</id>
<title>${xml(view.title)}</title>
<updated>${xml(updated)}</updated>
<author><name>${xml(view.title)}</name></author>
<link rel="self" type="application/atom+xml" href="${xml(links.feed)}"/>
<link rel="alternate" type="text/html" href="${xml(links.page)}"/>
${body}
</feed>
`;
}
