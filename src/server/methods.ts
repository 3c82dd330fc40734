/**
 * 405 for a known path asked with another method: the methods the path has are read from the
 * routes themselves (the app's and its routers'), so the Allow header never goes stale.
 */
import type { Express, NextFunction, Request, Response } from 'express';
import { MethodNotAllowedError } from '../core/errors.js';

interface Layer {
  route?: { methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  match(path: string): boolean;
}

function allowed(stack: Layer[], path: string, out: Set<string>): void {
  for (const layer of stack) {
    if (layer.route) {
      if (layer.match(path)) for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.add(m.toUpperCase());
    } else if (layer.handle?.stack) {
      allowed(layer.handle.stack, path, out);
    }
  }
}

export function methodNotAllowed(app: Express) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const methods = new Set<string>();
    const router = (app as unknown as { router: { stack: Layer[] } }).router;
    allowed(router.stack, req.path, methods);
    if (methods.size === 0 || methods.has(req.method)) {
      next();
      return;
    }
    if (methods.has('GET')) methods.add('HEAD');
    const list = [...methods].sort();
    next(new MethodNotAllowedError(`La méthode ${req.method} n’est pas possible à cette adresse : ${list.join(', ')}.`, list));
  };
}
