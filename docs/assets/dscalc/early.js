// Inlined right after each calculator form (hooks/calculator_forms.py; allowed by its CSP hash).
// It owns the start of Python, so that a reader who is already at a calculator does not wait for
// the rest of the page and for dscalc.js: the worker starts here when the form is on screen at
// first paint, when the URL links to it, or when the reader focuses, presses or touches it.
// Forms below the first screen (every form on a phone) are left to dscalc.js, which starts Python
// as the reader comes near one, through the same `start`, and adopts the worker started here.
(() => {
  "use strict";
  const root = document.documentElement;
  const starter = window.__dscalcStarter || (window.__dscalcStarter = {
    // Starts the worker (once per visit: callers check root.dataset.dscalcRuntime first).
    start(form) {
      const early = { startedAt: performance.now(), messages: [], errors: [] };
      early.worker = new Worker(new URL(form.dataset.worker, location.href), { type: "module" });
      early.worker.onmessage = (event) => early.messages.push(event);
      early.worker.onerror = (event) => {
        event.preventDefault();
        early.errors.push(event);
      };
      early.worker.postMessage({
        type: "init",
        pyodideBase: new URL(form.dataset.pyodide, location.href).href,
        wheelUrl: new URL(form.dataset.wheel, location.href).href,
        wheelSha256: form.dataset.wheelSha256,
        // Restoring Python's memory instead of booting it saves its start-up, the import and the
        // warm-up (~0.5 s on a desktop, about four times that on a phone) for ~6 MB more download:
        // a win on a fast link, a loss on a slow one (README, "Speed").
        snapshotUrl: starter.slowLink() ? null : new URL(form.dataset.snapshot, location.href).href,
        snapshotSha256: form.dataset.snapshotSha256,
        // The page's own calculator is imported during the boot, so the first answer is quick.
        warm: form.dataset.calc,
        lang: form.dataset.lang,
      });
      window.__dscalcEarly = early;
      root.dataset.dscalcRuntime = "started";
      return early;
    },
    // True where the browser says the link is slow or the reader asked to save data (Network
    // Information API; where a browser does not say, the link is taken as not slow).
    slowLink() {
      const link = navigator.connection;
      return Boolean(link && (link.saveData || /^(slow-2g|2g|3g)$/.test(link.effectiveType || "")));
    },
    // The form a link (#id) points at: the form itself, something inside it, or the heading that
    // introduces it (the form follows the heading before the next heading).
    formTargetedBy(hash) {
      if (!hash || hash.length < 2) return null;
      let target = null;
      try {
        target = document.getElementById(decodeURIComponent(hash.slice(1)));
      } catch (_) {
        return null;
      }
      if (!target) return null;
      const inside = target.closest("form.dscalc");
      if (inside) return inside;
      for (let node = target.nextElementSibling; node && !/^H[1-3]$/.test(node.tagName);
           node = node.nextElementSibling) {
        if (node.matches("form.dscalc")) return node;
        const nested = node.querySelector && node.querySelector("form.dscalc");
        if (nested) return nested;
      }
      return null;
    },
  });

  const form = document.currentScript && document.currentScript.previousElementSibling;
  if (!form || !form.matches("form.dscalc") || root.dataset.dscalcRuntime || !("Worker" in window)) return;
  const start = () => {
    if (!root.dataset.dscalcRuntime) starter.start(form);
  };
  if (starter.formTargetedBy(location.hash) === form) {
    start();
    return;
  }
  for (const intent of ["focusin", "pointerdown", "touchstart"]) {
    form.addEventListener(intent, start, { once: true, passive: true });
  }
  if (!("IntersectionObserver" in window)) return;
  const observer = new IntersectionObserver((entries) => {
    observer.disconnect();
    if (entries.some((entry) => entry.isIntersecting)) start();
  });
  observer.observe(form);
})();
