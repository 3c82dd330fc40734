/** HTML for the screen: the document's HTML in its page layout, with the page header on top. */
import { HTML_CONTENT_TYPE, renderPage } from '../../engines/html/index.js';
import { registerFormat } from '../registry.js';

export const html = registerFormat({
  id: 'html',
  label: 'HTML (aperçu)',
  description: 'aperçu HTML',
  contentType: HTML_CONTENT_TYPE,
  extension: 'html',
  render: async (s) => {
    const doc = await s.html();
    return s.time('html', () => Buffer.from(renderPage(doc, s.viewModel, { media: 'screen' }), 'utf8'));
  },
});
