import type { AuthService, PublicUser } from '../auth';
import type { RegisterInput } from './registration.schemas';
import type { SuppliersService } from './suppliers.service';

/** A supplier registers itself: its organisation first, then its first user through auth. */
export class RegistrationService {
  constructor(
    private readonly suppliers: SuppliersService,
    private readonly auth: AuthService,
  ) {}

  /** Registers an organisation and its first user; with `ip`, counted against that address and the email (see guardEmailCheck). */
  register(input: RegisterInput, ip?: string): Promise<PublicUser> {
    return ip === undefined ? this.create(input) : this.auth.guardEmailCheck(input.email, ip, () => this.create(input));
  }

  private async create(input: RegisterInput): Promise<PublicUser> {
    const { organisation: organisationInput, ...user } = input;
    await this.auth.assertEmailFree(user.email);
    const organisation = await this.suppliers.createOrganisation(organisationInput);
    try {
      return await this.auth.createSupplierUser(user, organisation.id);
    } catch (err) {
      // No multi-document transactions on every engine: undo the organisation by hand.
      await this.suppliers.discardOrganisation(organisation.id);
      throw err;
    }
  }
}
