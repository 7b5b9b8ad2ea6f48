import { format } from 'date-fns';
import { UTCDate } from '@date-fns/utc';
import { COMPONENT_LABELS, STAGE_LABELS, type ComponentState, type PublicIncident } from '../domain/status/model';
import type { StatusPageView } from './status-page-view';

/** Every outside string passes here on its way into HTML (text and attribute values alike). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const when = (iso: string) => `<time datetime="${escapeHtml(iso)}">${escapeHtml(format(new UTCDate(iso), 'd MMM yyyy, HH:mm'))} UTC</time>`;

/** Paragraphs from the published text; line breaks kept. */
const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');

/** Dark text on light tints: every pair above WCAG AA's 4.5:1. */
const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f7f9}
.wrap{max-width:46rem;margin:0 auto;padding:1rem}
header{background:#fff;border-bottom:1px solid #d0d4da}
h1{font-size:1.5rem;margin:0}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:0 0 .25rem}
.banner{padding:.75rem 1rem;border-radius:.5rem;font-weight:600;border:1px solid}
.s-operational{background:#e6f4ea;color:#0b5323;border-color:#7cc08f}
.s-degraded_performance{background:#fff4d6;color:#5c4300;border-color:#d9b44a}
.s-partial_outage{background:#ffe8d6;color:#7a2e00;border-color:#e39a62}
.s-major_outage{background:#fde2e1;color:#8a1010;border-color:#e38b8a}
ul.components{list-style:none;margin:0;padding:0;background:#fff;border:1px solid #d0d4da;border-radius:.5rem}
ul.components li{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap;padding:.6rem 1rem;border-top:1px solid #e3e6ea}
ul.components li:first-child{border-top:0}
.badge{font-size:.9rem;padding:0 .5rem;border-radius:.25rem;border:1px solid}
article{background:#fff;border:1px solid #d0d4da;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
ol.updates{list-style:none;margin:.5rem 0 0;padding:0}
ol.updates li{border-left:3px solid #8a94a3;padding:.25rem 0 .25rem .75rem;margin:.5rem 0}
ol.updates p{margin:.25rem 0;overflow-wrap:anywhere}
.meta{color:#4a5260;font-size:.9rem}
footer{color:#4a5260;font-size:.85rem}
`;

function badge(state: ComponentState): string {
  return `<span class="badge s-${state}">${escapeHtml(COMPONENT_LABELS[state])}</span>`;
}

function incidentArticle(incident: PublicIncident, index: number): string {
  const headingId = `incident-${index}`;
  const updates = [...incident.updates]
    .reverse()
    .map((u) => `<li><strong>${escapeHtml(STAGE_LABELS[u.stage])}</strong> <span class="meta">${when(u.at)}</span>${paragraphs(u.text)}</li>`)
    .join('');
  const affected = incident.services.length > 0 ? ` · Affects ${escapeHtml(incident.services.join(', '))}` : '';
  return `<article aria-labelledby="${headingId}">
<h3 id="${headingId}">${escapeHtml(incident.title)}</h3>
<p class="meta">${escapeHtml(STAGE_LABELS[incident.stage])} · Started ${when(incident.startedAt)}${affected}</p>
<ol class="updates" aria-label="Updates, newest first">${updates}</ol>
</article>`;
}

/** The public page: server-rendered, no script, no external asset, readable at phone width. */
export function statusPageHtml(view: StatusPageView, links: { json: string; feed: string }): string {
  const open = view.incidents.filter((i) => i.stage !== 'resolved');
  const past = view.incidents.filter((i) => i.stage === 'resolved');
  const components =
    view.components.length > 0
      ? `<ul class="components">${view.components.map((c) => `<li><span>${escapeHtml(c.service)}</span>${badge(c.state)}</li>`).join('')}</ul>`
      : '<p>No components are listed.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(view.title)}</title>
<link rel="alternate" type="application/atom+xml" title="${escapeHtml(view.title)}" href="${escapeHtml(links.feed)}">
<style>${CSS}</style>
</head>
<body>
<header><div class="wrap"><h1>${escapeHtml(view.title)}</h1></div></header>
<main class="wrap">
<p class="banner s-${view.overall.state}" role="status">${escapeHtml(view.overall.text)}</p>
<section aria-labelledby="components-heading">
<h2 id="components-heading">Components</h2>
${components}
</section>
<section aria-labelledby="current-heading">
<h2 id="current-heading">Current incidents</h2>
${open.length > 0 ? open.map((i, n) => incidentArticle(i, n)).join('\n') : '<p>No incidents right now.</p>'}
</section>
<section aria-labelledby="past-heading">
<h2 id="past-heading">Past incidents</h2>
${past.length > 0 ? past.map((i, n) => incidentArticle(i, open.length + n)).join('\n') : '<p>No past incidents.</p>'}
</section>
</main>
<footer><div class="wrap"><p>Updated ${when(view.generatedAt)}. <a href="${escapeHtml(links.feed)}">Atom feed</a> · <a href="${escapeHtml(links.json)}">JSON</a></p></div></footer>
</body>
</html>
`;
}
