/** Per-field messages, keyed by the dotted path of the field ("organisation.sector"). */
export type FieldErrors = Record<string, string>;

/** An error the portal expects and reports to the caller with a status, a code and a plain message. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(code = 'bad_request', message = 'The request could not be read', fields?: FieldErrors) {
    super(400, code, message, fields);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'You need to sign in') {
    super(401, 'unauthenticated', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(code = 'forbidden', message = 'You do not have permission to do this') {
    super(403, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, fields?: FieldErrors) {
    super(409, code, message, fields);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'The request is too large') {
    super(413, 'too_large', message);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message = 'This type of file is not allowed') {
    super(415, 'unsupported_media_type', message);
  }
}

export class ValidationError extends AppError {
  constructor(fields: FieldErrors, message = 'Some of the information is missing or not valid') {
    super(422, 'validation_failed', message, fields);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(
    message = 'Too many attempts. Wait a few minutes, then try again',
    readonly retryAfterSeconds?: number,
  ) {
    super(429, 'too_many_requests', message);
  }
}

/** Seconds a client is told to wait before trying again after a 503. */
export const RETRY_AFTER_SECONDS = 5;

export class ServiceUnavailableError extends AppError {
  constructor(
    message = 'The service is not available at the moment. Try again shortly',
    readonly retryAfterSeconds = RETRY_AFTER_SECONDS,
  ) {
    super(503, 'unavailable', message);
  }
}
