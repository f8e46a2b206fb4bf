import type { Connection, Schema } from 'mongoose';

/** The connection's model of that name, compiled from the schema the first time it is asked for. */
export function modelOn<S extends Schema>(conn: Connection, name: string, schema: S) {
  const compile = () => conn.model(name, schema);
  return (conn.models[name] as ReturnType<typeof compile> | undefined) ?? compile();
}
