import { spawn, type ChildProcess } from 'node:child_process';
import type { CommandRollbackConfig } from '../../config/remediation';
import { PermanentActionError, TransientActionError } from '../../domain/remediation/errors';
import type { ActionContext, ActionResult, RollbackExecutor, RollbackRequest } from '../../domain/remediation/ports';
import { argValues, renderArgv } from './argv-template';
import type { ExecutorDeps } from './deps';
import { OutputTail } from './output-tail';

const TAIL_LINES = 40;
/** Firebreak's own secrets stay out of the deploy script's environment. */
const WITHHELD_ENV = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'WEBHOOK_TOKEN', 'GITHUB_WEBHOOK_SECRET'];

export interface CommandOptions {
  /** Time between SIGTERM and SIGKILL of the process group on timeout or cancel. */
  killGraceMs?: number;
}

interface Finish {
  code: number | null;
  signal: NodeJS.Signals | null;
  stoppedBy?: 'timeout' | 'cancel';
}

/** Runs the configured argv (templated, never through a shell) in its own process group. */
export class CommandRollbackExecutor implements RollbackExecutor {
  readonly kind = 'command';

  constructor(
    private readonly config: CommandRollbackConfig,
    private readonly deps: ExecutorDeps = {},
    private readonly options: CommandOptions = {},
  ) {}

  async rollback(req: RollbackRequest, ctx: ActionContext): Promise<ActionResult> {
    const [program, ...args] = renderArgv(this.config.argv, argValues(req, ctx));
    if (program === undefined) throw new PermanentActionError('rollback argv is empty');
    this.deps.logger?.info({ program, args, attempt: ctx.attempt }, 'command rollback: starting');
    const started = Date.now();
    const tail = new OutputTail();
    const finish = await this.run(program, args, ctx, tail);
    const output = tail.lines(TAIL_LINES);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const details = { exitCode: finish.code, signal: finish.signal, output };
    if (finish.stoppedBy === 'timeout') {
      throw new TransientActionError(`${program} timed out after ${this.config.timeout} ms and was killed`, details);
    }
    if (finish.stoppedBy === 'cancel') throw new TransientActionError(`${program} was cancelled`, details);
    if (finish.code === 0) return { summary: `${program} succeeded in ${seconds}s`, output };
    if (finish.code === null) throw new TransientActionError(`${program} was killed by ${finish.signal}`, details);
    const message = `${program} exited with code ${finish.code}`;
    if (this.config.transientExitCodes.includes(finish.code)) throw new TransientActionError(message, details);
    throw new PermanentActionError(message, details);
  }

  private run(program: string, args: string[], ctx: ActionContext, tail: OutputTail): Promise<Finish> {
    return new Promise((resolve, reject) => {
      const child = spawn(program, args, {
        shell: false,
        detached: true, // own process group, so a timeout kills the script and everything it started
        cwd: this.config.cwd,
        env: this.childEnv(ctx),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      tail.follow(child.stdout);
      tail.follow(child.stderr);
      let stoppedBy: Finish['stoppedBy'];
      let killTimer: NodeJS.Timeout | undefined;
      const stop = (why: 'timeout' | 'cancel'): void => {
        if (stoppedBy) return;
        stoppedBy = why;
        killGroup(child, 'SIGTERM');
        killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), this.options.killGraceMs ?? 5_000);
      };
      const timer = setTimeout(() => stop('timeout'), this.config.timeout);
      const onAbort = (): void => stop('cancel');
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      if (ctx.signal?.aborted) stop('cancel');
      const settle = (): void => {
        clearTimeout(timer);
        ctx.signal?.removeEventListener('abort', onAbort);
        if (killTimer) {
          clearTimeout(killTimer);
          killGroup(child, 'SIGKILL'); // stragglers that ignored SIGTERM
        }
      };
      child.once('error', (err) => {
        settle();
        reject(new PermanentActionError(`cannot run ${program}: ${err.message}`, { cause: err }));
      });
      child.once('close', (code, signal) => {
        settle();
        resolve({ code, signal, stoppedBy });
      });
    });
  }

  private childEnv(ctx: ActionContext): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.config.env, FIREBREAK_IDEMPOTENCY_KEY: ctx.idempotencyKey };
    for (const name of WITHHELD_ENV) if (!this.config.env?.[name]) delete env[name];
    return env;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
