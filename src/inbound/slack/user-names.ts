import type { WebClient } from '@slack/web-api';
import { parseUserMention } from './text';

/** How far users.list is paged looking for a plain `@name` (200 members a page). */
const MAX_PAGES = 20;

export type UserResolution = { kind: 'user'; id: string } | { kind: 'unknown'; name: string } | { kind: 'invalid' };

interface Member {
  id?: string;
  name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  profile?: { display_name?: string; display_name_normalized?: string; real_name?: string; real_name_normalized?: string };
}

const PLAIN_NAME = /^@?([\p{L}\p{N}._'-]{1,80})$/u;

function matches(member: Member, name: string): boolean {
  const wanted = name.toLowerCase();
  const { profile } = member;
  return [member.name, profile?.display_name, profile?.display_name_normalized].some((candidate) => candidate?.toLowerCase() === wanted);
}

/**
 * `/incident ic` names a person either as Slack escapes it (`<@U123|alice>`, `<@U123>`) or, when the
 * command is not escaped, as typed (`@alice`): a username or display name looked up with users.list.
 */
export async function resolveUser(client: Pick<WebClient, 'users'>, word: string): Promise<UserResolution> {
  const escaped = parseUserMention(word);
  if (escaped) return { kind: 'user', id: escaped };
  const plain = PLAIN_NAME.exec(word.trim())?.[1];
  if (!plain || !word.trim().startsWith('@')) return { kind: 'invalid' };
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) });
    const found = (answer.members as Member[] | undefined)?.find((member) => !member.deleted && !member.is_bot && member.id && matches(member, plain));
    if (found?.id) return { kind: 'user', id: found.id };
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return { kind: 'unknown', name: plain };
}
