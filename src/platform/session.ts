import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import session, { type SessionData, type Store } from 'express-session';
import MongoStore from 'connect-mongo';
import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { ServiceUnavailableError } from './errors';

declare module 'express-session' {
  interface SessionData {
    /** When the user signed in; the session ends a fixed time after, whatever the activity. */
    signedInAt?: number;
    csrfToken?: string;
    flash?: string;
    notice?: Notice;
  }
}

/** A one-time message for the next page that is not a success: something still to do, with a way to do it. */
export interface Notice {
  heading: string;
  text?: string;
  link?: { href: string; text: string };
}

export const SESSION_COOKIE = 'lmep.sid';
export const SESSION_COLLECTION = 'sessions';

export interface SessionOptions {
  conn: Connection;
  secret: string | undefined;
  secure: boolean;
  idleMinutes: number;
}

/** Sessions kept in MongoDB so app servers stay stateless; the cookie holds only the session id. */
export function sessions(opts: SessionOptions): RequestHandler {
  const store = MongoStore.create({
    client: opts.conn.getClient(),
    dbName: opts.conn.name,
    collectionName: SESSION_COLLECTION,
    stringify: false,
    ttl: opts.idleMinutes * 60,
    // TTL indexes are not available on every engine the portal supports, so expired sessions are swept.
    autoRemove: 'interval',
    autoRemoveInterval: 10,
    // A request that changes nothing moves the stored expiry on only when the last write is a twentieth of the idle
    // time old: one write where there were many at a rush, and a session ends at most 5% before its idle time.
    touchAfter: touchAfterSeconds(opts.idleMinutes),
  });
  return session({
    name: SESSION_COOKIE,
    // Without a configured secret (development and tests only) each process makes its own.
    secret: opts.secret ?? randomBytes(32).toString('hex'),
    store: dependableStore(store, readById(opts.conn.getClient().db(opts.conn.name).collection(SESSION_COLLECTION))),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // Keep, never destroy, a session that could not be loaded (a database blip): only sign-out ends it.
    unset: 'keep',
    cookie: { httpOnly: true, sameSite: 'lax', secure: opts.secure, maxAge: opts.idleMinutes * 60_000 },
  });
}

/** How old the last write of an unchanged session must be before a request writes its new expiry. */
export function touchAfterSeconds(idleMinutes: number): number {
  return Math.max(1, Math.floor((idleMinutes * 60) / 20));
}

type Callback = (err?: unknown) => void;

interface StoredSession {
  _id: string;
  session: SessionData & { lastModified?: Date };
  expires?: Date;
  lastModified?: Date;
}

/**
 * Reads a session by its id alone and leaves it out once past its expiry, as the store's own read does, but without
 * the expiry in the query: a lookup by id alone is the one the embedded engine answers from its index (with any other
 * condition it reads every session), and it is read on every request of everyone signed in.
 */
export function readById(collection: Collection<Document>): Store['get'] {
  const sessions = collection as unknown as Collection<StoredSession>;
  return (sid, callback) => {
    sessions.findOne({ _id: sid }).then(
      (doc) => {
        if (!doc || (doc.expires && doc.expires.getTime() <= Date.now())) return callback(null, null);
        // Kept with the session, as the store keeps it, so that a request soon after the last write does not write again.
        if (doc.lastModified) doc.session.lastModified = doc.lastModified;
        callback(null, doc.session);
      },
      (err: unknown) => callback(err),
    );
  };
}

/**
 * The session store as the portal needs it through a database blip. A session that cannot be read is a 503
 * (express-session then neither makes a new session nor deletes the old one, so nobody is signed out or refused
 * for a missing CSRF token); a failed write is a 503 too. A touch only moves the idle expiry on, so its failure
 * (the database is away, or the session was just swept or ended by sign-out elsewhere) never fails a request.
 */
export function dependableStore(store: Store, read: Store['get'] = store.get.bind(store)): Store {
  const unavailable = (err: unknown) => Object.assign(new ServiceUnavailableError(), { cause: err });
  const wrapped = Object.create(store) as Store;
  wrapped.get = (sid: string, callback: (err: unknown, session?: SessionData | null) => void) => {
    read(sid, (err, sess) => (err ? callback(unavailable(err)) : callback(null, sess)));
  };
  wrapped.set = (sid: string, sess: SessionData, callback?: Callback) => {
    store.set(sid, sess, (err?: unknown) => callback?.(err ? unavailable(err) : undefined));
  };
  wrapped.destroy = (sid: string, callback?: Callback) => {
    store.destroy(sid, (err?: unknown) => callback?.(err ? unavailable(err) : undefined));
  };
  wrapped.touch = (sid: string, sess: SessionData, callback?: () => void) => {
    const touch = store.touch?.bind(store);
    if (!touch) return callback?.();
    touch(sid, sess, () => callback?.());
  };
  return wrapped;
}

/**
 * Stores the session before a redirect goes out. express-session otherwise sends the status line and
 * headers while the save is still running, and a browser following the Location header at once could
 * arrive before the store holds what the first request wrote (a new sign-in, a one-time message).
 */
/**
 * Stores the session now. express-session stores a changed session as the answer ends, after sending its headers
 * (the cookie) and all but its last byte: a client that sends its next request on the new cookie as soon as the
 * headers arrive (as fetch() allows) could find no session yet. Sign-in answers store it first.
 */
export function storeSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err as Error) : resolve())));
}

export const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session) return redirect(...args);
    req.session.save((err) => {
      // The request time limit may have answered already while the save waited on the database.
      if (res.headersSent) return;
      if (err) next(err);
      else redirect(...args);
    });
  }) as typeof res.redirect;
  next();
};
