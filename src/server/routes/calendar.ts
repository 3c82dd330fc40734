/** The convention's calendar: periods, renewals, the non-renewal deadline. */
import { Router } from 'express';
import { echeances } from '../../calendar/index.js';
import { readDocumentInput } from '../input.js';
import type { ServiceContext } from './context.js';

export function calendarRouter({ limits }: ServiceContext): Router {
  const router = Router();
  router.post('/api/v1/echeances', readDocumentInput(limits), (_req, res) => {
    res.json(echeances(res.locals.data));
  });
  return router;
}
