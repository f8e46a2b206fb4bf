export { AuthService, boroughSlugs, type AuthServiceOptions, type Borough, type PublicUser } from './auth.service';
export { authApi } from './auth.api';
export { authPages, type DashboardPanel } from './auth.pages';
export { createPassport, enforceSessionLimits } from './passport';
export { requireRole, allowAnyone } from './require-role';
export { ROLES, type Role } from './user.model';
export { createUserSchema, type CreateUserInput } from './auth.schemas';
export { signInUser } from './passport';
