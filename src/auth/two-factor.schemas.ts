import { z } from 'zod';

const codeField = (message: string) => z.string({ message }).trim().min(1, message).max(64, message);

/** A code from the authenticator app (setting up, turning off). */
export const authenticatorCodeSchema = z.object({ code: codeField('Enter the 6-digit code from your authenticator app') });

/** The second step of sign-in through the API: an authenticator code or a recovery code. */
export const signInCodeSchema = z.object({ code: codeField('Enter the code from your authenticator app, or a recovery code') });

/** The sign-in page for a recovery code. */
export const recoveryCodeSchema = z.object({ code: codeField('Enter one of your recovery codes') });

export type CodeInput = z.infer<typeof authenticatorCodeSchema>;
