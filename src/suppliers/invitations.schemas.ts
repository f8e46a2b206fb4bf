import { z } from 'zod';

const email = z
  .string({ message: 'Enter their email address' })
  .trim()
  .min(1, 'Enter their email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .toLowerCase()
  .pipe(z.email({ message: 'Enter an email address in the correct format, like name@example.org' }));

/** A supplier user invites a colleague into the same organisation. */
export const inviteSchema = z.object({
  email,
  name: z
    .string({ message: 'Enter their full name' })
    .trim()
    .min(1, 'Enter their full name')
    .max(200, 'Name must be 200 characters or fewer'),
});

export type InviteInput = z.infer<typeof inviteSchema>;

/** The invited person accepts; the password rules are those of registration, checked when the account is made. */
export const acceptInvitationSchema = z.object({
  token: z
    .string({ message: 'The invitation link is not complete. Copy the whole link and try again' })
    .trim()
    .min(1, 'The invitation link is not complete. Copy the whole link and try again')
    .max(200, 'The invitation link is not right. Copy the whole link and try again'),
  name: z
    .string({ message: 'Enter your full name' })
    .trim()
    .min(1, 'Enter your full name')
    .max(200, 'Name must be 200 characters or fewer'),
  password: z.string({ message: 'Enter a password' }).min(1, 'Enter a password'),
});

export type AcceptInvitationInput = z.infer<typeof acceptInvitationSchema>;
