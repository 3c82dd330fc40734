/** Bilans: the indicators as data (JSON or CSV) and the blank models of the follow-up spreadsheets. */
import { Router } from 'express';
import { blankCsv, blankModel, indicators, indicatorsCsv } from '../../bilans/index.js';
import { readFollowUpFiles } from '../../bilans/tabular.js';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import { readDocumentInput } from '../input.js';
import { queryString, type ServiceContext } from './context.js';

/** Query parameters that may stand in for fields of the body. */
const QUERY_FIELDS = ['moisArrete', 'seuilConfidentialite', 'acheteur', 'annee'];

export function bilansRouter({ limits }: ServiceContext): Router {
  const router = Router();

  router.post('/api/v1/bilans/indicateurs', readDocumentInput(limits, () => async (files) => ({ ...(await readFollowUpFiles(files)) })), (req, res) => {
    const data = { ...(res.locals.data as Record<string, unknown>) };
    for (const key of QUERY_FIELDS) {
      const q = queryString(req, key);
      if (q !== undefined) data[key] = q;
    }
    const result = indicators(data);
    const format = queryString(req, 'format') ?? 'json';
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`indicateurs-${result.moisArrete}.csv`).send(indicatorsCsv(result));
    } else if (format === 'json') {
      res.json(result);
    } else {
      throw new InvalidInputError('Format inconnu.', [{ path: 'format', type: 'any.only', message: `Format inconnu « ${format} ». Formats disponibles : json, csv.` }]);
    }
  });

  router.get('/api/v1/bilans/modele.xlsx', async (_req, res) => {
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment('modele-suivi-clauses.xlsx').send(await blankModel());
  });

  router.get('/api/v1/bilans/modele-:sheet.csv', (req, res) => {
    const sheet = String(req.params.sheet);
    if (sheet !== 'marches' && sheet !== 'suivi') throw new NotFoundError(`Aucun modèle « ${sheet} » : modèles disponibles : marches, suivi.`);
    res.type('text/csv; charset=utf-8').attachment(`${sheet}.csv`).send(blankCsv(sheet));
  });

  return router;
}
