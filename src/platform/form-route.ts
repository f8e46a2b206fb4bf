import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import {
  AppError,
  BadRequestError,
  ConflictError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  type FieldErrors,
} from './errors';
import { parseInput } from './validation';

/** The request, the response and what the route loaded before reading the form. */
export interface FormPage<C> {
  req: Request;
  res: Response;
  ctx: C;
}

/** An expected problem with a form, for re-rendering it: the status to answer with and a message per field. */
export interface FormProblem {
  status: number;
  code: string;
  message: string;
  /** The error's own field messages; empty when it has none. */
  fields: FieldErrors;
  error: AppError;
}

export interface FormRoute<C, I, O> {
  /** What the page needs whatever happens (the exercise, say); null once it has sent a page itself. Its errors go to the error handler. */
  load?: (req: Request, res: Response) => Promise<C | null> | C | null;
  /** The form's input: checked by its shared zod schema, or read by a function that throws a ValidationError. */
  input: z.ZodType<I> | ((page: FormPage<C>) => I | Promise<I>);
  /** The use case: calls the service with the checked input. */
  run: (input: I, page: FormPage<C>) => Promise<O>;
  /** The answer on success, usually a flash message and a 303 redirect. */
  done: (result: O, page: FormPage<C>) => void | Promise<void>;
  /** The same page again, with the problem's status, the user's input and a GOV.UK error summary. */
  rerender: (problem: FormProblem, page: FormPage<C>) => void | Promise<void>;
  /** Which problems re-render the page; the others go on to the error handler. Validation and conflict problems by default. */
  rerenderOn?: (error: AppError) => boolean;
}

/** A ValidationError (422) or a ConflictError (409): what a form is re-rendered for unless its route says otherwise. */
export const isFormProblem = (error: AppError): boolean => error instanceof ValidationError || error instanceof ConflictError;

/** Only a ValidationError re-renders the page. */
export const isValidationProblem = (error: AppError): boolean => error instanceof ValidationError;

function problemOf(error: AppError): FormProblem {
  return { status: error.status, code: error.code, message: error.message, fields: error.fields ?? {}, error };
}

/**
 * A page route for a form: load what the page needs, read and check the input, call the service,
 * then redirect on success or re-render the same page for an expected, typed problem.
 */
export function formRoute<C = undefined, I = unknown, O = unknown>(route: FormRoute<C, I, O>): RequestHandler {
  const rerenderOn = route.rerenderOn ?? isFormProblem;
  return async (req, res) => {
    const ctx = route.load ? await route.load(req, res) : (undefined as C);
    if (ctx === null) return;
    const page: FormPage<C> = { req, res, ctx };
    let result: O;
    try {
      const input = typeof route.input === 'function' ? await route.input(page) : parseInput(route.input, req.body);
      result = await route.run(input, page);
    } catch (err) {
      if (err instanceof AppError && rerenderOn(err)) return route.rerender(problemOf(err), page);
      throw err;
    }
    await route.done(result, page);
  };
}

/** The outcome of a service call that may fail in an expected way: its value, or the typed error (other failures are thrown on). */
export type Attempt<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** Runs a service call whose typed errors decide which page to show, such as "no questionnaire yet" or "sealed". */
export async function attempt<T>(work: Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await work };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: err };
    throw err;
  }
}

/** An upload form's problems: no file or a bad form (400), too large (413), a type not allowed (415), as well as validation and conflicts. */
export const isUploadProblem = (error: AppError): boolean =>
  isFormProblem(error) ||
  error instanceof BadRequestError ||
  error instanceof PayloadTooLargeError ||
  error instanceof UnsupportedMediaTypeError;
