import { Writable } from 'node:stream';
import pino from 'pino';
import { answerText, command, dmLevels, dmsTo, postsContaining, press, startBot, startIncident, type Bot } from './helpers';
import { sleep, waitFor } from '../../helpers/harness';

/** Levels 2 and 3 come from the runbook template; nobody is configured for them. */
const RESPONDERS_ONLY = `
services:
  checkout:
    channel: "#checkout-alerts"
    responders: [U0ONCALL]
`;

const LADDER = `
services:
  checkout:
    channel: "#checkout-alerts"
    escalation:
      - { after: 0s, notify: [U0ONCALL] }
      - { after: 1s, notify: [U0LEAD] }
      - { after: 2h, notify: [U0CTO] }
`;

describe('escalation as the runbook template says', () => {
  let bot: Bot;
  afterEach(() => bot.close());

  it('a P0 still open reaches level 3 at the template time; levels nobody is configured for are a start-up warning and a channel line', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) }));
    bot = await startBot({ config: RESPONDERS_ONLY, policy: { p0UnresolvedAfter: 2000 }, logger });
    const warnings = lines.map((line) => JSON.parse(line) as { service?: string; level?: number; msg: string }).filter((l) => l.service === 'checkout');
    expect(warnings.map((w) => w.msg)).toEqual([
      'Service checkout: escalation level 2 (team-lead) has nobody configured; reaching it will page nobody',
      'Service checkout: escalation level 3 (engineering-manager) has nobody configured; reaching it will page nobody',
    ]);

    const channel = await startIncident(bot, { severity: 'P0' });
    await waitFor('level 2 could not be paged', () => postsContaining(bot.slack, channel, 'Could not page level 2').length === 1);
    expect(String(postsContaining(bot.slack, channel, 'Could not page level 2')[0]!.body.text)).toContain(
      "Could not page level 2 (team-lead): nobody is configured for it in checkout's escalation — P0 incident: this level is paged at once",
    );
    // level 3 waits for the "P0 unresolved" time (2 s here, 30 min in policy.yaml), not its own 60 min
    expect(postsContaining(bot.slack, channel, 'Could not page level 3')).toHaveLength(0);
    await waitFor('level 3 at the P0 time', () => postsContaining(bot.slack, channel, 'Could not page level 3').length === 1);
    expect(String(postsContaining(bot.slack, channel, 'Could not page level 3')[0]!.body.text)).toContain('P0 still unresolved after 2 seconds');
    const timeline = answerText(await command(bot, 'timeline', channel));
    expect(timeline).toContain('Escalated to level 3 (engineering-manager): nobody is configured for this level — P0 still unresolved');
  });

  it('a P2 does not take the P0 time', async () => {
    bot = await startBot({ config: RESPONDERS_ONLY, policy: { p0UnresolvedAfter: 300 } });
    const channel = await startIncident(bot, { severity: 'P2' });
    await sleep(1200);
    expect(postsContaining(bot.slack, channel, 'Could not page level')).toHaveLength(0);
  });

  it('Data loss risk (button in the channel, or /incident escalate data-loss) goes to level 3 at once, on the timeline', async () => {
    bot = await startBot({ config: LADDER });
    const channel = await startIncident(bot, { severity: 'P2' });
    await waitFor('level 2 line', () => postsContaining(bot.slack, channel, 'Escalated to level 2').length === 1);
    const line = postsContaining(bot.slack, channel, 'Escalated to level 2')[0]!;

    expect(await press(bot, line, 'Data loss risk', 'U0LEAD')).toContain('Escalating INC-1 to level 3 now: <@U0CTO>');
    await waitFor('level 3 DM', () => dmsTo(bot.slack, 'U0CTO').length === 1);
    await waitFor('level 3 line', () => postsContaining(bot.slack, channel, 'Escalated to level 3').length === 1);
    expect(String(postsContaining(bot.slack, channel, 'Escalated to level 3')[0]!.body.text)).toContain('data loss risk flagged by <@U0LEAD>');

    expect(answerText(await command(bot, 'escalate data-loss', channel))).toContain('Level 3 of INC-1 has already been notified');
    await sleep(300);
    expect(dmLevels(bot.slack).sort()).toEqual(['U0CTO:3', 'U0LEAD:2', 'U0ONCALL:1']);
    const timeline = answerText(await command(bot, 'timeline', channel));
    expect(timeline).toContain('<@U0LEAD> — Flagged a data loss risk: escalating to level 3 now');
  });

  it('Data loss risk on the Initial message: authorised like the escalation lines, level 3 paged once, a second click repeats nothing', async () => {
    bot = await startBot({ config: LADDER.replace('after: 1s', 'after: 1h') });
    const channel = await startIncident(bot, { severity: 'P2' });
    const initial = postsContaining(bot.slack, channel, 'INCIDENT:')[0]!;
    expect(String(initial.body.text)).toContain('*INCIDENT: checkout');

    // Not paged and not a responder: refused, nothing escalates, the refusal is on the timeline.
    expect(await press(bot, initial, 'Data loss risk', 'U0VIEWER')).toContain('Only the people paged for this incident');
    await waitFor('level 1 DM', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
    expect(dmsTo(bot.slack, 'U0CTO')).toHaveLength(0);

    expect(await press(bot, initial, 'Data loss risk', 'U0ONCALL')).toContain('Escalating INC-1 to level 3 now: <@U0CTO>');
    await waitFor('level 3 DM', () => dmsTo(bot.slack, 'U0CTO').length === 1);
    await waitFor('level 3 line', () => postsContaining(bot.slack, channel, 'Escalated to level 3').length === 1);
    expect(String(postsContaining(bot.slack, channel, 'Escalated to level 3')[0]!.body.text)).toContain('data loss risk flagged by <@U0ONCALL>');

    expect(await press(bot, initial, 'Data loss risk', 'U0ONCALL')).toContain('Level 3 of INC-1 has already been notified');
    await sleep(300);
    expect(dmsTo(bot.slack, 'U0CTO')).toHaveLength(1);
    expect(postsContaining(bot.slack, channel, 'Escalated to level 3')).toHaveLength(1);
    expect(dmsTo(bot.slack, 'U0LEAD')).toHaveLength(0);
    const timeline = answerText(await command(bot, 'timeline', channel));
    expect(timeline).toContain('<@U0ONCALL> — Flagged a data loss risk: escalating to level 3 now');
    expect(timeline).toContain('Refused Data loss risk (level 1)');
  });

  it('/incident escalate data-loss from level 1 skips level 2', async () => {
    bot = await startBot({ config: LADDER.replace('after: 1s', 'after: 1h') });
    const channel = await startIncident(bot, { severity: 'P2' });
    await waitFor('level 1 DM', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
    expect(answerText(await command(bot, 'escalate data-loss', channel, 'U0ONCALL'))).toContain('Escalating INC-1 to level 3 now: <@U0CTO>');
    await waitFor('level 3 DM', () => dmsTo(bot.slack, 'U0CTO').length === 1);
    expect(dmsTo(bot.slack, 'U0LEAD')).toHaveLength(0);
  });
});
