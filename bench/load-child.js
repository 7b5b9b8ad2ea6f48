'use strict';
/**
 * The load generator, in a process of its own: autocannon POSTing unique 10-alert Alertmanager
 * groups to argv[2] with argv[3] connections for argv[4] seconds; prints autocannon's result as JSON
 * (with `cores`: the CPU this process used, in cores).
 */
const autocannon = require('autocannon');

const [url, connections = '64', seconds = '10', token = 'bench-token'] = process.argv.slice(2);
let sequence = 0;
const nonce = `${process.pid}-${Date.now()}`;

function group() {
  const batch = ++sequence;
  const startsAt = new Date().toISOString();
  return JSON.stringify({
    version: '4',
    groupKey: '{}:{service="checkout"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'firebreak',
    groupLabels: { service: 'checkout' },
    commonLabels: { service: 'checkout' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: Array.from({ length: 10 }, (_, i) => ({
      status: 'firing',
      labels: { alertname: 'HighErrorRate', service: `svc-${batch % 50}`, severity: 'critical', instance: `pod-${batch}-${i}` },
      annotations: { summary: '5xx rate 7%' },
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: `${nonce}-${batch.toString(16)}-${i}`,
    })),
  });
}

const cpuAtStart = process.cpuUsage();
const startedAt = performance.now();
autocannon(
  {
    url,
    method: 'POST',
    connections: Number(connections),
    duration: Number(seconds),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (req) => ({ ...req, body: group() }) }],
  },
  (err, result) => {
    if (err) {
      console.error(err);
      process.exit(1);
    }
    const { requests, latency, statusCodeStats, non2xx, errors, timeouts, duration } = result;
    const used = process.cpuUsage(cpuAtStart);
    const cores = (used.user + used.system) / 1000 / (performance.now() - startedAt);
    process.stdout.write(JSON.stringify({ requests, latency, statusCodeStats, non2xx, errors, timeouts, duration, cores }));
  },
);
