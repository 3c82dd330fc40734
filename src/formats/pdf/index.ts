/** PDF: the print request printed by the PDF printer, then finished (properties, signature fields). */
import { finishPdf, PDF_CONTENT_TYPE } from '../../engines/pdf/index.js';
import { registerFormat } from '../registry.js';

export const pdf = registerFormat({
  id: 'pdf',
  label: 'PDF',
  description: 'PDF prêt à signer',
  contentType: PDF_CONTENT_TYPE,
  extension: 'pdf',
  prints: true,
  render: async (s) => {
    const request = await s.printRequest();
    const printed = await s.time('print', () => s.printer.print(request));
    if (printed.timings?.queue !== undefined) s.timings.printQueue = printed.timings.queue;
    return s.time('finishing', () => finishPdf(printed, request, s.viewModel, { now: s.now }));
  },
});
