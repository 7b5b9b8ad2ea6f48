import type { RedisClient } from '../../lib/redis-connection';
import { emptyEscalationState, type Acknowledgement, type EscalationState } from '../../domain/escalation/model';
import type { EscalationStore } from '../../domain/escalation/ports';
import type { RedisKeys } from '../../lib/keys';
import { RedisSteps, type StepOptions } from './steps';

export { StepInProgressError } from './steps';

/**
 * Start a new epoch (a reopen) unless this one or a later one already started; drop the fields of
 * older epochs. Returns the hash afterwards.
 */
const RESTART = `
local current = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '0')
local epoch = tonumber(ARGV[1])
if current < epoch then
  redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'anchor', ARGV[2])
  for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
    if (string.sub(field, 1, 2) == 'n.' or string.sub(field, 1, 2) == 'a.') and string.sub(field, 3, 2 + #ARGV[1] + 1) ~= ARGV[1] .. '.' then
      redis.call('HDEL', KEYS[1], field)
    end
  end
end
return redis.call('HGETALL', KEYS[1])
`;

const notifiedField = (epoch: number, level: number) => `n.${epoch}.${level}`;
const ackField = (epoch: number, level: number) => `a.${epoch}.${level}`;
const POSTMORTEM_FIELD = 'pm';

function parseState(hash: Record<string, string>): EscalationState {
  const state = emptyEscalationState();
  state.epoch = Number(hash.epoch ?? 0);
  if (hash.anchor) state.anchor = hash.anchor;
  for (const [field, value] of Object.entries(hash)) {
    const match = /^([na])\.(\d+)\.(\d+)$/.exec(field);
    if (!match || Number(match[2]) !== state.epoch) continue;
    if (match[1] === 'n') state.notified[Number(match[3])] = value;
    else state.acks[Number(match[3])] = JSON.parse(value) as Acknowledgement;
  }
  if (hash[POSTMORTEM_FIELD]) state.postmortemScheduled = JSON.parse(hash[POSTMORTEM_FIELD]) as Acknowledgement;
  return state;
}

function pairsToHash(pairs: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) hash[pairs[i]!] = pairs[i + 1]!;
  return hash;
}

/** Each incident's ladder in one Redis hash; the first write of a notification or an ack wins. */
export class RedisEscalationStore implements EscalationStore {
  private readonly steps: RedisSteps;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    /** What a step that fails for good does (a Slack refusal): given up, reported, never retried. */
    stepOptions: StepOptions = {},
  ) {
    this.steps = new RedisSteps(redis, keys.escalationStep, stepOptions);
  }

  async get(incidentId: string): Promise<EscalationState> {
    return parseState(await this.redis.hgetall(this.keys.escalation(incidentId)));
  }

  async restart(incidentId: string, epoch: number, anchor: string): Promise<EscalationState> {
    const pairs = (await this.redis.eval(RESTART, 1, this.keys.escalation(incidentId), String(epoch), anchor)) as string[];
    return parseState(pairsToHash(pairs));
  }

  async markNotified(incidentId: string, epoch: number, level: number, at: string): Promise<string> {
    return this.firstWins(incidentId, notifiedField(epoch, level), at);
  }

  async acknowledge(incidentId: string, epoch: number, level: number, ack: Acknowledgement) {
    return this.firstAck(incidentId, ackField(epoch, level), ack);
  }

  async markPostmortemScheduled(incidentId: string, ack: Acknowledgement) {
    return this.firstAck(incidentId, POSTMORTEM_FIELD, ack);
  }

  once(incidentId: string, step: string, action: () => Promise<void>): Promise<boolean> {
    return this.steps.once(incidentId, step, action);
  }

  private async firstWins(incidentId: string, field: string, value: string): Promise<string> {
    const key = this.keys.escalation(incidentId);
    if ((await this.redis.hsetnx(key, field, value)) === 1) return value;
    return (await this.redis.hget(key, field)) ?? value;
  }

  private async firstAck(incidentId: string, field: string, ack: Acknowledgement): Promise<{ ack: Acknowledgement; first: boolean }> {
    const stored = await this.firstWins(incidentId, field, JSON.stringify(ack));
    const winner = JSON.parse(stored) as Acknowledgement;
    return { ack: winner, first: winner.by === ack.by && winner.at === ack.at };
  }
}
