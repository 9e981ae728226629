"""Build hook: the wheel carries every JSON file of ``data/`` (what the calculators read), and
nothing else of it — prose data in YAML, notes and drafts (``data/**/next/``) stay out of the
wheel the browser downloads. No per-file packaging lines: a new data file is picked up by itself."""

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
