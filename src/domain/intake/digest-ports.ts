import type { AlertState } from '../alerts/model';
import type { Verdict } from '../correlation';
import type { Incident } from '../incidents/model';
import type { AlertDigestScheduler } from './ports';

/** A service's changed alerts taken together to be shown; the id names its steps. */
export interface AlertBatch {
  id: string;
  fingerprints: string[];
}

/**
 * Changed alerts waiting to be shown, per service (Redis in production). They leave only once
 * shown: `claim` turns the waiting ones into a batch (or hands back the batch a crashed attempt
 * left), and only `finish` removes it.
 */
export interface PendingAlerts extends AlertDigestScheduler {
  claim(service: string): Promise<AlertBatch | undefined>;
  finish(service: string, batch: AlertBatch): Promise<void>;
}

/** Firing and resolved alerts of a service since a moment, in total and per alert name. */
export interface AlertTally {
  firing: number;
  resolved: number;
  byName: Record<string, { firing: number; resolved: number }>;
}

/** The alert card shown for a service while no incident is open. */
export interface ShownCard {
  channel: string;
  ts: string;
  fingerprint: string;
  /** Alerts counted on the card start here (ms). */
  postedAt: number;
}

export interface AlertCards {
  get(service: string): Promise<ShownCard | undefined>;
  save(service: string, card: ShownCard): Promise<void>;
  clear(service: string): Promise<void>;
}

export interface AlertCardView {
  alert: AlertState;
  verdict: Verdict;
  counts: AlertTally;
}

/** Where alerts are shown (Slack in production); reached only at the end of the digest flow. */
export interface AlertNotifier {
  postCard(channel: string, view: AlertCardView): Promise<{ channel: string; ts: string }>;
  updateCard(card: ShownCard, view: AlertCardView): Promise<void>;
  /** The counted alerts message in the incident's channel: posted once (its ts returned), then updated. */
  postIncidentAlerts(incident: Incident, counts: AlertTally): Promise<string | undefined>;
  updateIncidentAlerts(incident: Incident, ts: string, counts: AlertTally): Promise<void>;
  /** A sender's test notification (Grafana's Test button): a clearly marked test card, nothing to act on. */
  postTestCard?(channel: string, alert: AlertState): Promise<void>;
}

/** Side effects that happen once per scope and step; one refused for good is given up, not thrown. */
export interface EffectSteps {
  once(scope: string, step: string, action: () => Promise<void>): Promise<boolean>;
}

/** What the config says about a service's alerts. */
export interface DigestPolicy {
  /** The channel for the service's cards: a configured service's own; none for unknown services. */
  channelFor(service: string): string | undefined;
  /** Where test notifications show (alerts.testChannel, else the announcements channel). */
  testChannel?: string;
  autoStart?: { severities: string[]; suspect: 'strong' | 'possible' | 'any' };
  /** Who may lead an incident opened by itself: level 1 and the responders, users only. */
  peopleFor(service: string): string[];
}
