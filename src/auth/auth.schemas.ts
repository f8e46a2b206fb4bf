import { z } from 'zod';
import { ROLES } from '../platform/roles';
import { MAX_PASSWORD_LENGTH, passwordProblem } from './passwords';

/** An email address as people type it: trimmed, lower case, checked, with GOV.UK messages. */
export const emailAddress = z
  .string({ message: 'Enter your email address' })
  .trim()
  .min(1, 'Enter your email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .toLowerCase()
  .pipe(z.email({ message: 'Enter an email address in the correct format, like name@example.org' }));

const email = emailAddress;

export const loginSchema = z.object({
  email,
  password: z.string({ message: 'Enter your password' }).min(1, 'Enter your password').max(MAX_PASSWORD_LENGTH, 'Enter your password'),
});

export type LoginInput = z.infer<typeof loginSchema>;

const newPassword = z.string({ message: 'Enter a password' }).min(1, 'Enter a password');
const name = z
  .string({ message: 'Enter your full name' })
  .trim()
  .min(1, 'Enter your full name')
  .max(200, 'Name must be 200 characters or fewer');

/** Refuses a weak password, or one built from the email address; for any schema with both fields. */
export function checkPassword(input: { email: string; password: string }, ctx: z.RefinementCtx) {
  const problem = passwordProblem(input.password, input.email);
  if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
}

/** The fields of a new account, in the order their errors are listed; other features add their own. */
export const newUserFields = { email, password: newPassword, name };

export const newUserSchema = z.object(newUserFields).superRefine(checkPassword);

export type NewUserInput = z.infer<typeof newUserSchema>;

export const createUserSchema = z
  .object({
    role: z.enum(ROLES, { message: `Role must be one of ${ROLES.join(', ')}` }),
    email,
    password: newPassword,
    name,
    borough: z.string().trim().min(1).optional(),
    organisationId: z.string().trim().min(1).optional(),
  })
  .superRefine(checkPassword)
  .superRefine((input, ctx) => {
    if (input.role === 'officer' && !input.borough) {
      ctx.addIssue({ code: 'custom', path: ['borough'], message: 'An officer needs a borough (a slug such as camden)' });
    }
    if (input.role !== 'officer' && input.borough) {
      ctx.addIssue({ code: 'custom', path: ['borough'], message: 'Only officers belong to a borough' });
    }
    if (input.role === 'supplier' && !input.organisationId) {
      ctx.addIssue({ code: 'custom', path: ['organisationId'], message: 'A supplier user needs an organisation' });
    }
  });

export type CreateUserInput = z.infer<typeof createUserSchema>;

/** The email a forgotten-password link is asked for. */
export const passwordResetRequestSchema = z.object({ email });

export type PasswordResetRequestInput = z.infer<typeof passwordResetRequestSchema>;

/** A new password chosen through a reset link; its rules are checked against the account's email by the service. */
export const newPasswordSchema = z.object({
  password: newPassword.max(MAX_PASSWORD_LENGTH, `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`),
});
