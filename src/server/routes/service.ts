/**
 * The service's own state: /health (the process answers), /ready (it can serve: PDF engine warm,
 * store reachable, not stopping) and /metrics (Prometheus text format).
 */
import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { UnauthorizedError } from '../../core/errors.js';
import { listKinds } from '../../core/registry.js';
import type { Generator } from '../../generator.js';
import type { Store } from '../../store/types.js';
import type { Metrics } from '../metrics.js';
import { sendProblem, type Problem } from '../problem.js';

/** Shared with the process that runs the app: set `stopping` when a graceful stop begins. */
export interface Lifecycle {
  stopping: boolean;
}

export interface ServiceRouterOptions {
  generator: Generator;
  store?: Store;
  metrics: Metrics;
  lifecycle: Lifecycle;
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export function serviceRouter({ generator, store, metrics, lifecycle, metricsToken }: ServiceRouterOptions): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', kinds: listKinds().map((k) => k.id) });
  });

  router.get('/ready', async (_req, res) => {
    const checks = {
      arret: lifecycle.stopping ? 'en-cours' : 'non',
      moteurPdf: (await engineReady(generator)) ? 'pret' : 'indisponible',
      stockage: store ? ((await storeReachable(store)) ? 'joignable' : 'injoignable') : 'aucun',
    };
    const ready = checks.arret === 'non' && checks.moteurPdf === 'pret' && checks.stockage !== 'injoignable';
    res.setHeader('Cache-Control', 'no-store');
    if (ready) {
      res.json({ status: 'pret', checks });
      return;
    }
    res.setHeader('Retry-After', '5');
    sendProblem(res, {
      type: '/problemes/service-pas-pret',
      title: 'Service pas prêt',
      status: 503,
      detail: lifecycle.stopping ? 'Le service s’arrête\u00a0: il ne prend plus de nouvelles requêtes.' : 'Le service n’est pas prêt à servir\u00a0: voir l’état de chaque vérification.',
      errors: [],
      checks,
    } as Problem);
  });

  router.get('/metrics', async (req, res) => {
    if (metricsToken) {
      const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!given || !sameSecret(given, metricsToken)) throw new UnauthorizedError('Jeton des métriques manquant ou invalide.');
    }
    res.type(metrics.registry.contentType).setHeader('Cache-Control', 'no-store');
    res.send(await metrics.text());
  });

  return router;
}

async function engineReady(generator: Generator): Promise<boolean> {
  try {
    return await generator.ready();
  } catch {
    return false;
  }
}

async function storeReachable(store: Store): Promise<boolean> {
  try {
    await store.ping();
    return true;
  } catch {
    return false;
  }
}
