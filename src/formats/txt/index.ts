/** Plain text, one line per paragraph. */
import { TEXT_CONTENT_TYPE, toText } from '../../engines/text/index.js';
import { registerFormat } from '../registry.js';

export const txt = registerFormat({
  id: 'txt',
  label: 'Texte brut',
  description: 'texte brut',
  contentType: TEXT_CONTENT_TYPE,
  extension: 'txt',
  render: async (s) => {
    const doc = await s.html();
    return s.time('text', () => Buffer.from(toText(doc, s.viewModel), 'utf8'));
  },
});
