export { AuthService, type AuthServiceOptions } from './auth.service';
export { authApi } from './auth.api';
export { authPages } from './auth.pages';
export { PasswordResetService, type PasswordResetServiceOptions } from './password-reset.service';
export { passwordResetPages } from './password-reset.pages';
export { emailSendingThrottle, type LoginThrottle, type ThrottleLimits } from './throttle';
export { accountPanel } from './auth.panels';
export { createPassport, enforceSessionLimits, signInUser } from './passport';
export { checkPassword, createUserSchema, newUserFields, newUserSchema, type CreateUserInput, type NewUserInput } from './auth.schemas';
// The signed-in user's type belongs to platform; named here too for callers that know it as auth's.
export type { PublicUser } from '../platform/roles';
