// Web Worker that owns Pyodide and the dscalc wheel, so Python never blocks the page.
// Messages in: {type: "init", pyodideBase, wheelUrl, wheelSha256, snapshotUrl, snapshotSha256,
// warm, lang} once (snapshotUrl null: boot without the snapshot), then {type: "run", id, request}.
// Messages out: {type: "ready", timings} | {type: "failed", code} | {type: "result", id, answer}.

let respond = null;
let broken = null;
// A restored Python's wheel, unpacked after the first answer (or after this long without one).
let unpackLater = null;
const UNPACK_IDLE_MS = 1000;

function unpackNow() {
  const later = unpackLater;
  unpackLater = null;
  try {
    if (later) later();
  } catch (_) {
    // The files are a fallback for reads the snapshot did not make: answers go on without them.
  }
}

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

async function hasDigest(bytes, sha256) {
  // crypto.subtle exists only in secure contexts: a site served over plain http to another
  // machine (a phone on the LAN) is trusted as it is, as a browser trusts any plain-http script.
  if (!self.crypto || !crypto.subtle) return true;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("") === sha256;
}

async function fetchWheel(url, sha256) {
  // The wheel is unpacked as it is, so it is checked first: the sha256 the page names.
  const response = await fetch(url);
  if (!response.ok) throw Object.assign(new Error("missing"), { code: "missing" });
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!(await hasDigest(bytes, sha256))) throw Object.assign(new Error("integrity"), { code: "integrity" });
  return bytes;
}

// tools/precompile_python.mjs writes the snapshot without its zero pages (un-gzipping them was
// most of the restore's time): "DSCS" | u32 length | u32 page size | a byte per page | the pages.
const SNAPSHOT_MAGIC = 0x53435344; // "DSCS", little-endian

function snapshotLength(head) {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.byteLength < 12 || view.getUint32(0, true) !== SNAPSHOT_MAGIC) throw new Error("snapshot format");
  return view.getUint32(4, true);
}

function placePages(stored, snapshot) {
  // Writes the stored pages into `snapshot` (zeros elsewhere, as it was allocated).
  const pageBytes = new DataView(stored.buffer, stored.byteOffset + 8, 4).getUint32(0, true);
  const pages = Math.ceil(snapshot.length / pageBytes);
  let at = 12 + pages;
  for (let page = 0; page < pages; page++) {
    if (!stored[12 + page]) continue;
    const start = page * pageBytes;
    const size = Math.min(pageBytes, snapshot.length - start);
    snapshot.set(stored.subarray(at, at + size), start);
    at += size;
  }
  if (at !== stored.byteLength) throw new Error("snapshot format");
}

async function concatenated(chunks) {
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

function fetchSnapshot(url, sha256) {
  // {sized, filled}: `sized` resolves, as soon as the download begins, with an all-zero array of
  // the snapshot's length; `filled` once Python's memory is in it — only after the downloaded
  // bytes match the sha256 the page names. A snapshot that fails stays all zeros, which Pyodide
  // refuses (its magic number); the worker then boots Python as it would without one.
  let sized;
  const sizedPromise = new Promise((resolve, reject) => { sized = { resolve, reject }; });
  const filled = (async () => {
    try {
      const response = await fetch(url);
      if (!response.ok || !response.body) throw new Error("snapshot missing");
      const [packed, unpacking] = response.body.tee();
      const packedBytes = new Response(packed).arrayBuffer();
      packedBytes.catch(() => {});
      const reader = unpacking.pipeThrough(new DecompressionStream("gzip")).getReader();
      const chunks = [];
      let received = 0;
      let snapshot = null;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        if (!snapshot && received >= 12) {
          snapshot = new Uint8Array(snapshotLength(await concatenated(chunks)));
          sized.resolve(snapshot);
        }
      }
      if (!snapshot) throw new Error("snapshot format");
      if (!(await hasDigest(new Uint8Array(await packedBytes), sha256))) throw new Error("snapshot checksum");
      placePages(await concatenated(chunks), snapshot);
    } catch (error) {
      sized.reject(error);
      throw error;
    }
  })();
  filled.catch(() => {});
  sizedPromise.catch(() => {});
  return { sized: sizedPromise, filled };
}

function holdInstantiationUntil(filled) {
  // Pyodide compiles its WebAssembly only once it holds the snapshot, and copies the snapshot in
  // as soon as it is instantiated. Handed the empty, sized array at once, it compiles while the
  // memory downloads; its instantiation is held here until the memory is in place. Returns the
  // function that undoes this (Pyodide instantiates once; a boot without snapshot is not held).
  const instantiate = WebAssembly.instantiateStreaming;
  const release = () => { WebAssembly.instantiateStreaming = instantiate; };
  WebAssembly.instantiateStreaming = async (...args) => {
    release();
    const result = await instantiate.apply(WebAssembly, args);
    await filled.catch(() => {});
    return result;
  };
  return release;
}

async function bootPyodide(pyodideBase, snapshot) {
  // {pyodide, restored}: restored from the snapshot where one was offered and it worked.
  const { loadPyodide } = await import(pyodideBase + "pyodide.mjs");
  if (snapshot) {
    const release = holdInstantiationUntil(snapshot.filled);
    try {
      const pyodide = await loadPyodide({ indexURL: pyodideBase, _loadSnapshot: snapshot.sized });
      return { pyodide, restored: true };
    } catch (_) {
      // Missing, tampered or made by another Pyodide (it checks its build id): boot instead.
    } finally {
      release();
    }
  }
  return { pyodide: await loadPyodide({ indexURL: pyodideBase }), restored: false };
}

async function init({ pyodideBase, wheelUrl, wheelSha256, snapshotUrl, snapshotSha256, warm, lang }) {
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
    const snapshot = snapshotUrl ? fetchSnapshot(snapshotUrl, snapshotSha256) : null;
    const booting = bootPyodide(pyodideBase, snapshot);
    booting.catch(() => {});
    await checked;
    const { pyodide, restored } = await booting;
    timings.restored = restored;
    mark("pyodide");
    // Unpacked straight into site-packages: the wheel is pure Python with no dependencies, so
    // loadPackage's resolver and second fetch would only add time (~0.1 s).
    const sitePackages = pyodide.runPython("import site\nsite.getsitepackages()[0]");
    const unpack = (bytes) => pyodide.unpackArchive(bytes, "wheel", { extractDir: sitePackages });
    // A restored Python holds every dscalc module and data file in memory already: it answers
    // first and unpacks the (checked) wheel just after, for anything read later from disk.
    const checkedWheel = await wheel;
    if (!restored) unpack(checkedWheel);
    mark("wheel");
    respond = pyodide.runPython("import dscalc.web\ndscalc.web.respond");
    mark("import");
    // The page's calculator answers once with its defaults, unseen: its module, its data and
    // its code paths are then warm for the reader's first edit (the snapshot was taken warm).
    if (warm && !restored) answerFor({ id: warm, inputs: {}, lang: lang || "en" });
    mark("warm");
    if (restored) {
      unpackLater = () => unpack(checkedWheel);
      setTimeout(unpackNow, UNPACK_IDLE_MS);
    }
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
    if (unpackLater) setTimeout(unpackNow, 0);
  }
};
