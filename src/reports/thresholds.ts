/** Default thresholds of the weak third-sector response rules (SPEC "Weak third-sector response"). */
export const WEAK_RESPONSE_DEFAULTS = {
  /** Third-sector share of interests below the exercise's target (0.25 unless the exercise sets one). */
  share: 0.25,
  /** Other sectors' conversion minus third-sector conversion at or above this. */
  conversionGap: 0.15,
  /** Fewer third-sector interests than this. */
  volume: 3,
} as const;

/** Fewer contributing boroughs than this and shared findings publish nothing. */
export const MIN_CONTRIBUTING_BOROUGHS = 3;
