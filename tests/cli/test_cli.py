"""`python -m dscalc`: the same code path as the pages, from a shell."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import dscalc

ROOT = Path(__file__).resolve().parents[2]


def cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "calculators"))
    return subprocess.run([sys.executable, "-m", "dscalc", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_list_prints_every_calculator_with_id_and_title():
    result = cli("list")
    assert result.returncode == 0
    listed = json.loads(result.stdout)
    assert {item["id"] for item in listed} == {calc.id for calc in dscalc.calculators()}
    assert all(item["title"] for item in listed)


def test_run_prints_the_outputs_of_dscalc_run():
    result = cli("run", "kv-cache", "--json", '{"context_length": 4096}')
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == dscalc.run("kv-cache", {"context_length": 4096})


def test_config_reads_a_hugging_face_config_file(tmp_path):
    config = dscalc.data.models()["qwen2.5-72b"]["config"]
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    result = cli("run", "kv-cache", "--config", str(path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["bytes_per_token"] == 327_680


@pytest.mark.parametrize("args, field", [
    (("run", "kv-cache", "--json", '{"context_length": "abc"}'), "context_length"),
    (("run", "kv-cache", "--json", "{not json"), "--json"),
    (("run", "kv-cache", "--json", "[1]"), "--json"),
    (("run", "kv-cache", "--config", "/no/such/file.json"), "config"),
    (("run", "nope"), "id"),
])
def test_invalid_input_exits_2_with_a_json_error_and_no_traceback(args, field):
    result = cli(*args)
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["field"] == field
    assert "Traceback" not in result.stderr


def test_lang_ja_gives_japanese_messages():
    result = cli("run", "kv-cache", "--lang", "ja", "--json", '{"batch_size": 0}')
    assert result.returncode == 2
    assert "以上" in json.loads(result.stdout)["error"]["message"]


@pytest.mark.parametrize("args, field", [
    (("run",), "arguments"),                       # no calculator named
    (("run", "kv-cache", "--lang", "fr"), "--lang"),
    (("frobnicate",), "arguments"),
    (("run", "kv-cache", "--config", "/dev/zero"), "config"),  # read with a limit, not forever
    (("run", "kv-cache", "--json", "[" * 5000), "--json"),      # too deep for the parser
    (("run", "kv-cache", "--json", '{"config": ' + "[" * 3000 + "]" * 3000 + "}"), "--json"),
])
def test_every_misuse_answers_in_json_not_usage_text_or_a_traceback(args, field):
    result = cli(*args)
    assert result.returncode == 2, result.stdout
    assert json.loads(result.stdout)["error"]["field"] == field
    assert "Traceback" not in result.stderr and "usage:" not in result.stdout + result.stderr


def test_an_empty_config_file_is_an_error_not_the_preset(tmp_path):
    empty = tmp_path / "config.json"
    empty.write_text("  \n")
    result = cli("run", "kv-cache", "--config", str(empty))
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["field"] == "config"


def test_a_lone_surrogate_in_the_input_still_gives_json():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "calculators"))
    argument = '{"model": "\udc80"}'.encode("utf-8", "surrogateescape")
    result = subprocess.run([sys.executable, "-m", "dscalc", "run", "kv-cache", "--json", argument],
                            capture_output=True, env=env, timeout=60)
    assert result.returncode == 2
    answer = json.loads(result.stdout.decode("utf-8"))
    assert answer["error"]["field"] == "model"


def test_a_named_pipe_as_config_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    result = cli("run", "kv-cache", "--config", str(fifo))  # cli() times out after 60 s
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["field"] == "config"


def test_a_directory_as_config_is_refused(tmp_path):
    result = cli("run", "kv-cache", "--config", str(tmp_path))
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["field"] == "config"


def test_version_prints_the_package_version_as_json():
    result = cli("--version")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout) == {"name": "dscalc", "version": dscalc.__version__}


def test_no_command_is_a_json_error():
    result = cli()
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["field"] == "arguments"


def _run_with_stdout(stdout):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "calculators"))
    return subprocess.run([sys.executable, "-m", "dscalc", "list"], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, env=env, timeout=60)


def test_a_reader_that_has_gone_ends_in_one_line_not_a_traceback():
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    try:
        result = _run_with_stdout(write_end)
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert result.stderr.strip() == "dscalc: cannot write the output (stdout is closed)"


def test_a_closed_stdout_ends_in_one_line_not_a_traceback():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "calculators"))
    result = subprocess.run(["sh", "-c", f'"{sys.executable}" -m dscalc list >&-'],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
