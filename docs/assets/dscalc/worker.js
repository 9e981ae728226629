// Web Worker that owns Pyodide and the dscalc wheel, so Python never blocks the page.
// Messages in: {type: "init", pyodideBase, wheelUrl, packageName} once, then {type: "run", id, request}.
// Messages out: {type: "ready"} | {type: "failed", code} | {type: "result", id, answer}.

let respond = null;

async function checkWasm(pyodideBase) {
  // With a wrong MIME type loadPyodide stalls instead of failing: ask first, fail in words.
  let response;
  try {
    response = await fetch(pyodideBase + "pyodide.asm.wasm", { method: "HEAD" });
  } catch (_) {
    throw Object.assign(new Error("missing"), { code: "missing" });
  }
  if (!response.ok) throw Object.assign(new Error("missing"), { code: "missing" });
  const type = response.headers.get("content-type") || "";
  if (!type.startsWith("application/wasm")) throw Object.assign(new Error("mime"), { code: "mime" });
}

async function init({ pyodideBase, wheelUrl, packageName }) {
  try {
    await checkWasm(pyodideBase);
    const { loadPyodide } = await import(pyodideBase + "pyodide.mjs");
    const pyodide = await loadPyodide({ indexURL: pyodideBase });
    // By name when the site's pyodide-lock.json lists dscalc (Pyodide then checks its sha256),
    // else by the wheel's URL.
    await pyodide.loadPackage(packageName || wheelUrl, { messageCallback: () => {} });
    respond = pyodide.runPython("import dscalc.web\ndscalc.web.respond");
    self.postMessage({ type: "ready" });
  } catch (error) {
    self.postMessage({ type: "failed", code: error.code || "load", detail: String(error && error.message) });
  }
}

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "init") {
    init(message);
  } else if (message.type === "run") {
    // respond() never raises: it returns JSON text with either results or a field error.
    self.postMessage({ type: "result", id: message.id, answer: respond(JSON.stringify(message.request)) });
  }
};
