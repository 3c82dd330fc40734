/*
 * Progressive enhancement of the forms; the pages work without it.
 * - The error summary of a refused form takes the focus, so that a screen reader reads it and the
 *   keyboard starts there.
 * - A posted form is marked aria-busy, with a status line, while it is sent.
 * - The « Ajouter » and « Retirer » buttons of a list act in place: « Ajouter » copies the last item
 *   blank, « Retirer » removes its item, and the items after it are renumbered (field names
 *   « lots.2.intitule », ids, labels « Lot 3 »). Without script, these buttons send the form and
 *   the server shows it again with one item more or less.
 */
(function () {
  'use strict';

  function focusSummary() {
    // The error summary first; else the preview just asked for.
    var target = document.getElementById('resume-erreurs') || document.getElementById('titre-apercu');
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
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return;
    var submitter = event.submitter;
    if (submitter && (submitter.name === '_ajouter' || submitter.name === '_retirer')) return;
    var preview = submitter && submitter.name === '_action' && submitter.value === 'apercu';
    busy(form, true, preview ? 'Aperçu en préparation\u2026' : 'Envoi en cours\u2026');
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
    item.querySelectorAll('.erreur').forEach(function (e) { e.remove(); });
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

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', focusSummary);
  else focusSummary();
})();
