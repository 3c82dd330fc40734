/** Registers every document kind: one import per kind folder. */
import './convention/index.js';
import './clause-dce/index.js';
import './non-reconduction/index.js';
import './mise-en-demeure-partenaire/index.js';
import './mise-en-demeure-titulaire/index.js';
import './avis-motive/index.js';
import './avenant/index.js';
import './bilan-marche/index.js';
import './bilan-annuel/index.js';
