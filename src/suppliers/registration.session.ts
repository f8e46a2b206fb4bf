/** What a registering organisation has answered, page by page; each page checks its own part again. */
export interface RegistrationAnswers {
  organisationName?: string;
  sector?: string;
  legalForm?: string;
  size?: string;
  /** Empty when the organisation is on no register; absent until that page is answered. */
  identifiers?: { scheme: string; id: string }[];
  postcode?: string;
  areas?: string[];
  /** Set once the check-your-answers page has been seen: changes then return to it. */
  checked?: boolean;
  /** The portal page the person was heading to when asked to register, a local path only: they land there after. */
  next?: string;
}

declare module 'express-session' {
  interface SessionData {
    /** Answers to the registration pages so far, until the account is created. Never the password. */
    registration?: RegistrationAnswers;
  }
}
