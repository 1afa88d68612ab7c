/**
 * cognito-local logs through pino with whole requests and trigger events attached (a password
 * in UserMigration, codes in messages). Only the message text of warnings and errors is passed
 * on, with the error's message: never the attached objects.
 */
import { pino } from 'pino';

export function pinoLogger(log: (line: string) => void) {
  return pino(
    { level: 'warn' },
    {
      write(line: string) {
        try {
          const entry = JSON.parse(line) as { msg?: unknown; err?: { message?: unknown } };
          const detail = typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : '';
          log(`cognito: ${String(entry.msg ?? '')}${detail}`);
        } catch {
          log('cognito: an unreadable log line was dropped');
        }
      },
    },
  );
}
