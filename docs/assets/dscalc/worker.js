// Web Worker that owns Pyodide and the dscalc wheel, so Python never blocks the page.
// Messages in: {type: "init", pyodideBase, wheelUrl, wheelSha256, warm, lang} once, then
// {type: "run", id, request}.
// Messages out: {type: "ready", timings} | {type: "failed", code} | {type: "result", id, answer}.

let respond = null;
let broken = null;

async function checkWasm(pyodideBase) {
  // With a wrong MIME type loadPyodide stalls instead of failing: look first, fail in words.
  // HEAD costs nothing; a host that refuses HEAD (405/501) gets a GET abandoned after the headers.
  const url = pyodideBase + "pyodide.asm.wasm";
  let response;
  try {
    response = await fetch(url, { method: "HEAD" });
    if (response.status === 405 || response.status === 501) {
      const controller = new AbortController();
      response = await fetch(url, { signal: controller.signal });
      controller.abort();
    }
  } catch (_) {
    throw Object.assign(new Error("missing"), { code: "missing" });
  }
  if (!response.ok) throw Object.assign(new Error("missing"), { code: "missing" });
  const type = response.headers.get("content-type") || "";
  if (!type.startsWith("application/wasm")) throw Object.assign(new Error("mime"), { code: "mime" });
}

async function fetchWheel(url, sha256) {
  // The wheel is unpacked as it is, so it is checked first: the sha256 the page names.
  const response = await fetch(url);
  if (!response.ok) throw Object.assign(new Error("missing"), { code: "missing" });
  const bytes = new Uint8Array(await response.arrayBuffer());
  // crypto.subtle exists only in secure contexts: a site served over plain http to another
  // machine (a phone on the LAN) is trusted as it is, as a browser trusts any plain-http script.
  if (!self.crypto || !crypto.subtle) return bytes;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  if (hex !== sha256) throw Object.assign(new Error("integrity"), { code: "integrity" });
  return bytes;
}

async function init({ pyodideBase, wheelUrl, wheelSha256, warm, lang }) {
  // Milliseconds since the worker started, per step: read by `make bench`, shown nowhere.
  const timings = {};
  const mark = (name) => { timings[name] = Math.round(performance.now()); };
  try {
    // The check, the wheel and Pyodide's own files all start at once: the check settles long
    // before the boot, and a failed check ends the wait (a wrong MIME type stalls the boot).
    const checked = checkWasm(pyodideBase);
    // The wheel downloads (and is checked) while Pyodide boots.
    const wheel = fetchWheel(wheelUrl, wheelSha256);
    wheel.catch(() => {});
    const booting = import(pyodideBase + "pyodide.mjs")
      .then(({ loadPyodide }) => loadPyodide({ indexURL: pyodideBase }));
    booting.catch(() => {});
    await checked;
    const pyodide = await booting;
    mark("pyodide");
    // Unpacked straight into site-packages: the wheel is pure Python with no dependencies, so
    // loadPackage's resolver and second fetch would only add time (~0.1 s).
    const sitePackages = pyodide.runPython("import site\nsite.getsitepackages()[0]");
    pyodide.unpackArchive(await wheel, "wheel", { extractDir: sitePackages });
    mark("wheel");
    respond = pyodide.runPython("import dscalc.web\ndscalc.web.respond");
    mark("import");
    // The page's calculator answers once with its defaults, unseen: its module, its data and
    // its code paths are then warm for the reader's first edit.
    if (warm) answerFor({ id: warm, inputs: {}, lang: lang || "en" });
    mark("warm");
    self.postMessage({ type: "ready", timings });
  } catch (error) {
    self.postMessage({ type: "failed", code: error.code || "load", detail: String(error && error.message) });
  }
}

function answerFor(request) {
  if (broken) return broken;
  try {
    // respond() never raises for bad input; this catches the runtime itself failing.
    return respond(JSON.stringify(request));
  } catch (error) {
    // After a fatal error Pyodide cannot be used again: every later call gets the same answer,
    // and the page says so in its own language.
    broken = JSON.stringify({ ok: false, crashed: true });
    return broken;
  }
}

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "init") {
    init(message);
  } else if (message.type === "run") {
    self.postMessage({ type: "result", id: message.id, answer: answerFor(message.request) });
  }
};
