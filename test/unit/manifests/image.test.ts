import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

// No Docker engine runs here: these check what `docker build` and a restricted runtime depend on.
describe('Dockerfile and compose.yaml', () => {
  const steps = instructions(read('Dockerfile'));
  const stages = steps.reduce<{ op: string; args: string }[][]>((all, step) => (step.op === 'FROM' ? [...all, [step]] : (all.at(-1)!.push(step), all)), []);
  const runtime = stages.at(-1)!;

  it('builds on Node 22 LTS in two stages and runs what `npm start` runs (package.json\'s main, same flags), as a non-root user', () => {
    expect(stages).toHaveLength(2);
    for (const [from] of stages) expect(from!.args).toMatch(/^node:22(\.|-|\s|$)/);
    const { main, scripts } = JSON.parse(read('package.json')) as { main: string; scripts: { start: string } };
    const start = scripts.start.split(' ');
    expect(start.at(-1)).toBe(main);
    expect(runtime.find((s) => s.op === 'CMD')?.args).toBe(JSON.stringify(start).replace(/,/g, ', '));
    const user = runtime.find((s) => s.op === 'USER')?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/); // numeric, so runAsNonRoot can check it
  });

  it('copies only paths that exist, and leaves local state out of the build context', () => {
    for (const step of steps.filter((s) => s.op === 'COPY' && !s.args.startsWith('--from'))) {
      const sources = step.args.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(existsSync(join(ROOT, source))).toBe(true);
    }
    const ignored = read('.dockerignore').split('\n');
    for (const path of ['node_modules', 'dist', '.data', '.env', '.git']) expect(ignored).toContain(path);
    // The runtime stage writes nothing outside /tmp: the content it reads is in the image or mounted.
    expect(runtime.some((s) => s.op === 'COPY' && s.args.includes('runbook-content'))).toBe(true);
    expect(runtime.find((s) => s.op === 'ENV')?.args).toContain('FIREBREAK_CONFIG=/etc/firebreak/firebreak.yaml');
  });

  it('compose runs Firebreak read-only beside a Redis with AOF and noeviction', () => {
    const compose = parse(read('compose.yaml')) as { services: Record<string, Record<string, unknown>> };
    const redis = compose.services.redis!;
    expect((redis.command as string[]).join(' ')).toMatch(/--appendonly yes.*--maxmemory-policy noeviction/);
    const firebreak = compose.services.firebreak!;
    expect(firebreak).toMatchObject({ read_only: true, tmpfs: ['/tmp'], cap_drop: ['ALL'], build: '.' });
    expect((firebreak.environment as Record<string, string>).REDIS_URL).toBe('redis://redis:6379');
    expect(firebreak.volumes).toEqual(['./firebreak.yaml:/etc/firebreak/firebreak.yaml:ro', './runbook-content:/etc/firebreak/runbook-content:ro']);
    expect((firebreak.environment as Record<string, string>).FIREBREAK_CONTENT_DIR).toBe('/etc/firebreak/runbook-content');
  });
});
