import { Router } from 'express';
import { signInUser } from '../auth';
import { boroughSlugs } from '../platform/boroughs';
import { csrf } from '../platform/csrf';
import { allowAnyone } from '../platform/roles';
import { parseInput } from '../platform/validation';
import { registerSchema } from './registration.schemas';
import type { RegistrationService } from './registration.service';

/** `POST /api/v1/auth/register`: under auth's path, as the contract has it, though suppliers own it. */
export function registrationApi(registration: RegistrationService): Router {
  const router = Router();
  const register = registerSchema(boroughSlugs);

  router.post('/auth/register', allowAnyone(), async (req, res) => {
    const input = parseInput(register, req.body);
    const user = await registration.register(input, req.ip ?? 'unknown');
    await signInUser(req, user);
    res.status(201).json({ user, csrfToken: csrf.generateToken(req, true) });
  });

  return router;
}
