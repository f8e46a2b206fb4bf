import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  to: string;
  subject: string;
  /** The plain-text body, decoded. */
  text: string;
  /** The whole message as received, headers included. */
  raw: string;
}

/** A local SMTP server that keeps every email the portal sends, for a test to read. */
export interface Mailbox {
  url: string;
  received: ReceivedEmail[];
  /** Waits for an email to the address whose subject matches. */
  waitFor(to: string, subject: RegExp, timeoutMs?: number): Promise<ReceivedEmail>;
  close(): Promise<void>;
}

/** Quoted-printable (RFC 2045) to text: soft line breaks joined, =XX bytes read as UTF-8. */
function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function parse(raw: string, to: string): ReceivedEmail {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(headers)?.[1] ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  let text = body;
  if (encoding === 'quoted-printable') text = decodeQuotedPrintable(body);
  else if (encoding === 'base64') text = Buffer.from(body, 'base64').toString('utf8');
  // A subject with other than plain ASCII comes as RFC 2047 encoded words.
  const subject = header('Subject').replace(/=\?utf-8\?([QB])\?(.*?)\?=\s?/gi, (_m, kind: string, data: string) =>
    kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
  return { to, subject, text: text.replace(/\r\n/g, '\n'), raw };
}

export async function startMailbox(): Promise<Mailbox> {
  const received: ReceivedEmail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        received.push(parse(Buffer.from(data, 'latin1').toString('utf8'), to));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(to, subject, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find((m) => m.to.toLowerCase() === to.toLowerCase() && subject.test(m.subject));
        if (found) return found;
        if (Date.now() > deadline) {
          const seen = received.map((m) => `${m.to}: ${m.subject}`).join('\n');
          throw new Error(`no email to ${to} matching ${subject} within ${timeoutMs} ms; received:\n${seen}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
