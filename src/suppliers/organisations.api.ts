import { Router } from 'express';
import { boroughSlugs } from '../platform/boroughs';
import { requireRole, signedInUser } from '../platform/roles';
import { NotFoundError } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { organisationInputSchema } from './suppliers.schemas';
import type { SuppliersService } from './suppliers.service';

/** A supplier's own organisation profile: `/api/v1/organisations/mine`. */
export function organisationsApi(suppliers: SuppliersService): Router {
  const router = Router();
  const schema = organisationInputSchema(boroughSlugs);

  const mine = (organisationId: string | null | undefined): string => {
    if (!organisationId) throw new NotFoundError('Organisation not found');
    return organisationId;
  };

  router.get('/organisations/mine', requireRole('supplier'), async (req, res) => {
    res.json(await suppliers.getOrganisation(mine(signedInUser(req).organisationId)));
  });

  router.put('/organisations/mine', requireRole('supplier'), async (req, res) => {
    const input = parseInput(schema, req.body);
    res.json(await suppliers.updateOrganisation(mine(signedInUser(req).organisationId), input));
  });

  return router;
}
