import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Personal identifiers that may slip into free text (a URL with ?key=…, an error message):
 * 18/15-digit citizen ID numbers and 11-digit mobile numbers. They are masked before any
 * line is written, because a log file is read by more people than the data it describes.
 */
const ID_NUMBER = /(?<!\d)(\d{6})\d{5,8}(\d{3}[\dXx])(?!\d)/g;
const MOBILE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;

export function maskPersonalText(text: string): string {
  return text.replace(ID_NUMBER, '$1********$2').replace(MOBILE, '$1****$2');
}

/** Keys whose values are secrets or personal data wherever they appear in a log object. */
const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; id?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url === undefined ? undefined : maskPersonalText(req.url),
      }),
      err: (err: Error & { code?: string }) => ({
        type: err.name,
        code: err.code,
        message: maskPersonalText(err.message),
        stack: err.stack === undefined ? undefined : maskPersonalText(err.stack),
      }),
    },
    hooks: {
      // Free-text messages are masked too: the structured paths above cannot see inside them.
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskPersonalText(a) : a));
        method.apply(this, masked as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
