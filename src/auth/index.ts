export { AuthService, type AuthServiceOptions } from './auth.service';
export { authApi } from './auth.api';
export { authPages } from './auth.pages';
export { twoFactorApi } from './two-factor.api';
export { twoFactorPages } from './two-factor.pages';
export { twoFactorSignInPages } from './two-factor-sign-in.pages';
export { requireSecondFactor } from './two-factor.sign-in';
export { TwoFactorService, TWO_FACTOR_ROLES, type TwoFactorOptions } from './two-factor.service';
export { PasswordResetService, type PasswordResetServiceOptions } from './password-reset.service';
export { passwordResetPages } from './password-reset.pages';
export { emailSendingThrottle, type LoginThrottle, type ThrottleLimits } from './throttle';
export { accountPanel } from './auth.panels';
export { createPassport, enforceSessionLimits, signInUser } from './passport';
export {
  checkPassword,
  createUserSchema,
  emailAddress,
  newUserFields,
  newUserSchema,
  type CreateUserInput,
  type NewUserInput,
} from './auth.schemas';
// The signed-in user's type belongs to platform; named here too for callers that know it as auth's.
export type { PublicUser } from '../platform/roles';
