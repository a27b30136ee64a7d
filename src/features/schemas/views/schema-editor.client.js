/* global document, Element */
// The schema editor in the browser: add, remove and reorder field rows, and keep the
// raw JSON view in sync both ways. It mirrors schemaFromDraft/draftFromSchema in schema-form.ts;
// without scripts the page falls back to the server-rendered rows and the server does the same.
// Plain DOM code on data-* hooks, not Alpine: the app's CSP forbids eval, which Alpine's standard
// build needs for its expressions.
(function () {
  var NUMERIC = { number: true, integer: true, year: true };

  function isRecord(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }
  function text(v) {
    if (v === undefined || v === null) return '';
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
  function splitList(v) {
    return String(v)
      .split(',')
      .map(function (s) {
        return s.trim();
      })
      .filter(function (s) {
        return s !== '';
      });
  }
  function parseExtra(v) {
    if (!v || String(v).trim() === '') return {};
    var parsed = JSON.parse(v);
    if (!isRecord(parsed)) throw new Error('hidden properties must be a JSON object');
    return parsed;
  }
  function bound(type, v) {
    var t = String(v).trim();
    if (NUMERIC[type] && t !== '' && isFinite(Number(t))) return Number(t);
    return t;
  }
  function enumValue(type, v) {
    if (NUMERIC[type] && isFinite(Number(v))) return Number(v);
    if (type === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
    return v;
  }
  function draftFromSchema(definition) {
    var rest = {};
    Object.keys(definition).forEach(function (k) {
      if (k !== 'fields') rest[k] = definition[k];
    });
    var list = Array.isArray(definition.fields) ? definition.fields.filter(isRecord) : [];
    return {
      extra: Object.keys(rest).length > 0 ? JSON.stringify(rest) : '',
      fields: list.map(function (field) {
        var c = isRecord(field.constraints) ? field.constraints : {};
        var others = {};
        Object.keys(field).forEach(function (k) {
          if (['name', 'type', 'constraints', 'aliases'].indexOf(k) < 0) others[k] = field[k];
        });
        var otherConstraints = {};
        Object.keys(c).forEach(function (k) {
          if (['required', 'unique', 'minimum', 'maximum', 'pattern', 'enum'].indexOf(k) < 0)
            otherConstraints[k] = c[k];
        });
        if (Object.keys(otherConstraints).length > 0) others.constraints = otherConstraints;
        var row = {};
        row.name = text(field.name);
        row.type = typeof field.type === 'string' ? field.type : 'string';
        row.required = c.required === true;
        row.unique = c.unique === true;
        row.minimum = text(c.minimum);
        row.maximum = text(c.maximum);
        row.pattern = text(c.pattern);
        row.enum = Array.isArray(c.enum) ? c.enum.map(String).join(', ') : '';
        row.aliases = Array.isArray(field.aliases) ? field.aliases.map(String).join(', ') : '';
        row.extra = Object.keys(others).length > 0 ? JSON.stringify(others) : '';
        return row;
      }),
    };
  }

  function schemaFromDraft(fields, extra) {
    var out = {
      fields: fields.map(function (f) {
        var ex = parseExtra(f.extra);
        var constraints = isRecord(ex.constraints) ? Object.assign({}, ex.constraints) : {};
        delete ex.constraints;
        if (f.required) constraints.required = true;
        if (f.unique) constraints.unique = true;
        if (String(f.minimum).trim() !== '') constraints.minimum = bound(f.type, f.minimum);
        if (String(f.maximum).trim() !== '') constraints.maximum = bound(f.type, f.maximum);
        if (f.pattern !== '') constraints.pattern = f.pattern;
        var allowed = splitList(f.enum);
        if (allowed.length > 0)
          constraints.enum = allowed.map(function (v) {
            return enumValue(f.type, v);
          });
        var field = Object.assign({ name: String(f.name).trim(), type: f.type }, ex);
        if (Object.keys(constraints).length > 0) field.constraints = constraints;
        var aliases = splitList(f.aliases);
        if (aliases.length > 0) field.aliases = aliases;
        return field;
      }),
    };
    return Object.assign(out, parseExtra(extra));
  }

  var PROPS = [
    'name',
    'type',
    'required',
    'unique',
    'minimum',
    'maximum',
    'pattern',
    'enum',
    'aliases',
    'extra',
  ];

  function readRow(row) {
    var out = {};
    PROPS.forEach(function (prop) {
      var el = row.querySelector('[data-prop="' + prop + '"]');
      if (!el) return;
      out[prop] = el.type === 'checkbox' ? el.checked : el.value;
    });
    return out;
  }

  function fillRow(row, field) {
    PROPS.forEach(function (prop) {
      var el = row.querySelector('[data-prop="' + prop + '"]');
      if (!el) return;
      if (el.type === 'checkbox') el.checked = !!field[prop];
      else el.value = field[prop] || (prop === 'type' ? 'string' : '');
    });
  }

  function enhance(form) {
    var list = form.querySelector('[data-field-list]');
    var template = form.querySelector('template[data-field-template]');
    var json = form.querySelector('[data-schema-json]');
    var extra = form.querySelector('[data-schema-extra]');
    var status = form.querySelector('[data-json-status]');
    if (!list || !template || !json || !extra) return;

    function rows() {
      return Array.prototype.slice.call(list.querySelectorAll('[data-field-row]'));
    }
    // Names and ids follow the row's position, so the server reads the fields in screen order.
    function renumber() {
      rows().forEach(function (row, i) {
        row.querySelector('[data-row-number]').textContent = String(i + 1);
        row.querySelectorAll('[data-prop]').forEach(function (el) {
          var prop = el.getAttribute('data-prop');
          el.name = 'f.' + i + '.' + prop;
          el.id = 'field-' + i + '-' + prop;
          var label = row.querySelector('[data-label-for="' + prop + '"]');
          if (label) label.htmlFor = el.id;
        });
        row.querySelectorAll('[data-move]').forEach(function (b) {
          var delta = Number(b.getAttribute('data-move'));
          b.disabled = (delta < 0 && i === 0) || (delta > 0 && i === rows().length - 1);
        });
        row.querySelectorAll('[data-row-action]').forEach(function (b) {
          b.setAttribute('aria-label', b.getAttribute('data-row-action') + ' field ' + (i + 1));
        });
      });
    }
    function say(message) {
      if (status) status.textContent = message;
    }
    function syncJson() {
      try {
        json.value = JSON.stringify(schemaFromDraft(rows().map(readRow), extra.value), null, 2);
        say('');
      } catch (e) {
        say('Hidden properties are not valid JSON: ' + e.message);
      }
    }
    function newRow(field) {
      var row = template.content.firstElementChild.cloneNode(true);
      showControls(row);
      if (field) fillRow(row, field);
      list.appendChild(row);
      return row;
    }
    function showControls(root) {
      root.querySelectorAll('[data-js-only]').forEach(function (el) {
        el.hidden = false;
      });
    }
    function readJson() {
      try {
        var parsed = JSON.parse(json.value);
        if (!isRecord(parsed)) throw new Error('the schema must be a JSON object');
        var draft = draftFromSchema(parsed);
        rows().forEach(function (row) {
          row.remove();
        });
        draft.fields.forEach(newRow);
        extra.value = draft.extra;
        renumber();
        say('');
      } catch (e) {
        say('Not valid JSON yet: ' + e.message);
      }
    }

    // The blank row is for adding a field without scripts; with them, "Add field" does it.
    rows().forEach(function (row) {
      if (row.hasAttribute('data-blank')) row.remove();
    });
    if (rows().length === 0) newRow(null);
    showControls(form);
    form.querySelectorAll('[data-nojs-only]').forEach(function (el) {
      el.hidden = true;
    });
    renumber();
    syncJson();

    list.addEventListener('input', syncJson);
    list.addEventListener('change', syncJson);
    json.addEventListener('input', readJson);
    list.addEventListener('click', function (event) {
      var button = event.target instanceof Element ? event.target.closest('button') : null;
      if (!button || !list.contains(button)) return;
      var row = button.closest('[data-field-row]');
      if (button.hasAttribute('data-remove')) {
        var next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        if (next) next.querySelector('[data-prop="name"]').focus();
      } else if (button.hasAttribute('data-move')) {
        if (Number(button.getAttribute('data-move')) < 0 && row.previousElementSibling)
          list.insertBefore(row, row.previousElementSibling);
        else if (Number(button.getAttribute('data-move')) > 0 && row.nextElementSibling)
          list.insertBefore(row.nextElementSibling, row);
        button.focus();
      } else return;
      renumber();
      syncJson();
    });
    form.querySelector('[data-add-field]').addEventListener('click', function () {
      var row = newRow(null);
      renumber();
      syncJson();
      row.querySelector('[data-prop="name"]').focus();
    });
  }

  function start() {
    document.querySelectorAll('form[data-schema-editor]').forEach(enhance);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
