/* global window, document, navigator, Event, XMLHttpRequest, FormData, HTMLFormElement */
// Intake's small client script (no build step, served hashed). Progressive enhancement only:
// every page works without it. Behaviours hang on data-* attributes, because the CSP forbids
// inline scripts and eval.
(function () {
  'use strict';
  var htmx = window.htmx;
  if (htmx) {
    // Show 4xx/5xx responses (the server sends an alert fragment) instead of dropping them.
    htmx.config.responseHandling = [
      { code: '204', swap: false },
      { code: '[23]..', swap: true },
      { code: '[45]..', swap: true, error: true },
    ];
  }

  // A confirmation before destructive submits: <form data-confirm="Delete this upload?">.
  document.addEventListener(
    'submit',
    function (event) {
      var form = event.target;
      if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );
  document.addEventListener('htmx:confirm', function (event) {
    var el = event.target;
    var form = el instanceof HTMLFormElement ? el : el.closest && el.closest('form');
    if (form && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  // Alpine components. Alpine is the CSP build (no eval): components are registered here and
  // templates only name their properties and methods. This file loads before Alpine starts.
  document.addEventListener('alpine:init', function () {
    // A secret shown once: <section x-data="copyable"><code x-ref="value">…</code>
    // <button x-on:click="copy" x-text="label">Copy</button></section>.
    window.Alpine.data('copyable', function () {
      return {
        label: 'Copy',
        copy: function () {
          if (!navigator.clipboard) return;
          navigator.clipboard.writeText(this.$refs.value.textContent.trim()).then(
            function () {
              this.label = 'Copied';
            }.bind(this),
          );
        },
      };
    });
  });

  // Upload: a real progress bar with XHR, drag-and-drop onto the drop zone.
  function enhanceUpload(form) {
    var input = form.querySelector('input[type=file]');
    var zone = form.querySelector('[data-dropzone]');
    var bar = form.querySelector('progress[data-upload-progress]');
    var status = form.querySelector('[data-upload-status]');
    if (zone && input) {
      ['dragenter', 'dragover'].forEach(function (name) {
        zone.addEventListener(name, function (e) {
          e.preventDefault();
          zone.classList.add('ring-2', 'ring-indigo-600');
        });
      });
      ['dragleave', 'drop'].forEach(function (name) {
        zone.addEventListener(name, function (e) {
          e.preventDefault();
          zone.classList.remove('ring-2', 'ring-indigo-600');
        });
      });
      zone.addEventListener('drop', function (e) {
        if (e.dataTransfer && e.dataTransfer.files.length) {
          input.files = e.dataTransfer.files;
          input.dispatchEvent(new Event('change', { bubbles: true }));
        }
      });
    }
    if (input) {
      input.addEventListener('change', function () {
        var name = form.querySelector('[data-file-name]');
        if (name) name.textContent = input.files && input.files[0] ? input.files[0].name : '';
      });
    }
    form.addEventListener('submit', function (event) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'text/html');
      xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
      var token = document.body.getAttribute('hx-headers');
      try {
        xhr.setRequestHeader('X-CSRF-Token', JSON.parse(token)['X-CSRF-Token']);
      } catch {
        /* form token in URL */
      }
      if (bar) {
        bar.hidden = false;
        bar.value = 0;
      }
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable && bar) bar.value = Math.round((e.loaded / e.total) * 100);
        if (status)
          status.textContent =
            'Uploading… ' + (e.lengthComputable ? Math.round((e.loaded / e.total) * 100) + '%' : '');
      });
      xhr.addEventListener('load', function () {
        if (xhr.status >= 200 && xhr.status < 400 && xhr.responseURL) {
          window.location.assign(xhr.getResponseHeader('X-Location') || xhr.responseURL);
        } else {
          if (status) status.textContent = '';
          var flash = document.getElementById('flash');
          if (flash) flash.innerHTML = xhr.responseText.indexOf('<html') >= 0 ? '' : xhr.responseText;
          if (flash && !flash.innerHTML) flash.textContent = 'The upload failed (' + xhr.status + ').';
        }
      });
      xhr.addEventListener('error', function () {
        if (status) status.textContent = 'The upload failed: network error.';
      });
      if (status) status.textContent = 'Uploading…';
      xhr.send(new FormData(form));
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form[data-upload-form]').forEach(enhanceUpload);
  });
})();
