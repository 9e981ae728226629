"""Build hook: the wheel carries every JSON file of ``data/`` (what the calculators read), and
nothing else of it — prose data in YAML, notes and drafts (``data/**/next/``) stay out of the
wheel the browser downloads. No per-file packaging lines: a new data file is picked up by itself.

The one exception is a YAML folder a calculator reads (``dscalc.data.YAML_BUNDLES``, e.g.
``data/measured/``): it is turned into one JSON file by ``dscalc.data.yaml_bundle`` — the function
a source checkout uses — and that JSON is packaged."""

import importlib.util
import json
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if version == "editable":
            return  # an editable install reads data/ in place
        data = Path(self.root) / "data"
        for path in sorted(data.rglob("*.json")):
            relative = path.relative_to(data)
            if "next" in relative.parts:
                continue
            build_data["force_include"][str(path)] = f"dscalc/data/{relative.as_posix()}"
        reader = _data_module(Path(self.root))
        self._bundles = tempfile.TemporaryDirectory()
        for folder, target in reader.YAML_BUNDLES.items():
            bundled = Path(self._bundles.name) / target
            bundled.write_text(json.dumps(reader.yaml_bundle(data / folder), ensure_ascii=False,
                                          sort_keys=True), encoding="utf-8")
            build_data["force_include"][str(bundled)] = f"dscalc/data/{target}"

    def finalize(self, version, build_data, artifact_path):
        bundles = getattr(self, "_bundles", None)
        if bundles is not None:
            bundles.cleanup()


def _data_module(root: Path):
    """``dscalc/data.py`` loaded by path (the package itself is not installed while it builds)."""
    spec = importlib.util.spec_from_file_location("_dscalc_data", root / "calculators" / "dscalc" / "data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
