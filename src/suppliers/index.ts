export { SuppliersService, type OrganisationSummary } from './suppliers.service';
export { organisationInputSchema, normalisePostcode, type OrganisationInput } from './suppliers.schemas';
export * from './sectors';
