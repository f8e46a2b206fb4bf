export { SuppliersService, type Organisation, type OrganisationSummary } from './suppliers.service';
export { organisationInputSchema, normalisePostcode, type OrganisationDraft, type OrganisationInput } from './suppliers.schemas';
export * from './sectors';
export { organisationsApi } from './organisations.api';
export {
  InterestsService,
  MOST_ON_DASHBOARD,
  type Interest,
  type OfficerInterest,
  type InterestCounts,
  type MyInterest,
  type Partner,
  type ReportInterest,
} from './interests.service';
export { interestsApi } from './interests.api';
export { HEARD_VIA, HEARD_VIA_LABELS, INTEREST_STATUSES, type HeardVia, type InterestStatus } from './interest.model';
export { expressInterestSchema, interestFiltersSchema } from './interests.schemas';
export { interestsPages, interestOnExercise } from './interests.pages';
export { legalFormMismatch } from './suppliers.schemas';
export {
  describeOrganisation,
  identifierValues,
  identifiersFromForm,
  legalFormItems,
  organisationFieldId,
  registerItems,
  sectorItems,
  sizeItems,
} from './organisation.form';
export { InvitationsService, type Invitation, type InvitationsServiceOptions, type NewInvitation } from './invitations.service';
export { invitationsApi } from './invitations.api';
export { organisationPages } from './organisations.pages';
export { RegistrationService } from './registration.service';
export { registerSchema, type RegisterInput } from './registration.schemas';
export { registrationApi } from './registration.api';
export { registrationPages } from './registration.pages';
export { organisationPanel, registerPanel } from './suppliers.panels';
