import type { AuthService, PublicUser } from '../auth';
import type { Notifier } from '../platform/notifications';
import type { RegisterInput } from './registration.schemas';
import type { SuppliersService } from './suppliers.service';

/** A supplier registers itself: its organisation first, then its first user through auth. */
export class RegistrationService {
  constructor(
    private readonly suppliers: SuppliersService,
    private readonly auth: AuthService,
    private readonly notifier: Notifier,
  ) {}

  /** Registers an organisation and its first user; with `ip`, counted against that address and the email (see guardEmailCheck). */
  register(input: RegisterInput, ip?: string): Promise<PublicUser> {
    return ip === undefined ? this.create(input) : this.auth.guardEmailCheck(input.email, ip, () => this.create(input));
  }

  private async create(input: RegisterInput): Promise<PublicUser> {
    const { organisation: organisationInput, ...user } = input;
    await this.auth.assertEmailFree(user.email);
    const organisation = await this.suppliers.createOrganisation(organisationInput);
    let created: PublicUser;
    try {
      created = await this.auth.createSupplierUser(user, organisation.id);
    } catch (err) {
      // No multi-document transactions on every engine: undo the organisation by hand.
      await this.suppliers.discardOrganisation(organisation.id);
      throw err;
    }
    await this.confirm(created, organisation.name);
    return created;
  }

  /** Tells the new user their organisation is registered and where to start; never their password. */
  private confirm(user: PublicUser, organisationName: string): Promise<void> {
    const url = (path: string) => this.notifier.absoluteUrl(path);
    return this.notifier.email([user.email], {
      subject: 'Your organisation is registered',
      paragraphs: [
        `Hello ${user.name},`,
        `${organisationName} is registered on the Library Market Engagement Portal, and you can sign in with this email address.`,
        `See the exercises London councils have published and tell them you are interested:\n${url('/tenders')}`,
        `Check your organisation’s details and invite colleagues:\n${url('/organisation')}`,
        `Sign in:\n${url('/login')}`,
      ],
      why: `You are getting this email because this email address was used to register ${organisationName} on the Library Market Engagement Portal. If that was not you, tell us at ${url('/contact')}.`,
    });
  }
}
