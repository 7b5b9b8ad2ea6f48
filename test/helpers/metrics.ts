/** Reading a running bot's `/metrics` (Prometheus exposition text) in tests. */

/** The exposition text the bot at `url` serves now. */
export async function metricsText(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/** The value of one sample of the exposition text (its name and at least these labels), or undefined. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (wanted.every(([k, v]) => present[k] === v)) return Number(match[4]);
  }
  return undefined;
}

/** The sum of every sample whose line starts with `prefix` (a name, or a name and its labels); 0 when none. */
export async function metricSum(url: string, prefix: string): Promise<number> {
  return (await metricsText(url))
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}
