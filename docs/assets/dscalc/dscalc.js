/*
 * Calculator forms: prerendered by the build, made live by Python (Pyodide) in a Web Worker.
 *
 * - Pyodide starts lazily, when a calculator scrolls into view or is touched, once per visit:
 *   the worker lives in this script, which Material's instant navigation keeps across pages.
 * - Every result comes from dscalc.web.respond, the function the build used to prerender.
 * - Bad input: the message (in the page's language) sits next to its field; the other outputs
 *   keep their last good values. A runtime that cannot load says so and keeps the prerender.
 * - The form state lives in the query string, so a scenario can be shared by its URL.
 */
(() => {
  "use strict";

  const SCRIPT_URL = document.currentScript ? document.currentScript.src : location.href;
  const DEFAULT_TIMEOUT_MS = 120000;
  let runtime = null;
  let katexLoading = null;

  // ------------------------------------------------------------------ the worker

  function startRuntime(form) {
    if (runtime) return runtime;
    const pyodideBase = new URL(form.dataset.pyodide, location.href).href;
    const wheelUrl = new URL(form.dataset.wheel, location.href).href;
    const worker = new Worker(new URL("worker.js", SCRIPT_URL), { type: "module" });
    const pending = new Map();
    runtime = { worker, pending, nextId: 1, failure: null };
    runtime.ready = new Promise((resolve, reject) => {
      const timeoutMs = window.DSCALC_TIMEOUT_MS || DEFAULT_TIMEOUT_MS;
      const timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
      worker.onmessage = (event) => {
        const message = event.data;
        if (message.type === "ready") {
          clearTimeout(timer);
          resolve();
        } else if (message.type === "failed") {
          clearTimeout(timer);
          reject(new Error(message.code));
        } else if (message.type === "result") {
          const settle = pending.get(message.id);
          pending.delete(message.id);
          if (settle) settle(message.answer);
        }
      };
      worker.onerror = (event) => {
        clearTimeout(timer);
        event.preventDefault();
        reject(new Error("missing"));
      };
    });
    runtime.ready.catch((error) => {
      runtime.failure = error.message;
    });
    worker.postMessage({ type: "init", pyodideBase, wheelUrl, packageName: form.dataset.package || null });
    return runtime;
  }

  function callPython(request) {
    return new Promise((resolve) => {
      const id = runtime.nextId++;
      runtime.pending.set(id, resolve);
      runtime.worker.postMessage({ type: "run", id, request });
    });
  }

  // ------------------------------------------------------------------ a form

  function strings(form) {
    if (!form._strings) {
      form._strings = JSON.parse(form.dataset.strings);
    }
    return form._strings;
  }

  function setState(form, state, text) {
    form.dataset.state = state;
    const status = form.querySelector(".dscalc-status");
    if (status && text) status.textContent = text;
  }

  function controls(form) {
    return Array.from(form.querySelectorAll("input[name], select[name], textarea[name]"));
  }

  function collectInputs(form) {
    const inputs = {};
    for (const control of controls(form)) inputs[control.name] = control.value;
    return inputs;
  }

  function clearErrors(form) {
    for (const element of form.querySelectorAll("[data-error-for]")) element.textContent = "";
    for (const control of controls(form)) control.removeAttribute("aria-invalid");
  }

  function showError(form, error) {
    const field = error.field || "";
    let slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    if (!slot) slot = form.querySelector('[data-error-for=""]');
    slot.textContent = error.message;
    const control = field ? form.querySelector(`[name="${CSS.escape(field)}"]`) : null;
    if (control) control.setAttribute("aria-invalid", "true");
  }

  function showAnswer(form, answer) {
    for (const output of form.querySelectorAll("output[name]")) {
      const name = output.getAttribute("name");
      if (!(name in answer.raw)) continue;
      const text = answer.display[name];
      if (output.dataset.format === "svg") {
        // SVG drawn by dscalc.charts from numbers, every label escaped there.
        output.innerHTML = text;
        continue;
      }
      output.dataset.value = answer.raw[name];
      if (output.dataset.format === "url" && /^https:\/\//.test(text)) {
        const link = document.createElement("a");
        link.href = text;
        link.textContent = text;
        output.replaceChildren(link);
      } else {
        output.textContent = text;
      }
    }
    const lines = form.querySelector(".dscalc-formula-lines");
    if (lines && answer.formula) {
      lines.replaceChildren(...answer.formula.map((tex) => {
        const line = document.createElement("div");
        line.className = "arithmatex";
        line.textContent = `\\[${tex}\\]`;
        return line;
      }));
      typeset(lines);
    }
    form.dispatchEvent(new CustomEvent("dscalc:result", { detail: answer, bubbles: true }));
  }

  async function compute(form) {
    const sequence = (form._sequence = (form._sequence || 0) + 1);
    const text = strings(form);
    const live = startRuntime(form);
    if (!live.failure && form.dataset.state !== "ready") setState(form, "loading", text.status_loading);
    try {
      await live.ready;
    } catch (error) {
      const reason = { mime: text.error_mime, timeout: text.error_timeout, missing: text.error_missing }[error.message];
      setState(form, "error", reason ? `${text.status_error} ${reason}` : text.status_error);
      form.dataset.answers = String(Number(form.dataset.answers || 0) + 1);
      return;
    }
    const inputs = collectInputs(form);
    const answer = JSON.parse(await callPython({ id: form.dataset.calc, inputs, lang: form.dataset.lang }));
    if (sequence !== form._sequence) return; // a newer change is on its way
    form.dataset.answers = String(Number(form.dataset.answers || 0) + 1);
    clearErrors(form);
    if (!answer.ok) {
      showError(form, answer.error);
      setState(form, "ready", text.status_invalid);
      return;
    }
    showAnswer(form, answer);
    setState(form, "ready", text.status_ready);
    writeUrlState(form, inputs);
  }

  // ------------------------------------------------------------------ URL state

  function paramPrefix(form) {
    return `${form.dataset.instance}.`;
  }

  function writeUrlState(form, inputs) {
    const defaults = JSON.parse(form.dataset.defaults || "{}");
    const url = new URL(location.href);
    const prefix = paramPrefix(form);
    for (const key of Array.from(url.searchParams.keys())) {
      if (key.startsWith(prefix)) url.searchParams.delete(key);
    }
    for (const [name, value] of Object.entries(inputs)) {
      if (value.trim() === "") continue;
      const fallback = defaults[name];
      if (fallback !== undefined && fallback !== null && String(fallback) === value) continue;
      url.searchParams.set(prefix + name, value);
    }
    history.replaceState(history.state, "", url);
  }

  function readUrlState(form) {
    const params = new URL(location.href).searchParams;
    const prefix = paramPrefix(form);
    let restored = false;
    for (const control of controls(form)) {
      const value = params.get(prefix + control.name);
      if (value === null) continue;
      // Values go into form controls as text: never parsed as HTML.
      if (control.tagName === "SELECT" && !Array.from(control.options).some((o) => o.value === value)) {
        const option = document.createElement("option");
        option.value = value;
        option.textContent = value;
        control.append(option);
      }
      control.value = value;
      restored = true;
    }
    return restored;
  }

  // ------------------------------------------------------------------ binding

  let observer = null;

  function bind(form) {
    if (form.dataset.bound) return;
    form.dataset.bound = "true";
    let timer = null;
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => compute(form), 120);
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      compute(form);
    });
    form.addEventListener("input", (event) => {
      linkPresetAndConfig(form, event.target);
      schedule();
    });
    form.addEventListener("change", (event) => {
      linkPresetAndConfig(form, event.target);
      schedule();
    });
    form.addEventListener("focusin", () => startRuntime(form), { once: true });
    const copy = form.querySelector(".dscalc-copy-link");
    if (copy) copy.addEventListener("click", () => copyLink(form));
    if (readUrlState(form)) {
      compute(form);
    } else if ("IntersectionObserver" in window) {
      if (!observer) {
        observer = new IntersectionObserver((entries) => {
          for (const entry of entries) {
            if (entry.isIntersecting) {
              observer.unobserve(entry.target);
              startRuntime(entry.target);
            }
          }
        });
      }
      observer.observe(form);
    }
  }

  // A pasted config.json wins over the preset, so keep the two controls honest with each other.
  function linkPresetAndConfig(form, target) {
    const preset = form.querySelector('select[name="model"]');
    const config = form.querySelector('textarea[name="config"]');
    if (!preset || !config) return;
    if (target === config && config.value.trim() && preset.querySelector('option[value="custom"]')) {
      preset.value = "custom";
    } else if (target === preset && preset.value !== "custom") {
      config.value = "";
    }
  }

  async function copyLink(form) {
    const text = strings(form);
    try {
      await navigator.clipboard.writeText(location.href);
      setState(form, form.dataset.state, text.copied);
    } catch (_) {
      window.prompt(text.copy_link, location.href);
    }
  }

  // ------------------------------------------------------------------ KaTeX (self-hosted, on demand)

  function katexBase() {
    const meta = document.querySelector('meta[name="dscalc-katex"]');
    return meta ? new URL(meta.getAttribute("content"), location.href).href : null;
  }

  function loadKatex() {
    if (window.katex) return Promise.resolve(window.katex);
    if (katexLoading) return katexLoading;
    const base = katexBase();
    if (!base) return Promise.reject(new Error("no katex"));
    katexLoading = new Promise((resolve, reject) => {
      const style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = base + "katex.min.css";
      document.head.append(style);
      const script = document.createElement("script");
      script.src = base + "katex.min.js";
      script.onload = () => resolve(window.katex);
      script.onerror = reject;
      document.head.append(script);
    });
    return katexLoading;
  }

  function typeset(root) {
    const targets = Array.from(root.querySelectorAll(".arithmatex"));
    if (root.classList && root.classList.contains("arithmatex")) targets.push(root);
    if (!targets.length) return;
    loadKatex().then((katex) => {
      for (const element of targets) {
        if (element.dataset.typeset) continue;
        const source = element.textContent.trim();
        const display = source.startsWith("\\[");
        const tex = source.replace(/^\\[[(]/, "").replace(/\\[\])]$/, "");
        katex.render(tex, element, { displayMode: display, throwOnError: false, output: "htmlAndMathml" });
        element.dataset.typeset = "true";
        // A wide formula scrolls sideways; keyboard users must be able to scroll it too.
        if (display) element.tabIndex = 0;
      }
    }, () => {});
  }

  // ------------------------------------------------------------------ page life cycle

  function onPage() {
    const search = document.querySelector(".md-search[role=dialog]");
    if (search && !search.hasAttribute("aria-label")) {
      const input = search.querySelector("input[aria-label]");
      search.setAttribute("aria-label", input ? input.getAttribute("aria-label") : "Search");
    }
    // Scrollable notebook code must be reachable by keyboard (axe: scrollable-region-focusable).
    for (const region of document.querySelectorAll(".highlight-ipynb, .jp-OutputArea-output pre")) {
      if (!region.hasAttribute("tabindex")) region.tabIndex = 0;
    }
    for (const form of document.querySelectorAll("form.dscalc")) bind(form);
    typeset(document.body);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
