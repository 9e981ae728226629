// Starts Python (Pyodide in a Web Worker) from the <head> of a page with a calculator, while the
// page itself is still loading, so the runtime's boot overlaps the page's own work. dscalc.js
// adopts this worker when it runs. The build inlines this file into the <head> of pages with a
// calculator only (hooks/calculator_forms.py).
(() => {
  "use strict";
  const meta = document.querySelector('meta[name="dscalc-runtime"]');
  if (!meta || window.__dscalcEarly || !("Worker" in window)) return;
  const worker = new Worker(new URL(meta.dataset.worker, location.href), { type: "module" });
  const early = { worker, messages: [], errors: [] };
  worker.onmessage = (event) => early.messages.push(event);
  worker.onerror = (event) => {
    event.preventDefault();
    early.errors.push(event);
  };
  worker.postMessage({
    type: "init",
    pyodideBase: new URL(meta.dataset.pyodide, location.href).href,
    wheelUrl: new URL(meta.dataset.wheel, location.href).href,
    packageName: meta.dataset.package || null,
  });
  window.__dscalcEarly = early;
})();
