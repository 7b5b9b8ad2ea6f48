import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandRollbackSchema } from '../../../src/config/remediation';
import { PermanentActionError, TransientActionError } from '../../../src/domain/remediation/errors';
import { CommandRollbackExecutor } from '../../../src/outbound/executors/command-rollback';
import { actionContext, rollbackRequest } from './helpers';

let dir: string;

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/usr/bin/env bash\n${body}\n`);
  chmodSync(path, 0o755);
  return `./${name}`;
}

function executor(block: Record<string, unknown>): CommandRollbackExecutor {
  const config = commandRollbackSchema.parse({ executor: 'command', cwd: dir, ...block });
  return new CommandRollbackExecutor(config, {}, { killGraceMs: 200 });
}

/** Whether a process still runs; a zombie nobody reaped yet (containers) counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-command-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('CommandRollbackExecutor', () => {
  it('runs the templated argv in cwd and attaches the output tail', async () => {
    const argv = [script('deploy.sh', 'echo "deploying $2 to $4"; echo "done"'), '--environment', '{{environment}}', '--version', '{{previousVersion}}'];
    const result = await executor({ argv }).rollback(rollbackRequest(), actionContext());
    expect(result.summary).toMatch(/^\.\/deploy\.sh succeeded in \d+\.\ds$/);
    expect(result.output).toBe('deploying production to v1.2.2\ndone');
  });

  it('passes values as single arguments, never through a shell', async () => {
    const marker = join(dir, 'pwned');
    const argv = [script('args.sh', `for a in "$@"; do printf '<%s>\\n' "$a"; done`), '{{environment}}', 'v={{toVersion}}', '{{incidentId}}'];
    const request = rollbackRequest({ environment: `$(touch ${marker}) ; rm -rf *`, toVersion: '`id` && echo hi', incidentId: undefined });
    const result = await executor({ argv }).rollback(request, actionContext());
    expect(result.output).toBe(`<$(touch ${marker}) ; rm -rf *>\n<v=\`id\` && echo hi>\n<>`);
    expect(existsSync(marker)).toBe(false);
  });

  it('adds FIREBREAK_IDEMPOTENCY_KEY and the configured env, withholding Firebreak secrets', async () => {
    process.env.SLACK_BOT_TOKEN = 'xoxb-secret';
    try {
      const argv = [script('env.sh', 'echo "key=$FIREBREAK_IDEMPOTENCY_KEY region=$REGION slack=${SLACK_BOT_TOKEN:-unset}"')];
      const result = await executor({ argv, env: { REGION: 'eu-west-1' } }).rollback(rollbackRequest(), actionContext({ idempotencyKey: 'rb-42' }));
      expect(result.output).toBe('key=rb-42 region=eu-west-1 slack=unset');
    } finally {
      delete process.env.SLACK_BOT_TOKEN;
    }
  });

  it('turns a non-zero exit into a permanent error with the exit code and the last 40 lines', async () => {
    const argv = [script('fail.sh', 'for i in $(seq 1 60); do echo "line $i"; done; echo "boom" >&2; exit 3')];
    const error = await executor({ argv }).rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PermanentActionError);
    const failure = error as PermanentActionError;
    expect(failure.message).toBe('./fail.sh exited with code 3');
    expect(failure.exitCode).toBe(3);
    const lines = failure.output?.split('\n') ?? [];
    expect(lines).toHaveLength(40);
    expect(lines[0]).toBe('line 22');
    expect(lines.at(-1)).toBe('boom');
  });

  it('treats configured exit codes as transient', async () => {
    const argv = [script('busy.sh', 'echo "lock held"; exit 75')];
    const error = await executor({ argv, transientExitCodes: [75] }).rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TransientActionError);
    expect(error).toMatchObject({ exitCode: 75, output: 'lock held' });
  });

  it('kills the whole process group on timeout and reports it as transient', async () => {
    const pidFile = join(dir, 'child.pid');
    const argv = [script('hang.sh', `echo "waiting"; sleep 1000 & echo $! > ${pidFile}; wait`)];
    const error = await executor({ argv, timeout: '300ms' }).rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TransientActionError);
    expect(error).toMatchObject({ message: './hang.sh timed out after 300 ms and was killed', output: 'waiting', signal: 'SIGTERM' });
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('escalates to SIGKILL when the script ignores SIGTERM', async () => {
    const argv = [script('stubborn.sh', `trap '' TERM; echo "ignoring TERM"; sleep 1000`)];
    const error = await executor({ argv, timeout: '200ms' }).rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TransientActionError);
    expect(error).toMatchObject({ signal: 'SIGKILL', output: 'ignoring TERM' });
  });

  it('stops when the caller cancels', async () => {
    const controller = new AbortController();
    const argv = [script('slow.sh', 'sleep 1000')];
    const pending = executor({ argv }).rollback(rollbackRequest(), actionContext({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toMatchObject({ code: 'executor_transient', message: './slow.sh was cancelled' });
  });

  it('reports a program that cannot start as permanent', async () => {
    const error = await executor({ argv: ['./missing.sh'] }).rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PermanentActionError);
    expect((error as Error).message).toMatch(/^cannot run \.\/missing\.sh: spawn \.\/missing\.sh ENOENT/);
  });
});
