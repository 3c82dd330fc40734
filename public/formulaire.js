/*
 * Progressive enhancement of the forms; the pages work without it.
 * - The error summary of a refused form takes the focus, so that a screen reader reads it and the
 *   keyboard starts there.
 * - A posted form is marked aria-busy, with a status line, while it is sent.
 * - The « Ajouter » and « Retirer » buttons of a list act in place: « Ajouter » copies the last item
 *   blank, « Retirer » removes its item, and the items after it are renumbered (field names
 *   « lots.2.intitule », ids, labels « Lot 3 »). Without script, these buttons send the form and
 *   the server shows it again with one item more or less.
 * - A form is sent once: a second press of its buttons while it is sent does nothing, and they are
 *   disabled until the answer (or, for a download that leaves the page as it is, a moment).
 * - Typing a title (« Directrice générale ») pre-selects the civility left empty, marked as proposed
 *   (the same reading as src/core/gender.ts: keep both in step); a choice of the user is never changed.
 * - Beside an INSEE code, a search of the communes by name or postal code (/api/v1/communes) fills it.
 * - The page of a document produced in the background (/lots/:id) follows its progress.
 */
(function () {
  'use strict';

  function focusSummary() {
    // The error summary first; else the preview just asked for.
    var target = document.getElementById('resume-erreurs') || document.getElementById('propositions') || document.getElementById('titre-apercu');
    if (target && document.activeElement !== target) target.focus();
  }

  /**
   * While a form is sent (a document generated, a preview built), it is marked aria-busy and a
   * status line says so; a download leaves the page as it is, so the mark is lifted after a moment.
   */
  function busy(form, on, message) {
    if (on) form.setAttribute('aria-busy', 'true');
    else form.removeAttribute('aria-busy');
    var status = form.querySelector('.etat-envoi');
    if (status) status.textContent = on ? message : '';
    if (!on) {
      delete form.dataset.envoi;
      form.querySelectorAll('button[data-envoi-bloque]').forEach(function (b) {
        b.disabled = false;
        b.removeAttribute('data-envoi-bloque');
      });
    }
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return;
    var submitter = event.submitter;
    if (submitter && (submitter.name === '_ajouter' || submitter.name === '_retirer')) return;
    // Sent once: a second press while the first is sent would produce the document twice.
    if (form.dataset.envoi === '1') {
      event.preventDefault();
      return;
    }
    form.dataset.envoi = '1';
    var preview = submitter && submitter.name === '_action' && submitter.value === 'apercu';
    busy(form, true, preview ? 'Aperçu en préparation\u2026' : 'Envoi en cours\u2026');
    // Disabled once the form's data is taken (a disabled button would not send its name).
    setTimeout(function () {
      if (form.dataset.envoi !== '1') return;
      form.querySelectorAll('button[type=submit]:not(:disabled)').forEach(function (b) {
        b.disabled = true;
        b.setAttribute('data-envoi-bloque', '');
      });
    }, 0);
    setTimeout(function () { busy(form, false, ''); }, 15000);
  });
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('form[aria-busy]').forEach(function (form) { busy(form, false, ''); });
  });

  /** "lots.0.critere" → "champ-lots-0-critere", as the server names ids. */
  function domId(path) {
    return 'champ-' + path.replace(/[^A-Za-z0-9]+/g, '-');
  }

  function escape(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  /** The items of a list: its own, not those of a list inside one of them. */
  function itemsOf(list) {
    return Array.prototype.filter.call(list.querySelectorAll('[data-element]'), function (item) {
      return item.parentElement && item.parentElement.closest('[data-liste]') === list;
    });
  }

  /** Gives the item of `list` the index `to`: field names, ids, buttons, its legend or label. */
  function renumber(list, item, to) {
    var path = list.getAttribute('data-liste');
    var name = new RegExp('^' + escape(path) + '\\.\\d+(?=$|\\.)');
    var id = new RegExp('^' + escape(domId(path)) + '-\\d+(?=$|-)');
    var newName = path + '.' + to;
    var newId = domId(path) + '-' + to;
    var nodes = [item].concat(Array.prototype.slice.call(item.querySelectorAll('*')));
    nodes.forEach(function (node) {
      ['name', 'data-liste'].forEach(function (attr) {
        var v = node.getAttribute(attr);
        if (v !== null) node.setAttribute(attr, v.replace(name, newName));
      });
      if (node.tagName === 'BUTTON' && (node.name === '_retirer' || node.name === '_ajouter')) node.value = node.value.replace(name, newName);
      ['id', 'for'].forEach(function (attr) {
        var v = node.getAttribute(attr);
        if (v !== null) node.setAttribute(attr, v.replace(id, newId));
      });
      var described = node.getAttribute('aria-describedby');
      if (described !== null) {
        node.setAttribute('aria-describedby', described.split(' ').map(function (t) { return t.replace(id, newId); }).join(' '));
      }
    });
    // « Lot 3 »: the legend of an item of objects, or the label of a value.
    var title = item.tagName === 'FIELDSET' ? item.querySelector('legend') : item.querySelector('label');
    if (title && title.firstChild && title.firstChild.nodeType === 3) {
      title.firstChild.nodeValue = title.firstChild.nodeValue.replace(/\d+(\s*)$/, String(to + 1) + '$1');
      var text = title.firstChild.nodeValue.trim();
      var remove = Array.prototype.find.call(item.querySelectorAll('button[name=_retirer]'), function (b) { return b.closest('[data-element]') === item; });
      if (remove) remove.textContent = 'Retirer\u00A0: ' + text;
    }
  }

  /** Empties the fields of a copied item and forgets the errors of the one it was copied from. */
  function blank(item) {
    item.querySelectorAll('input, select, textarea').forEach(function (field) {
      if (field.type === 'hidden') return;
      if (field.type === 'checkbox' || field.type === 'radio') field.checked = false;
      else if (field.tagName === 'SELECT') field.selectedIndex = 0;
      else field.value = '';
      field.removeAttribute('aria-invalid');
    });
    item.querySelectorAll('.erreur, .propose').forEach(function (e) { e.remove(); });
    item.querySelectorAll('.commune-resultats, .commune-etat').forEach(function (e) { e.textContent = ''; });
    item.querySelectorAll('[data-propose]').forEach(function (e) { e.removeAttribute('data-propose'); });
    item.querySelectorAll('.en-erreur').forEach(function (e) { e.classList.remove('en-erreur'); });
    item.classList.remove('en-erreur');
    item.querySelectorAll('[aria-describedby]').forEach(function (node) {
      var kept = node.getAttribute('aria-describedby').split(' ').filter(function (t) { return !/-erreur$/.test(t); });
      if (kept.length > 0) node.setAttribute('aria-describedby', kept.join(' '));
      else node.removeAttribute('aria-describedby');
    });
    // A copied item keeps only one item in its own lists.
    item.querySelectorAll('[data-liste]').forEach(function (inner) {
      itemsOf(inner).slice(1).forEach(function (extra) { extra.remove(); });
    });
  }

  function add(list) {
    var items = itemsOf(list);
    var last = items[items.length - 1];
    if (!last) return;
    var copy = last.cloneNode(true);
    blank(copy);
    renumber(list, copy, items.length);
    last.after(copy);
    var first = copy.querySelector('input:not([type=hidden]), select, textarea');
    if (first) first.focus();
  }

  function removeItem(list, item) {
    var items = itemsOf(list);
    if (items.length === 1) {
      // The last item is emptied rather than removed: the form always offers one to fill.
      blank(item);
      return;
    }
    var index = items.indexOf(item);
    item.remove();
    itemsOf(list).forEach(function (other, i) {
      if (i >= index) renumber(list, other, i);
    });
    var next = itemsOf(list)[Math.min(index, items.length - 2)];
    var focus = next && next.querySelector('input:not([type=hidden]), select, textarea');
    if (focus) focus.focus();
  }

  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('button[name=_ajouter], button[name=_retirer]') : null;
    if (!button) return;
    event.preventDefault();
    if (button.name === '_ajouter') {
      var list = button.closest('[data-liste]');
      if (list) add(list);
    } else {
      var item = button.closest('[data-element]');
      var owner = item && item.parentElement ? item.parentElement.closest('[data-liste]') : null;
      if (item && owner) removeItem(owner, item);
    }
  });

  /* ---- Civility proposed from a title (as src/core/gender.ts reads it). ---- */

  var STOP_WORDS = ['de', 'du', 'des', 'd', 'à', 'a', 'au', 'aux', 'en', 'pour', 'par', 'sur', 'chez', 'et', 'ou', 'dans', 'auprès'];
  var NEUTRAL_WORDS = ('maire secrétaire ministre responsable membre juge architecte comptable gestionnaire notaire chef vice sous co ' +
    'interim intérim dgs dga drh daf').split(' ');
  var FEMININE_WORDS = ['la', 'cheffe', 'madame', 'mme', 'première', 'élue', 'docteure', 'professeure', 'ingénieure', 'autrice'];
  var MASCULINE_WORDS = ['le', 'monsieur', 'premier', 'élu'];
  var FEMININE_ENDINGS = ['trice', 'euse', 'ière', 'ère', 'ienne', 'enne', 'ante', 'ente', 'ée', 'ale', 'ointe', 'ive', 'elle', 'eure'];
  var MASCULINE_ENDINGS = ['teur', 'eur', 'ier', 'ien', 'ant', 'ent', 'é', 'al', 'oint', 'if', 'el'];

  function endsWithOne(word, endings) {
    return endings.some(function (e) { return word.length >= e.length && word.slice(-e.length) === e; });
  }

  function wordGender(word) {
    if (FEMININE_WORDS.indexOf(word) >= 0) return 'feminin';
    if (MASCULINE_WORDS.indexOf(word) >= 0) return 'masculin';
    if (word.length < 3 || NEUTRAL_WORDS.indexOf(word) >= 0) return '';
    if (endsWithOne(word, FEMININE_ENDINGS)) return 'feminin';
    if (endsWithOne(word, MASCULINE_ENDINGS)) return 'masculin';
    return '';
  }

  function civilityFromTitle(title) {
    if (!title || !title.trim() || title.indexOf('{{') >= 0) return '';
    var words = title.normalize('NFC').toLowerCase().replace(/[’']/g, ' ').split(/[\s\u00A0\u202F,;:()./]+/).filter(Boolean);
    for (var i = 0; i < words.length; i++) {
      if (STOP_WORDS.indexOf(words[i]) >= 0) break;
      var parts = words[i].split('-').filter(Boolean);
      for (var j = 0; j < parts.length; j++) {
        var g = wordGender(parts[j]);
        if (g) return g === 'feminin' ? 'Mme' : 'M.';
      }
    }
    return '';
  }

  /** The note beside a proposed civility, created or updated; removed with an empty text. */
  function proposalNote(select, text) {
    var id = select.id + '-propose';
    var note = document.getElementById(id);
    var described = (select.getAttribute('aria-describedby') || '').split(' ').filter(function (t) { return t && t !== id; });
    if (!text) {
      if (note) note.remove();
      if (described.length > 0) select.setAttribute('aria-describedby', described.join(' '));
      else select.removeAttribute('aria-describedby');
      return;
    }
    if (!note) {
      note = document.createElement('p');
      note.className = 'propose';
      note.id = id;
      select.after(note);
    }
    note.textContent = text;
    described.push(id);
    select.setAttribute('aria-describedby', described.join(' '));
  }

  document.addEventListener('input', function (event) {
    var field = event.target;
    if (!(field instanceof HTMLInputElement) || !/\.(qualite|fonction)$/.test(field.name)) return;
    var prefix = field.name.replace(/\.(qualite|fonction)$/, '');
    var select = field.form && field.form.querySelector('select[name="' + prefix + '.civilite"]');
    if (!select) return;
    // A civility chosen by the user (or given before) is left as it is.
    var proposedBefore = select.getAttribute('data-propose') === 'oui';
    if (select.value !== '' && !proposedBefore) return;
    var civility = civilityFromTitle(field.value);
    if (civility) {
      select.value = civility;
      select.setAttribute('data-propose', 'oui');
      var what = /qualite$/.test(field.name) ? 'la qualité' : 'la fonction';
      proposalNote(select, 'Proposé d\u2019après ' + what + ' \u00AB\u00A0' + field.value.trim() + '\u00A0\u00BB\u00A0: vérifiez ou changez ce choix.');
    } else if (proposedBefore) {
      select.value = '';
      select.removeAttribute('data-propose');
      proposalNote(select, '');
    }
  });

  document.addEventListener('change', function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !/\.(civilite|genre)$/.test(select.name)) return;
    // The user's own choice: no longer a proposal.
    select.removeAttribute('data-propose');
    proposalNote(select, '');
  });

  /** A civility the server proposed is still a proposal that the title may change. */
  function markServerProposals() {
    document.querySelectorAll('select').forEach(function (select) {
      if (select.id && document.getElementById(select.id + '-propose')) select.setAttribute('data-propose', 'oui');
    });
  }

  /* ---- Search of the communes beside an INSEE code. ---- */

  function communeWidgets() {
    document.querySelectorAll('.recherche-commune[hidden]').forEach(function (widget) { widget.hidden = false; });
  }

  function searchCommunes(widget) {
    var query = widget.querySelector('.commune-requete');
    var status = widget.querySelector('.commune-etat');
    var list = widget.querySelector('.commune-resultats');
    var q = query.value.trim();
    list.textContent = '';
    if (!q) {
      status.textContent = 'Tapez le début du nom de la commune ou son code postal.';
      return;
    }
    status.textContent = 'Recherche en cours\u2026';
    fetch('/api/v1/communes?q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.json() : []; })
      .then(function (communes) {
        list.textContent = '';
        status.textContent = communes.length === 0 ? 'Aucune commune trouvée.' : communes.length === 1 ? '1 commune trouvée\u00A0: choisissez-la pour remplir le code.' : communes.length + ' communes trouvées\u00A0: choisissez-en une pour remplir le code.';
        communes.forEach(function (c) {
          var item = document.createElement('li');
          var button = document.createElement('button');
          button.type = 'button';
          button.className = 'secondaire commune-choix';
          button.setAttribute('data-code', c.codeInsee);
          button.textContent = c.nom + ' (' + c.departement + ')' + (c.codesPostaux.length ? ' \u2013 ' + c.codesPostaux.slice(0, 3).join(', ') + (c.codesPostaux.length > 3 ? '\u2026' : '') : '') + ' \u2013 code INSEE ' + c.codeInsee;
          item.appendChild(button);
          list.appendChild(item);
        });
      })
      .catch(function () { status.textContent = 'La recherche n\u2019a pas abouti\u00A0: tapez le code INSEE.'; });
  }

  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var search = target.closest('.commune-chercher');
    if (search) {
      searchCommunes(search.closest('.recherche-commune'));
      return;
    }
    var choice = target.closest('.commune-choix');
    if (choice) {
      var widget = choice.closest('.recherche-commune');
      var field = widget.closest('.champ').querySelector('input[type=text]');
      if (field) {
        field.value = choice.getAttribute('data-code');
        widget.querySelector('.commune-etat').textContent = 'Code INSEE ' + field.value + ' rempli (' + choice.textContent.split(' \u2013 ')[0] + ').';
        widget.querySelector('.commune-resultats').textContent = '';
        field.focus();
      }
    }
  });

  // Entrée in the search field searches, rather than sending the whole form.
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    if (event.key !== 'Enter' || !(target instanceof HTMLInputElement) || !target.classList.contains('commune-requete')) return;
    event.preventDefault();
    searchCommunes(target.closest('.recherche-commune'));
  });

  /* ---- The page of a document produced in the background. ---- */

  function followJob() {
    var section = document.querySelector('[data-lot][aria-busy="true"]');
    if (!section) return;
    var id = section.getAttribute('data-lot');
    var refresh = section.querySelector('.lot-rafraichir');
    // The page is refreshed here: the link of the page without script is not needed.
    if (refresh) refresh.hidden = true;
    function poll() {
      fetch('/lots/' + encodeURIComponent(id) + '/etat', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (job) {
          if (!job) {
            setTimeout(poll, 3000);
            return;
          }
          section.querySelector('.lot-progression').textContent = job.progression;
          section.querySelector('.lot-statut').textContent = job.statut;
          var bar = section.querySelector('.lot-barre');
          if (bar) {
            bar.max = job.total;
            bar.value = job.faits;
            bar.textContent = job.progression;
          }
          if (!job.termine) {
            setTimeout(poll, 1000);
            return;
          }
          // Done: the page as the server shows it now (the link to the document, or the errors).
          window.location.reload();
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    setTimeout(poll, 500);
  }

  function start() {
    focusSummary();
    markServerProposals();
    communeWidgets();
    followJob();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
