import { Router } from 'express';
import { signInUser, type AuthService } from '../auth';
import { allowAnyone, requireRole, signedInUser } from '../platform/roles';
import { csrf } from '../platform/csrf';
import { NotFoundError } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { acceptInvitationSchema, inviteSchema } from './invitations.schemas';
import type { InvitationsService } from './invitations.service';

/** Colleagues: invitations into a supplier's own organisation, its users, and accepting an invitation. */
export function invitationsApi(invitations: InvitationsService, auth: AuthService): Router {
  const router = Router();

  router.post('/organisations/mine/invitations', requireRole('supplier'), async (req, res) => {
    const input = parseInput(inviteSchema, req.body);
    res.status(201).json(await invitations.invite(input, signedInUser(req), req.ip ?? 'unknown'));
  });

  router.get('/organisations/mine/users', requireRole('supplier'), async (req, res) => {
    const organisationId = signedInUser(req).organisationId;
    if (!organisationId) throw new NotFoundError('Organisation not found');
    const users = await auth.listOrganisationUsers(organisationId);
    res.json({
      items: users.map((u) => ({ id: u.id, name: u.name, email: u.email })),
      invitations: await invitations.listPending(organisationId),
    });
  });

  router.post('/auth/invitations/accept', allowAnyone(), async (req, res) => {
    const input = parseInput(acceptInvitationSchema, req.body);
    const user = await invitations.accept(input);
    await signInUser(req, user);
    res.status(201).json({ user, csrfToken: csrf.generateToken(req, true) });
  });

  return router;
}
