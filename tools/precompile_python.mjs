// Compiles the Python a calculator page runs to bytecode, inside the Pyodide the site serves, so
// the browser does not compile it on every visit. Called by hooks/vendoring.py at build time.
//
//   node tools/precompile_python.mjs <pyodide dir> <dscalc wheel> <output dir>
//
// npm's Pyodide ships its standard library as source, so every module its start-up and dscalc
// import is compiled in the reader's browser on every cold visit: most of the boot, on a slow CPU.
// This writes, to <output dir>:
// - python_stdlib.zip: the package's zip with each module that Pyodide's start-up or a run of
//   every calculator imports replaced by its bytecode (`name.py` -> `name.pyc`, which zipimport
//   loads without a source); every other entry byte for byte;
// - the wheel, with every module replaced by its bytecode the same way and RECORD rewritten;
// - python.snapshot: a Pyodide memory snapshot taken with both loaded and every calculator run
//   (see below), restored by the worker instead of booting where the reader's link is not slow.
// Source-less bytecode is smaller to download than source plus bytecode; the price is that a
// traceback inside the browser shows no source lines (the CLI, notebooks and tests run source).
// The bytecode is written by the Pyodide that will read it, so its magic number always matches.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const [pyodideDir, wheelPath, outputDir] = process.argv.slice(2).map((path) => resolve(path));
if (!outputDir) {
  console.error("usage: node precompile_python.mjs <pyodide dir> <dscalc wheel> <output dir>");
  process.exit(2);
}
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/" });
pyodide.FS.writeFile("/tmp/stdlib-in.zip", readFileSync(join(pyodideDir, "python_stdlib.zip")));
pyodide.FS.writeFile("/tmp/wheel-in.whl", readFileSync(wheelPath));
pyodide.globals.set("wheel_name", basename(wheelPath));
const report = pyodide.runPython(`
import base64, hashlib, importlib.util, json, marshal, site, sys, zipfile

def deflated(name: str, date_time) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info

def unchecked_pyc(source: bytes, filename: str) -> bytes:
    code = compile(source, filename, "exec", dont_inherit=True)
    flags = (0b01).to_bytes(4, "little")  # PEP 552: hash-based, source not checked
    return importlib.util.MAGIC_NUMBER + flags + importlib.util.source_hash(source) + marshal.dumps(code)

# The workload: what a calculator page's worker imports and runs (every calculator, both languages).
site_packages = site.getsitepackages()[0]
zipfile.ZipFile("/tmp/wheel-in.whl").extractall(site_packages)
import dscalc, dscalc.web
for calc in dscalc.calculators():
    for lang in ("ja", "en"):
        dscalc.web.respond(json.dumps({"id": calc.id, "inputs": {}, "lang": lang}))
    dscalc.web.respond(json.dumps({"id": calc.id, "inputs": {"__junk__": "x"}, "lang": "ja"}))

stdlib_prefix = next(path for path in sys.path if path.endswith(".zip")) + "/"
imported = {module.__file__[len(stdlib_prefix):] for module in list(sys.modules.values())
            if (getattr(module, "__file__", None) or "").startswith(stdlib_prefix)}

compiled_stdlib = 0
with zipfile.ZipFile("/tmp/stdlib-in.zip") as source, \\
        zipfile.ZipFile("/tmp/stdlib-out.zip", "w", zipfile.ZIP_DEFLATED) as target:
    for info in source.infolist():
        data = source.read(info)
        if info.filename in imported and info.filename.endswith(".py"):
            target.writestr(deflated(info.filename[:-3] + ".pyc", info.date_time),
                            unchecked_pyc(data, stdlib_prefix + info.filename))
            compiled_stdlib += 1
        else:
            target.writestr(info, data)

compiled_wheel = 0
record_lines = []
with zipfile.ZipFile("/tmp/wheel-in.whl") as source, \\
        zipfile.ZipFile("/tmp/wheel-out.whl", "w", zipfile.ZIP_DEFLATED) as target:
    record_name = next(name for name in source.namelist() if name.endswith(".dist-info/RECORD"))
    for info in source.infolist():
        if info.filename == record_name:
            continue
        data = source.read(info)
        if info.filename.endswith(".py"):
            name, data = info.filename[:-3] + ".pyc", unchecked_pyc(data, f"{site_packages}/{info.filename}")
            target.writestr(deflated(name, info.date_time), data)
            compiled_wheel += 1
        else:
            name = info.filename
            target.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record_lines.append(f"{name},sha256={digest},{len(data)}")
    target.writestr(source.getinfo(record_name), "\\n".join(record_lines + [f"{record_name},,"]) + "\\n")
json.dumps({"stdlib_modules": compiled_stdlib, "wheel_modules": compiled_wheel,
            "python": sys.version.split()[0]})
`);
mkdirSync(outputDir, { recursive: true });
writeFileSync(join(outputDir, "python_stdlib.zip"), pyodide.FS.readFile("/tmp/stdlib-out.zip"));
writeFileSync(join(outputDir, basename(wheelPath)), pyodide.FS.readFile("/tmp/wheel-out.whl"));

// Half of a snapshot is pages of zeros; gzip shrinks them to nothing, but un-gzipping still writes
// them, which is most of its time in the browser. So the file holds only the pages that are not
// all zero, and a map of which those are:
//   "DSCS" | u32 length of the snapshot | u32 page size | one byte per page (1: stored) | pages
// (little-endian; the last page may be short). docs/assets/dscalc/worker.js reads it back.
const PAGE_BYTES = 4096;
function withoutZeroPages(snapshot) {
  const pages = Math.ceil(snapshot.length / PAGE_BYTES);
  const stored = new Uint8Array(pages);
  const kept = [];
  for (let page = 0; page < pages; page++) {
    const bytes = snapshot.subarray(page * PAGE_BYTES, Math.min(snapshot.length, (page + 1) * PAGE_BYTES));
    if (bytes.some((byte) => byte !== 0)) {
      stored[page] = 1;
      kept.push(bytes);
    }
  }
  const head = Buffer.alloc(12);
  head.write("DSCS", 0, "latin1");
  head.writeUInt32LE(snapshot.length, 4);
  head.writeUInt32LE(PAGE_BYTES, 8);
  return Buffer.concat([head, stored, ...kept]);
}

// python.snapshot: the memory of a Pyodide that booted on the zip above, imported every dscalc
// module, parsed every data file and ran every calculator — gzip-compressed. A worker that
// restores it skips Python's start-up, the import and the warm-up: its first answer needs no
// disk, so the wheel is unpacked after it. Written without its zero pages, then gzip-compressed. It must be restored by this very pyodide.asm.wasm
// (Pyodide checks the build id) and beside this very zip (zipimport keeps the zip's directory in
// memory, offsets included): all three are written together, under one key.
const snapshotting = await loadPyodide({
  indexURL: pyodideDir + "/", stdLibURL: join(outputDir, "python_stdlib.zip"), _makeSnapshot: true,
});
snapshotting.FS.writeFile("/tmp/wheel.whl", readFileSync(join(outputDir, basename(wheelPath))));
snapshotting.runPython(`
import gc, importlib, json, pkgutil, site, zipfile
zipfile.ZipFile("/tmp/wheel.whl").extractall(site.getsitepackages()[0])
import dscalc, dscalc.data, dscalc.web
for module in pkgutil.walk_packages(dscalc.__path__, "dscalc."):
    if not module.name.endswith(".__main__"):
        importlib.import_module(module.name)
data = dscalc.data.data_dir()
for path in sorted(data.rglob("*")):
    if path.suffix == ".json" or (path.is_dir() and any(path.glob("*.json"))):
        dscalc.data.load(path.relative_to(data).as_posix())
for name in dscalc.data.YAML_BUNDLES:
    dscalc.data.bundle(name)
for calc in dscalc.calculators():
    for lang in ("ja", "en"):
        dscalc.web.respond(json.dumps({"id": calc.id, "inputs": {}, "lang": lang}))
gc.collect()
`);
const memory = snapshotting.makeMemorySnapshot();
const packed = gzipSync(withoutZeroPages(memory), { level: 9 });
writeFileSync(join(outputDir, "python.snapshot"), packed);
console.log(JSON.stringify({ ...JSON.parse(report), snapshot_bytes: memory.length, snapshot_gzip_bytes: packed.length }));
