/*
 * Calculator forms: prerendered by the build, made live by Python (Pyodide) in a Web Worker.
 *
 * - Reading comes first: a page starts Python only when its reader comes for a calculator —
 *   a scenario in the URL or a link to a form, a calculator that is on screen, one that comes
 *   within a screen of the viewport once the reader scrolls, or a pointer or focus on a form.
 *   A reader who only reads downloads no Python. The worker lives in this script, which
 *   Material's instant navigation keeps across pages, so Python starts once per visit.
 * - Every result comes from dscalc.web.respond, the function the build used to prerender; this
 *   script knows no calculator.
 * - Bad input: the message (in the page's language) sits next to its field; the other outputs
 *   keep their last good values. A runtime that cannot load, stalls, or dies says so and keeps
 *   the numbers already shown.
 * - The form state lives in the query string, so a scenario can be shared by its URL (long
 *   inputs such as a pasted config stay out of it).
 */
(() => {
  "use strict";

  const BOOT_TIMEOUT_MS = 60000;   // give up on a runtime that has not booted by then
  const SLOW_AFTER_MS = 8000;      // say "still loading" after this long
  const CALL_TIMEOUT_MS = 15000;   // one calculation; the largest allowed inputs take < 1 s
  const TYPING_DEBOUNCE_MS = 120;  // text fields only: selects and checkboxes answer at once
  const MAX_URL_VALUE = 512;       // longer values (pasted configs, long lists) stay out of URLs
  let runtime = null;
  let katexLoading = null;
  // This script's folder (assets/dscalc/ under any sub-path), for files loaded on demand.
  const OWN_BASE = document.currentScript ? new URL(".", document.currentScript.src).href : null;

  // ------------------------------------------------------------------ the worker

  function startRuntime(form) {
    if (runtime) return runtime;
    // early.js (inlined after every form) owns the start, and may have started already: adopt it.
    const early = window.__dscalcEarly || window.__dscalcStarter.start(form);
    window.__dscalcEarly = null;
    const worker = early.worker;
    const pending = new Map();
    runtime = { worker, pending, nextId: 1, failure: null, dead: false, slow: false,
                startedAt: early.startedAt };
    const live = runtime;
    live.ready = new Promise((resolve, reject) => {
      const slowTimer = setTimeout(() => {
        live.slow = true;
        document.dispatchEvent(new CustomEvent("dscalc:slow"));
      }, window.DSCALC_SLOW_MS || SLOW_AFTER_MS);
      const timer = setTimeout(() => reject(new Error("timeout")), window.DSCALC_TIMEOUT_MS || BOOT_TIMEOUT_MS);
      const settle = () => { clearTimeout(timer); clearTimeout(slowTimer); };
      const onMessage = (event) => {
        const message = event.data;
        if (message.type === "ready") {
          settle();
          // For `make bench`: when the page asked for Python, and how long each step took.
          document.dispatchEvent(new CustomEvent("dscalc:ready", {
            detail: { startedAt: live.startedAt, readyAt: performance.now(), steps: message.timings },
          }));
          resolve();
        } else if (message.type === "failed") {
          settle();
          reject(new Error(message.code));
        } else if (message.type === "result") {
          const call = pending.get(message.id);
          pending.delete(message.id);
          if (call) call.resolve(message.answer);
        }
      };
      const onError = (event) => {
        settle();
        event.preventDefault();
        reject(new Error("missing"));
        killRuntime(live, "crashed");
      };
      worker.onmessage = onMessage;
      worker.onerror = onError;
      for (const event of early.messages) onMessage(event);
      for (const event of early.errors) onError(event);
    });
    live.ready.catch((error) => {
      live.failure = error.message;
    });
    return live;
  }

  function killRuntime(live, reason) {
    live.dead = true;
    live.failure = live.failure || reason;
    for (const call of live.pending.values()) call.reject(new Error(reason));
    live.pending.clear();
  }

  function callPython(request) {
    const live = runtime;
    return new Promise((resolve, reject) => {
      if (live.dead) {
        reject(new Error("crashed"));
        return;
      }
      const id = live.nextId++;
      const timer = setTimeout(() => {
        live.pending.delete(id);
        reject(new Error("call_timeout"));
      }, CALL_TIMEOUT_MS);
      live.pending.set(id, {
        resolve: (answer) => { clearTimeout(timer); resolve(answer); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
      live.worker.postMessage({ type: "run", id, request });
    });
  }

  // ------------------------------------------------------------------ a form

  function strings(form) {
    if (!form._strings) form._strings = JSON.parse(form.dataset.strings);
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

  function controlValue(control) {
    return control.type === "checkbox" ? (control.checked ? "true" : "false") : control.value;
  }

  function collectInputs(form) {
    const inputs = {};
    for (const control of controls(form)) inputs[control.name] = controlValue(control);
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
    if (control) {
      control.setAttribute("aria-invalid", "true");
      // The message sits under the field it is about, even inside a closed "more inputs" box.
      const details = control.closest("details");
      if (details) details.open = true;
    }
  }

  function showOutputs(form, answer) {
    for (const output of form.querySelectorAll("output[name]")) {
      const name = output.getAttribute("name");
      if (!(name in answer.raw)) continue;
      const text = answer.display[name];
      output.dataset.value = answer.raw[name];
      if (output.dataset.format === "url") {
        const row = output.closest(".dscalc-output");
        if (row) row.classList.toggle("dscalc-output--empty", !text || text === "—");
        if (/^https:\/\//.test(text)) {
          const link = document.createElement("a");
          link.href = text;
          link.textContent = text;
          output.replaceChildren(link);
          continue;
        }
      }
      if (output.textContent !== text) output.textContent = text;
    }
  }

  function showCharts(form, answer) {
    for (const slot of form.querySelectorAll("[data-chart]")) {
      const html = answer.charts[slot.dataset.chart];
      // SVG and table drawn by dscalc.charts from numbers, every text escaped there.
      if (html !== undefined && slot._html !== html) {
        slot.innerHTML = html;
        slot._html = html;
      }
    }
  }

  function showNotes(form, answer) {
    const list = form.querySelector("[data-notes]");
    if (!list) return;
    list.replaceChildren(...answer.notes.map((note) => {
      const item = document.createElement("li");
      item.textContent = note;
      return item;
    }));
    list.hidden = answer.notes.length === 0;
  }

  function showPlaceholders(form, answer) {
    for (const control of form.querySelectorAll("[data-placeholder-output]")) {
      const value = answer.outputs[control.dataset.placeholderOutput];
      control.placeholder = value === null || value === undefined ? "" : String(value);
    }
  }

  function showFormula(form, answer) {
    const lines = form.querySelector(".dscalc-formula-lines");
    if (!lines || !answer.formula) return;
    const existing = Array.from(lines.children);
    answer.formula.forEach((tex, index) => {
      let line = existing[index];
      if (!line) {
        line = document.createElement("div");
        line.className = "arithmatex";
        lines.append(line);
      }
      // Typesetting is the slow part of a recompute: only lines whose TeX changed are redone
      // (the build typeset the first ones and left their TeX in data-tex).
      if (line.dataset.tex === tex) return;
      line.dataset.tex = tex;
      delete line.dataset.typeset;
      line.textContent = `\\[${tex}\\]`;
    });
    for (const extra of existing.slice(answer.formula.length)) extra.remove();
    typeset(lines);
  }

  function showAnswer(form, answer) {
    showOutputs(form, answer);
    showNotes(form, answer);
    showPlaceholders(form, answer);
    showCharts(form, answer);
    showFormula(form, answer);
    form.dispatchEvent(new CustomEvent("dscalc:result", { detail: answer, bubbles: true }));
  }

  function failureText(text, reason) {
    if (reason === "crashed") return text.status_crashed;
    if (reason === "call_timeout") return `${text.status_error} ${text.error_call_timeout}`;
    const detail = { mime: text.error_mime, timeout: text.error_timeout, missing: text.error_missing,
                     integrity: text.error_integrity }[reason];
    return detail ? `${text.status_error} ${detail}` : text.status_error;
  }

  function countAnswer(form) {
    form.dataset.answers = String(Number(form.dataset.answers || 0) + 1);
  }

  async function compute(form) {
    if (!form.isConnected) return;
    const sequence = (form._sequence = (form._sequence || 0) + 1);
    const text = strings(form);
    const live = startRuntime(form);
    if (!live.failure && form.dataset.state !== "ready") {
      setState(form, "loading", live.slow ? text.status_slow : text.status_loading);
    }
    let answer;
    try {
      await live.ready;
      const inputs = collectInputs(form);
      answer = JSON.parse(await callPython({ id: form.dataset.calc, inputs, lang: form.dataset.lang }));
      if (answer.crashed) {
        killRuntime(live, "crashed");
        throw new Error("crashed");
      }
      answer._inputs = inputs;
    } catch (error) {
      if (sequence !== form._sequence || !form.isConnected) return;
      setState(form, "error", failureText(text, error.message));
      countAnswer(form);
      return;
    }
    if (sequence !== form._sequence || !form.isConnected) return; // a newer change, or a page change
    countAnswer(form);
    clearErrors(form);
    if (!answer.ok) {
      showError(form, answer.error);
      setState(form, "ready", text.status_invalid);
      return;
    }
    showAnswer(form, answer);
    setState(form, "ready", text.status_ready);
    writeUrlState(form, answer._inputs);
  }

  // ------------------------------------------------------------------ URL state

  function paramPrefix(form) {
    return `${form.dataset.instance}.`;
  }

  function writeUrlState(form, inputs) {
    // A form on a page the reader has left must not write into the new page's URL.
    if (!form.isConnected) return;
    const defaults = JSON.parse(form.dataset.defaults || "{}");
    const url = new URL(location.href);
    const prefix = paramPrefix(form);
    for (const key of Array.from(url.searchParams.keys())) {
      if (key.startsWith(prefix)) url.searchParams.delete(key);
    }
    for (const [name, value] of Object.entries(inputs)) {
      if (value.trim() === "" || value.length > MAX_URL_VALUE) continue;
      const fallback = defaults[name];
      if (fallback !== undefined && fallback !== null && String(fallback) === value) continue;
      url.searchParams.set(prefix + name, value);
    }
    history.replaceState(history.state, "", url);
    keepScenarioAcrossLanguages();
  }

  // The language switch leads to the same page in the other language; it carries the scenario
  // in the query string along (both languages name every input the same way).
  function keepScenarioAcrossLanguages() {
    for (const link of document.querySelectorAll("a.md-select__link[hreflang]")) {
      const target = new URL(link.href, location.href);
      target.search = location.search;
      link.href = target.href;
    }
  }

  function readUrlState(form) {
    const params = new URL(location.href).searchParams;
    const prefix = paramPrefix(form);
    let restored = false;
    for (const control of controls(form)) {
      const value = params.get(prefix + control.name);
      if (value === null) continue;
      // Values go into form controls as text: never parsed as HTML.
      if (control.type === "checkbox") {
        control.checked = value === "true";
      } else {
        if (control.tagName === "SELECT" && !Array.from(control.options).some((o) => o.value === value)) {
          const option = document.createElement("option");
          option.value = value;
          option.textContent = value;
          control.append(option);
        }
        control.value = value;
      }
      restored = true;
    }
    return restored;
  }

  // ------------------------------------------------------------------ binding

  function isTyping(target) {
    return (target.tagName === "INPUT" && target.type !== "checkbox") || target.tagName === "TEXTAREA";
  }

  function bind(form) {
    if (form.dataset.bound) return;
    form.dataset.bound = "true";
    let timer = null;
    const now = () => {
      clearTimeout(timer);
      compute(form);
    };
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(() => compute(form), TYPING_DEBOUNCE_MS);
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      now();
    });
    form.addEventListener("input", (event) => {
      linkPresetAndConfig(form, event.target);
      if (isTyping(event.target)) later();
    });
    form.addEventListener("change", (event) => {
      linkPresetAndConfig(form, event.target);
      if (!isTyping(event.target)) now();
    });
    // A hand or a keyboard on the form: the reader is about to use it.
    for (const intent of ["focusin", "pointerover", "pointerdown", "touchstart"]) {
      form.addEventListener(intent, () => startRuntime(form), { once: true, passive: true });
    }
    const copy = form.querySelector(".dscalc-copy-link");
    if (copy) copy.addEventListener("click", () => copyLink(form));
    document.addEventListener("dscalc:slow", () => {
      if (form.isConnected && form.dataset.state === "loading") setState(form, "loading", strings(form).status_slow);
    });
    // A scenario in the URL: the reader came for this calculator's answer. So did a reader who
    // typed before this script ran (a slow phone): their edit is answered, not lost.
    if (readUrlState(form) || editedBeforeBinding(form)) compute(form);
    else if (form.contains(document.activeElement)) startRuntime(form);
  }

  // Whether any control differs from the value the build rendered into it.
  function editedBeforeBinding(form) {
    return controls(form).some((control) => {
      if (control.type === "checkbox") return control.checked !== control.defaultChecked;
      if (control.tagName === "SELECT") {
        const option = control.options[control.selectedIndex];
        return Boolean(option) && !option.defaultSelected
          && Array.from(control.options).some((other) => other.defaultSelected);
      }
      return control.value !== control.defaultValue;
    });
  }

  // ------------------------------------------------------------------ when Python starts

  // How far below the viewport a calculator may be, once the reader scrolls, for Python to start:
  // one screen. Booting takes 2-4 s on a laptop and several times that on a phone; a reader
  // scrolling towards a form at reading speed needs longer than that to cross one screen.
  const APPROACH_MARGIN = "0px 0px 100% 0px";
  let approach = null;
  let watchScroll = null;

  function formTargetedBy(hash) {
    const starter = window.__dscalcStarter;  // defined by early.js, inlined after every form
    return starter ? starter.formTargetedBy(hash) : null;
  }

  function stopWatching() {
    if (approach) approach.disconnect();
    approach = null;
    if (watchScroll) removeEventListener("scroll", watchScroll);
    watchScroll = null;
  }

  function startWhenApproached(forms) {
    stopWatching();
    if (runtime || !forms.length || !("IntersectionObserver" in window)) return;
    const start = (entries, observer) => {
      const near = entries.find((entry) => entry.isIntersecting && entry.target.isConnected);
      if (!near) return;
      observer.disconnect();
      stopWatching();
      startRuntime(near.target);
    };
    // On screen at first paint: the reader sees the calculator; start once the page is idle.
    const onScreen = new IntersectionObserver((entries, observer) => {
      if (entries.some((entry) => entry.isIntersecting)) whenIdle(() => start(entries, observer));
      else observer.disconnect();
    });
    for (const form of forms) onScreen.observe(form);
    // Within a screen of the viewport, but only once the reader scrolls down: a reader who stays
    // on the first screen never downloads Python (a page change that scrolls to the top is no
    // reader's scroll).
    watchScroll = () => {
      if (runtime || window.scrollY <= 0) return;
      removeEventListener("scroll", watchScroll);
      watchScroll = null;
      approach = new IntersectionObserver(start, { rootMargin: APPROACH_MARGIN });
      for (const form of forms) approach.observe(form);
    };
    addEventListener("scroll", watchScroll, { passive: true });
  }

  function whenIdle(callback) {
    if ("requestIdleCallback" in window) {
      window.requestIdleCallback(callback, { timeout: 2000 });
    } else {
      setTimeout(callback, 200);
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

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
  }

  // KaTeX, and mathml_core.js beside this script: the build passes every formula through the same
  // function (tools/katex_render.mjs), so a recomputed formula reads as the prerendered one did.
  function loadKatex() {
    if (window.katex && window.dscalcMathCore) return Promise.resolve(window.katex);
    if (katexLoading) return katexLoading;
    const base = katexBase();
    if (!base || !OWN_BASE) return Promise.reject(new Error("no katex"));
    katexLoading = Promise.all([
      window.katex ? null : loadScript(base + "katex.min.js"),
      window.dscalcMathCore ? null : loadScript(OWN_BASE + "mathml_core.js"),
    ]).then(() => window.katex);
    return katexLoading;
  }

  function typeset(root) {
    const targets = Array.from(root.querySelectorAll(".arithmatex:not([data-typeset])"));
    if (!targets.length) return;
    loadKatex().then((katex) => {
      for (const element of targets) {
        if (element.dataset.typeset) continue;
        const source = element.textContent.trim();
        const display = source.startsWith("\\[");
        const tex = source.replace(/^\\[[(]/, "").replace(/\\[\])]$/, "");
        const mathml = katex.renderToString(tex, { displayMode: display, throwOnError: false, output: "mathml" });
        element.innerHTML = window.dscalcMathCore.toMathCore(mathml);
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
    // So must a wide table that scrolls sideways inside Material's wrapper (only those that do:
    // a tab stop on every table would make keyboard readers step through the page twice).
    keyboardScrollableTables();
    const forms = Array.from(document.querySelectorAll("form.dscalc"));
    for (const form of forms) bind(form);
    keepScenarioAcrossLanguages();
    // A link to a calculator (a table of contents entry, a shared link with #anchor).
    const targeted = formTargetedBy(location.hash);
    if (targeted || (window.__dscalcEarly && forms.length)) startRuntime(targeted || forms[0]);
    else startWhenApproached(forms);
    typeset(document.body);
  }

  function keyboardScrollableTables(root = document) {
    // Every width is read before any tab stop is written: a write between two reads would make
    // the browser lay the page out again for each table. Tables inside content the browser skips
    // (content-visibility: auto, off screen; a closed <details>) are left until it renders them:
    // reading their width now would lay each of them out, one forced layout per table.
    const wide = Array.from(root.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])"))
      .filter((wrap) => !skippedByTheBrowser(wrap) && wrap.scrollWidth > wrap.clientWidth + 1);
    for (const wrap of wide) wrap.tabIndex = 0;
  }
  function skippedByTheBrowser(element) {
    return typeof element.checkVisibility === "function"
      && !element.checkVisibility({ contentVisibilityAuto: true });
  }
  document.addEventListener("contentvisibilityautostatechange", (event) => {
    if (!event.skipped) keyboardScrollableTables(event.target);
  }, true);
  document.addEventListener("toggle", (event) => {
    if (event.target.open) keyboardScrollableTables(event.target);
  }, true);
  let resizeTimer = null;
  addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(keyboardScrollableTables, 200);
  });

  // In-page links to a calculator start Python as the browser scrolls there.
  addEventListener("hashchange", () => {
    const targeted = formTargetedBy(location.hash);
    if (targeted) startRuntime(targeted);
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
