import { expect } from 'chai';
import { marginBoxesCss, marginContent } from '../../src/engines/pdf/margins.js';

describe('PDF margins (CSS margin boxes)', () => {
  it('turns the page tokens into the page counters and the text into CSS strings', () => {
    expect(marginContent('Réf. CP-2026-014 – Page {{page}} sur {{pages}}')).to.equal('"Réf. CP-2026-014 – Page " counter(page) " sur " counter(pages)');
    expect(marginContent('{{page}}/{{pages}}')).to.equal('counter(page) "/" counter(pages)');
  });

  it('reads the fragment’s escapes and line breaks, and escapes what CSS needs', () => {
    expect(marginContent('A &amp; B &#123;&#123;page}}')).to.equal('"A \\26  B {{page}}"');
    expect(marginContent('Ligne 1<br>« Ligne 2 »')).to.equal('"Ligne 1\\a « Ligne 2 »"');
    expect(marginContent('Dit "oui" \\ non')).to.equal('"Dit \\"oui\\" \\\\ non"');
    // A value cannot close the string nor the rule.
    expect(marginContent('"; } body { display: none } x { content: "')).to.equal('"\\"; } body { display: none } x { content: \\""');
  });

  it('cannot close the style element it sits in', () => {
    const css = marginBoxesCss('', 'Mairie &lt;/style&gt;&lt;p&gt;Injecté&lt;/p&gt; – Page {{page}}');
    expect(css).not.to.match(/[<>&]/);
    expect(css).to.contain('"Mairie \\3c /style\\3e \\3c p\\3e Injecté\\3c /p\\3e  – Page " counter(page)');
  });

  it('gives no box for an empty header or footer', () => {
    expect(marginContent('')).to.equal('none');
    expect(marginBoxesCss('', '')).to.equal('');
    const footerOnly = marginBoxesCss('', 'Page {{page}}');
    expect(footerOnly).to.contain('@bottom-center { content: "Page " counter(page);').and.not.to.contain('@top-center');
    expect(marginBoxesCss('En-tête', '')).to.contain('@top-center { content: "En-tête";').and.not.to.contain('@bottom-center');
  });
});
