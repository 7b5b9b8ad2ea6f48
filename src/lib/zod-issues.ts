import type { z } from 'zod';
import type { Issue } from './errors';

/** zod's issues as `{path: "services.checkout.channel", message}` pairs for errors people read. */
export function toIssues(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    return { path, message: issue.message };
  });
}
