import { z } from 'zod';

const buttonSchema = z.object({ type: z.literal('button'), value: z.string() });

/** A button's value (JSON) parsed with `schema`; undefined when the action is no such button or the value is not ours. */
export function buttonValue<T extends z.ZodType>(action: unknown, schema: T): z.output<T> | undefined {
  const button = buttonSchema.safeParse(action);
  if (!button.success) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(button.data.value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
