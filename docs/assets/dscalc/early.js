// Inlined right after each calculator form (hooks/calculator_forms.py). A form that is on screen
// when the page first paints is one the reader is looking at, so Python starts then, while the
// rest of the page loads, instead of after it; forms below the first screen (every form on a
// phone) are left to dscalc.js, which starts Python only as the reader comes near one. dscalc.js
// adopts this worker when it runs.
(() => {
  "use strict";
  const form = document.currentScript && document.currentScript.previousElementSibling;
  const root = document.documentElement;
  if (!form || !form.matches("form.dscalc") || root.dataset.dscalcRuntime
      || !("IntersectionObserver" in window) || !("Worker" in window)) return;
  const observer = new IntersectionObserver((entries) => {
    observer.disconnect();
    if (!entries.some((entry) => entry.isIntersecting) || root.dataset.dscalcRuntime) return;
    const startedAt = performance.now();
    const worker = new Worker(new URL(form.dataset.worker, location.href), { type: "module" });
    const early = { worker, startedAt, messages: [], errors: [] };
    worker.onmessage = (event) => early.messages.push(event);
    worker.onerror = (event) => {
      event.preventDefault();
      early.errors.push(event);
    };
    worker.postMessage({
      type: "init",
      pyodideBase: new URL(form.dataset.pyodide, location.href).href,
      wheelUrl: new URL(form.dataset.wheel, location.href).href,
      packageName: form.dataset.package || null,
      warm: form.dataset.calc,
      lang: form.dataset.lang,
    });
    window.__dscalcEarly = early;
    root.dataset.dscalcRuntime = "started";
  });
  observer.observe(form);
})();
