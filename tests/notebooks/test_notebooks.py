"""Every notebook runs from top to bottom, so none can rot."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

DOCS = Path(__file__).resolve().parents[2] / "docs"
NOTEBOOKS = sorted(DOCS.rglob("*.ipynb"))


def test_each_language_has_the_same_notebooks():
    ja = {p.relative_to(DOCS / "ja") for p in NOTEBOOKS if p.is_relative_to(DOCS / "ja")}
    en = {p.relative_to(DOCS / "en") for p in NOTEBOOKS if p.is_relative_to(DOCS / "en")}
    assert ja and ja == en


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(DOCS)))
def test_notebook_executes_without_errors(path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert outputs and not any(out.output_type == "error" for out in outputs)
