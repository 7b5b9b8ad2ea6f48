import pino, { type Logger } from 'pino';

export function createLogger(level: string, name = 'firebreak'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['*.token', '*.secret', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
  });
}
