export { WEAK_RESPONSE_DEFAULTS, MIN_CONTRIBUTING_BOROUGHS } from './thresholds';
export type * from './analysis.types';
