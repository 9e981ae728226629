// Run the pure-Python test suites inside Pyodide under Node: the interpreter the browser uses.
// Usage: node run_tests.mjs <pyodide dir> <wheel>... -- <host tests dir> <pytest args>...
// Everything is local: Pyodide from node_modules, wheels from .cache/pyodide-wheels and dist/.
import { loadPyodide } from "../../node_modules/pyodide/pyodide.mjs";

const args = process.argv.slice(2);
const split = args.indexOf("--");
const [indexURL, ...wheels] = args.slice(0, split);
const [testsDir, ...pytestArgs] = args.slice(split + 1);

const pyodide = await loadPyodide({ indexURL });
await pyodide.loadPackage(wheels, { messageCallback: () => {} });
pyodide.mountNodeFS("/tests", testsDir);
pyodide.setStdout({ batched: (line) => console.log(line) });
pyodide.setStderr({ batched: (line) => console.error(line) });
const code = pyodide.runPython(`
import os, sys, pytest
os.chdir("/tmp")
sys.dont_write_bytecode = True
import dscalc
print("dscalc from", dscalc.__file__, "on Python", sys.version.split()[0])
int(pytest.main(${JSON.stringify(pytestArgs)}))
`);
process.exit(code);
