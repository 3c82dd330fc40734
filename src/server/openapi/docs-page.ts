/**
 * GET /api/v1/docs: the OpenAPI description as a French web page, rendered on the server (the
 * service's CSP allows no script and no inline style; the page uses /static/web.css). Operations
 * are listed by tag with their method, path, summary, parameters, body and answers; every kind's
 * schema is linked.
 */
import Mustache from 'mustache';
import { listKinds } from '../../core/registry.js';
import { kindSchemaPath, type JsonSchemaNode } from '../json-schema.js';
import type { OpenApiDocument, OpenApiMedia, OpenApiOperation } from './document.js';
import { frenchSpaces } from './registry.js';

const TEMPLATE = `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Documentation de l’API – Documents de la clause sociale</title>
<link rel="stylesheet" href="/static/web.css">
</head>
<body>
<header class="bandeau"><a href="/">Documents de la clause sociale d’insertion</a></header>
<main>
<h1>{{titre}}</h1>
{{#introduction}}<p>{{.}}</p>
{{/introduction}}
<p>Version {{version}}. Description OpenAPI 3.1, pour générer un client ou l’importer dans un outil\u00a0: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
<nav aria-labelledby="sommaire">
<h2 id="sommaire">Sommaire</h2>
<ul>
{{#groupes}}<li><a href="#{{ancre}}">{{nom}}</a> ({{nombre}})</li>
{{/groupes}}<li><a href="#schemas">Schémas des données des documents</a></li>
</ul>
</nav>
{{#groupes}}
<section aria-labelledby="{{ancre}}">
<h2 id="{{ancre}}">{{nom}}</h2>
<p>{{description}}</p>
{{#operations}}
<article aria-labelledby="{{id}}">
<h3 id="{{id}}"><code>{{methode}} {{chemin}}</code></h3>
<p><strong>{{resume}}</strong></p>
{{#paragraphes}}<p>{{.}}</p>
{{/paragraphes}}
<p>Identifiant de l’opération\u00a0: <code>{{id}}</code>. {{#public}}Sans clé d’API.{{/public}}{{^public}}Clé d’API requise.{{/public}}</p>
{{#aParametres}}
<table>
<caption>Paramètres</caption>
<thead><tr><th scope="col">Nom</th><th scope="col">Emplacement</th><th scope="col">Obligatoire</th><th scope="col">Valeurs</th><th scope="col">Description</th></tr></thead>
<tbody>
{{#parametres}}<tr><td><code>{{nom}}</code></td><td>{{emplacement}}</td><td>{{obligatoire}}</td><td>{{valeurs}}</td><td>{{description}}</td></tr>
{{/parametres}}
</tbody>
</table>
{{/aParametres}}
{{#corps}}
<p>Corps de la requête{{#obligatoire}} (obligatoire){{/obligatoire}}{{#description}}\u00a0: {{description}}{{/description}}</p>
<ul>
{{#types}}<li><code>{{type}}</code>{{#schema}}\u00a0: {{#lien}}<a href="{{lien}}">{{nom}}</a>{{/lien}}{{^lien}}{{nom}}{{/lien}}{{/schema}}</li>
{{/types}}
</ul>
{{/corps}}
<p>Réponses\u00a0:</p>
<ul>
{{#reponses}}<li><strong>{{statut}}</strong> – {{description}}{{#types.length}} ({{#types}}<code>{{type}}</code>{{separateur}}{{/types}}){{/types.length}}</li>
{{/reponses}}
</ul>
</article>
{{/operations}}
</section>
{{/groupes}}
<section aria-labelledby="schemas">
<h2 id="schemas">Schémas des données des documents</h2>
<p>Le schéma JSON (draft 2020-12) des données de chaque type de document\u00a0: noms des champs, libellés français, formats, valeurs permises et champs obligatoires d’un document final.</p>
<ul>
{{#schemas}}<li><a href="{{lien}}">{{titre}}</a> (<code>{{id}}</code>)</li>
{{/schemas}}
</ul>
</section>
</main>
<footer class="pied"><a href="/api/v1/openapi.json">Description OpenAPI (JSON)</a> · <a href="/api/v1/kinds">Types de document (JSON)</a> · <a href="/health">État du service</a></footer>
</body>
</html>
`;

const LOCATIONS: Record<string, string> = { path: 'chemin', query: 'requête', header: 'en-tête' };

const slug = (text: string) =>
  `groupe-${text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;

/** What a parameter accepts, in a few words: its values, its type, its default. */
function values(schema: JsonSchemaNode): string {
  const parts: string[] = [];
  if (Array.isArray(schema.enum)) parts.push(schema.enum.map(String).join(', '));
  else if (schema.format === 'date') parts.push('date AAAA-MM-JJ');
  else if (typeof schema.pattern === 'string') parts.push(`texte (${schema.pattern})`);
  else if (schema.type === 'integer') parts.push('entier');
  else if (schema.type === 'number') parts.push('nombre');
  else parts.push('texte');
  if (schema.default !== undefined) parts.push(`par défaut ${String(schema.default)}`);
  return parts.join('\u202f; ');
}

/** A body's schema: a link to a kind's own schema, or the name of a schema of the description. */
function schemaLink(media: OpenApiMedia): { nom: string; lien?: string } | undefined {
  const ref = typeof media.schema?.$ref === 'string' ? media.schema.$ref : undefined;
  if (!media.schema) return undefined;
  if (!ref) return { nom: 'voir la description OpenAPI', lien: '/api/v1/openapi.json' };
  const name = ref.replace('#/components/schemas/', '');
  const kind = listKinds().find((k) => k.id === name);
  return kind ? { nom: `schéma «\u00a0${frenchSpaces(kind.title)}\u00a0»`, lien: kindSchemaPath(kind.id) } : { nom: `schéma «\u00a0${name}\u00a0» de la description OpenAPI`, lien: '/api/v1/openapi.json' };
}

function operationView(method: string, path: string, op: OpenApiOperation) {
  const parameters = op.parameters ?? [];
  return {
    id: op.operationId,
    methode: method.toUpperCase(),
    chemin: path,
    resume: op.summary,
    paragraphes: (op.description ?? '').split(/\n\n+/).filter(Boolean),
    public: Array.isArray(op.security) && op.security.length === 0,
    aParametres: parameters.length > 0,
    parametres: parameters.map((p) => ({
      nom: p.name,
      emplacement: LOCATIONS[p.in] ?? p.in,
      obligatoire: p.required ? 'oui' : 'non',
      valeurs: values(p.schema),
      description: p.description,
    })),
    corps: op.requestBody
      ? {
          obligatoire: op.requestBody.required,
          description: op.requestBody.description,
          types: Object.entries(op.requestBody.content).map(([type, media]) => ({ type, schema: schemaLink(media) })),
        }
      : undefined,
    reponses: Object.entries(op.responses).map(([status, r]) => {
      const types = Object.keys(r.content ?? {});
      return { statut: status, description: r.description, types: types.map((type, i) => ({ type, separateur: i < types.length - 1 ? ', ' : '' })) };
    }),
  };
}

export function docsPage(doc: OpenApiDocument): string {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const groups = doc.tags.map((tag) => {
    const ops = operations.filter((o) => o.op.tags[0] === tag.name).map((o) => operationView(o.method, o.path, o.op));
    return { nom: tag.name, ancre: slug(tag.name), description: tag.description, nombre: ops.length, operations: ops };
  });
  return Mustache.render(TEMPLATE, {
    titre: 'Documentation de l’API',
    introduction: doc.info.description.split(/\n\n+/),
    version: doc.info.version,
    groupes: groups.filter((g) => g.nombre > 0),
    schemas: listKinds().map((k) => ({ id: k.id, titre: frenchSpaces(k.title), lien: kindSchemaPath(k.id) })),
  });
}
