import type { Express } from 'express';

/** One route of the app: method, full path and the roles its guard declares (none when unguarded). */
export interface RouteInfo {
  method: string;
  path: string;
  roles: string[] | null;
}

interface StackLayer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { roles?: string[] } }[] };
  handle?: { stack?: StackLayer[] };
}

function walk(stack: StackLayer[], prefix: string, out: RouteInfo[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const guard = layer.route.stack.find((l) => Array.isArray(l.handle.roles));
      for (const method of Object.keys(layer.route.methods)) {
        out.push({ method: method.toUpperCase(), path: prefix + layer.route.path, roles: guard?.handle.roles ?? null });
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, prefix + mount, out);
    }
  }
}

/** Every route the app serves, found by walking its router, for the access-control audit. */
export function listRoutes(app: Express): RouteInfo[] {
  const router = (app as unknown as { router: { stack: StackLayer[] } }).router;
  const out: RouteInfo[] = [];
  walk(router.stack, '', out);
  return out;
}
