/** Sizing of insertion goals: the catalogue of market families and the calculation for a purchase. */
import { Router } from 'express';
import { catalogue, dimensionner } from '../../sizing/index.js';
import { readDocumentInput } from '../input.js';
import { queryDay, type ServiceContext } from './context.js';

export function sizingRouter({ limits }: ServiceContext): Router {
  const router = Router();
  router.get('/api/v1/insertion-goals/catalog', (req, res) => {
    const date = queryDay(req, 'date', 'date');
    res.json(catalogue(date ? new Date(date) : new Date()));
  });
  router.post('/api/v1/insertion-goals', readDocumentInput(limits), (_req, res) => {
    res.json(dimensionner(res.locals.data));
  });
  return router;
}
