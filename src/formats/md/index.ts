/** Markdown, for procurement software that pastes the text into its own documents. */
import { MARKDOWN_CONTENT_TYPE, toMarkdown } from '../../engines/text/index.js';
import { registerFormat } from '../registry.js';

export const md = registerFormat({
  id: 'md',
  label: 'Markdown',
  description: 'Markdown',
  contentType: MARKDOWN_CONTENT_TYPE,
  extension: 'md',
  render: async (s) => {
    const doc = await s.html();
    return s.time('text', () => Buffer.from(toMarkdown(doc, s.viewModel), 'utf8'));
  },
});
