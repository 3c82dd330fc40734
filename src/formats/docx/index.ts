/** Word (DOCX): the filled template, editable. */
import { DOCX_CONTENT_TYPE } from '../../engines/docx/index.js';
import { registerFormat } from '../registry.js';

export const docx = registerFormat({
  id: 'docx',
  label: 'Word (DOCX)',
  description: 'DOCX modifiable',
  contentType: DOCX_CONTENT_TYPE,
  extension: 'docx',
  render: async (s) => s.docx(),
});
