import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getKeyIndexes } from '@ioredis/commands';
import calculateSlot from 'cluster-key-slot';
import Redis from 'ioredis';

/** One atomic unit Redis ran for a client: a script (with the keys it declared and those it used) or a transaction. */
export interface AtomicUnit {
  kind: 'script' | 'multi';
  /** The script's sha1, or the commands of the transaction. */
  what: string;
  declared: string[];
  touched: string[];
}

const keysOf = (args: string[]): string[] => {
  const [name, ...rest] = args;
  try {
    return getKeyIndexes(name!.toLowerCase(), rest).map((i) => rest[i]!);
  } catch {
    return [];
  }
};

/**
 * Records, through MONITOR on a real redis-server, every script and MULTI/EXEC any client runs,
 * with the keys each declared and the keys its commands touched (a script's own calls show as
 * `lua` lines right after it, since Redis runs it at once). Only units with a key under `prefix`
 * are kept, so tests running beside it on the same server do not count.
 */
export class SlotMonitor {
  readonly units: AtomicUnit[] = [];
  /** Every command name seen on a key of ours (KEYS and SCAN only see one node of a cluster). */
  readonly commands = new Set<string>();
  private readonly open = new Map<string, AtomicUnit>();
  private script: AtomicUnit | undefined;

  private constructor(
    private readonly monitor: Awaited<ReturnType<Redis['monitor']>>,
    private readonly prefix: string,
    /** Where each unit goes (default: `units`). */
    private readonly sink?: (unit: AtomicUnit) => void,
  ) {
    monitor.on('monitor', (_time: string, args: string[], source: string) => this.line(args, source));
  }

  static async start(url: string, prefix: string, sink?: (unit: AtomicUnit) => void): Promise<SlotMonitor> {
    const client = new Redis(url);
    const monitor = await client.monitor();
    client.disconnect();
    return new SlotMonitor(monitor, prefix, sink);
  }

  /** Stop listening (the whole-suite audit: nothing in flight matters any more). */
  close(): void {
    this.monitor.disconnect();
  }

  private keep(unit: AtomicUnit): void {
    if (this.sink) this.sink(unit);
    else this.units.push(unit);
  }

  /** Let MONITOR deliver what is in flight (a PING from the monitored server's own feed). */
  async stop(url: string): Promise<void> {
    const client = new Redis(url);
    const marker = `${this.prefix}:monitor-end`;
    await client.get(marker);
    await new Promise<void>((resolve) => {
      const check = () => (this.commands.has('get-end') ? resolve() : setTimeout(check, 10));
      check();
    });
    client.disconnect();
    this.monitor.disconnect();
  }

  private ours = (key: string) => key.startsWith(this.prefix ? `${this.prefix}:` : '');

  private line(args: string[], source: string): void {
    const name = (args[0] ?? '').toLowerCase();
    if (name === 'get' && args[1] === `${this.prefix}:monitor-end`) this.commands.add('get-end');
    if (source === 'lua') {
      this.script?.touched.push(...keysOf(args));
      return;
    }
    this.script = undefined;
    const inMulti = this.open.get(source);
    if (name === 'multi') {
      this.open.set(source, { kind: 'multi', what: '', declared: [], touched: [] });
      return;
    }
    if (inMulti && (name === 'exec' || name === 'discard')) {
      this.open.delete(source);
      if (name === 'exec' && inMulti.touched.some(this.ours)) this.keep(inMulti);
      return;
    }
    const keys = keysOf(args);
    if (keys.some(this.ours)) this.commands.add(name);
    if (inMulti) {
      inMulti.what += `${name} `;
      inMulti.declared.push(...keys);
      inMulti.touched.push(...keys);
      return;
    }
    if (name === 'eval' || name === 'evalsha' || name === 'eval_ro' || name === 'evalsha_ro') {
      const sha = name.startsWith('evalsha') ? args[1]! : sha1(unescapeMonitor(args[1]!));
      const unit: AtomicUnit = { kind: 'script', what: sha, declared: keys, touched: [] };
      if (keys.some(this.ours)) this.keep(unit);
      this.script = unit;
    }
  }
}

export const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** MONITOR prints arguments escaped (sdscatrepr: \\n, \\", \\xHH…); a script's text back as sent. */
function unescapeMonitor(text: string): string {
  const named: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', '"': '"', '\\': '\\' };
  return text.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_all, code: string) => (code.length === 3 ? String.fromCharCode(parseInt(code.slice(1), 16)) : (named[code] ?? code)));
}

/** The slots of a unit's keys: a cluster runs it only when this is one slot. */
export const slotsOf = (unit: AtomicUnit) => new Set([...unit.declared, ...unit.touched].map((key) => calculateSlot(key)));

/**
 * Every Lua script in src/, as the template literals that call `redis.call(` (so a new script is
 * found without a list to update), by sha1 as EVALSHA names it.
 */
export function luaScriptsInSource(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts'))
        for (const match of readFileSync(path, 'utf8').matchAll(/=\s*`([^`]*redis\.call\([^`]*)`/g)) {
          if (match[1]!.includes('${')) throw new Error(`${path}: a Lua script built with \${…} cannot be checked; write it out`);
          found.set(sha1(match[1]!), `${path.slice(root.length + 1)}: ${match[1]!.trim().split('\n')[0]}`);
        }
    }
  };
  walk(join(root, 'src'));
  return found;
}

/**
 * `FIREBREAK_SLOT_AUDIT=1 npx jest`: the whole suite's Redis traffic under MONITOR (global setup),
 * every script and transaction of Firebreak's own keys checked for one slot and no undeclared key
 * (BullMQ's keys are left out: on a cluster its prefix carries a tag, see src/outbound/jobs/queues.ts).
 * Global teardown prints the count and fails the run on any finding.
 */
export async function startSlotAudit(url: string): Promise<{ finish(): string[] }> {
  let checked = 0;
  const findings: string[] = [];
  const monitor = await SlotMonitor.start(url, '', (unit) => {
    const keys = [...new Set([...unit.declared, ...unit.touched])];
    if (keys.some((key) => key.includes(':bull:'))) return;
    checked += 1;
    const undeclared = unit.kind === 'script' ? unit.touched.filter((key) => !unit.declared.includes(key)) : [];
    if (slotsOf(unit).size > 1 || undeclared.length > 0) findings.push(`${unit.kind} ${unit.what}: ${keys.join(' ')}${undeclared.length ? ` (undeclared: ${undeclared.join(' ')})` : ''}`);
  });
  return {
    finish() {
      monitor.close();
      console.log(`slot audit: ${checked} scripts and transactions checked, ${findings.length} spanning slots or using undeclared keys`);
      return findings;
    },
  };
}
