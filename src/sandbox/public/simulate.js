// The Simulate panel: deploys and alerts sent through the bot's real webhooks.
'use strict';

(function () {
  const Sandbox = window.Sandbox;
  const el = Sandbox.el;

  function field(label, control) {
    const id = `sim-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`;
    control.id = id;
    return el('div', { class: 'sim-field' }, el('label', { for: id }, label), control);
  }
  const text = (value) => el('input', { type: 'text', value });
  const choose = (options, selected) => el('select', {}, options.map((o) => el('option', { value: o, selected: o === selected }, o)));

  Sandbox.buildSimulate = function buildSimulate(region, services, call) {
    region.dataset.ready = '1';
    const service = choose(services, services[0]);
    const version = text('v1.4.0');
    const previous = text('v1.3.9');
    const strategy = choose(['blue-green', 'canary', 'rolling', 'direct'], 'blue-green');
    const flag = text('new-checkout-flow');
    const minutes = el('input', { type: 'number', value: '5', min: '0', max: '240' });
    const alertName = text('HighErrorRate');
    const severity = choose(['critical', 'warning', 'info'], 'critical');
    const summary = text('5xx rate 7% on /api/orders');
    const endpoint = text('/api/orders');
    const result = el('div', { class: 'sim-result', role: 'status', 'aria-live': 'polite' });

    const show = (what, reply) => {
      const answer = reply.json && reply.json.answer;
      const detail = answer && answer.issues ? answer.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : answer && answer.error;
      result.textContent = `${what}: HTTP ${reply.status}${detail ? ` — ${detail}` : answer && answer.id ? ` (id ${answer.id})` : ''}`;
      result.className = `sim-result ${reply.status < 300 ? 'ok' : 'bad'}`;
    };
    const alertBody = () => ({ service: service.value, name: alertName.value, severity: severity.value, summary: summary.value, endpoint: endpoint.value });
    const send = (label, path, body) => el('button', { type: 'button', class: 'btn', onclick: async () => show(label, await call(path, body())) }, label);

    region.replaceChildren(
      el('h2', {}, 'Simulate'),
      el('p', { class: 'hint' }, 'These go through POST /webhooks/deploy and /webhooks/alert, like your CD system and Alertmanager would.'),
      field('Service', service),
      el('fieldset', {}, el('legend', {}, 'Deploy'),
        field('Version', version), field('Previous version', previous), field('Strategy', strategy),
        field('Flag enabled', flag), field('Minutes ago', minutes),
        send('Send deploy', 'simulate/deploy', () => ({ service: service.value, version: version.value, previousVersion: previous.value, strategy: strategy.value, flag: flag.value || undefined, minutesAgo: Number(minutes.value) }))),
      el('fieldset', {}, el('legend', {}, 'Alert'),
        field('Alert name', alertName), field('Severity', severity), field('Summary', summary), field('Endpoint', endpoint),
        el('div', { class: 'row' }, send('Fire alert', 'simulate/alert', alertBody), send('Resolve alert', 'simulate/resolve', alertBody))),
      result);
  };
})();
