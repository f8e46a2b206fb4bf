import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { generateSecret, generateSync, generateURI } from 'otplib';

/** RFC 6238 with the usual authenticator settings: 6 digits, SHA-1, 30-second steps. */
export const STEP_SECONDS = 30;
/** Codes of the step before and the step after are accepted too, for clocks a little apart. */
export const WINDOW_STEPS = 1;
export const RECOVERY_CODE_COUNT = 10;
export const ISSUER = 'Library Market Engagement Portal';

// Without SESSION_SECRET (development and tests only) this known key is used, so there a database read is enough.
const DEVELOPMENT_KEY_SOURCE = 'development only: set SESSION_SECRET to protect authenticator keys';

/**
 * Encrypts authenticator keys at rest with AES-256-GCM, under a key derived from SESSION_SECRET: someone who can
 * read the database alone cannot make codes. Changing SESSION_SECRET makes the stored keys unreadable.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string | undefined) {
    this.key = Buffer.from(hkdfSync('sha256', secret ?? DEVELOPMENT_KEY_SOURCE, 'lmep', 'two-factor key', 32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** The key, or null when it was sealed under another SESSION_SECRET (or is damaged). */
  open(sealed: string): string | null {
    if (!sealed.startsWith('v1.')) return null;
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

export function newAuthenticatorKey(): string {
  return generateSecret();
}

export function otpauthUrl(key: string, email: string): string {
  return generateURI({ issuer: ISSUER, label: email, secret: key });
}

/** The key in groups of 4, for typing into an app by hand. */
export function groupedKey(key: string): string {
  return key.match(/.{1,4}/g)?.join(' ') ?? key;
}

/** A code as a person may type it ("123 456"), or null when it is not 6 digits. */
export function sixDigits(code: string): string | null {
  const digits = code.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** The 30-second step a code of this key matches, within one step either side of now; null when none does. */
export function matchingStep(key: string, code: string, now: Date): number | null {
  const current = Math.floor(now.getTime() / 1000 / STEP_SECONDS);
  for (let step = current - WINDOW_STEPS; step <= current + WINDOW_STEPS; step += 1) {
    const expected = generateSync({ secret: key, epoch: step * STEP_SECONDS });
    if (timingSafeEqual(Buffer.from(expected), Buffer.from(code))) return step;
  }
  return null;
}

// No 0/o, 1/i/l: recovery codes are read off paper.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten single-use codes, 12 characters each (about 59 bits), written in three groups: "abcd-efgh-jkmn". */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** How a recovery code is stored and looked up: the hash of its characters, whatever the case, spaces or dashes. */
export function recoveryCodeHash(code: string): string {
  const normal = code.toLowerCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(`recovery:${normal}`).digest('hex');
}
