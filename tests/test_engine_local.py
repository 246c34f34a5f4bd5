"""The local engine's forked prepare gives the serial statements, passes its progress
on, raises the child's errors, and falls back to preparing here when the child dies."""

from __future__ import annotations

import os
from typing import Any

import pytest

from personas.engine import local
from personas.models import Record, TextField
from tests.conftest import ROOT

TEXTS = (
    "Love the fabric but it shrinks after one wash. Sarah at the shop was lovely.",
    "Delivery was slow, however the boots are great.",
    "n/a",
    "The app crashes at checkout every time I try to pay with my card.",
)


def records() -> list[Record]:
    return [
        Record(
            record_id=f"survey.csv#row {i + 2}",
            source="survey.csv",
            source_kind="survey",
            locator=f"row {i + 2}",
            respondent_key=f"id:{i}",
            texts=(TextField(field="q", text=text),),
        )
        for i, text in enumerate(TEXTS * 40)
    ]


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork even though this test process has torch loaded; load nothing meanwhile."""
    monkeypatch.setattr(local, "can_overlap", lambda: True)
    monkeypatch.setattr(local, "load_ahead", lambda device="cpu": None)


def test_forked_prepare_equals_the_serial_one(forking: None) -> None:
    shown: list[int] = []
    forked, name = local.prepare_while_loading(records(), shown.append)
    serial, serial_name = local.prepare_serially(records())
    assert name == serial_name
    assert forked.statements == serial.statements
    assert forked.counts == serial.counts
    assert sum(shown) == forked.counts["texts"] - forked.counts["boilerplate"]
    assert all("Sarah" not in s.text for s in forked.statements)  # redacted in the child


def test_a_child_that_dies_falls_back_to_this_process(
    forking: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "_child", lambda *args: os._exit(3))
    shown: list[int] = []
    result, _ = local.prepare_while_loading(records(), shown.append)
    assert result.statements == local.prepare_serially(records())[0].statements
    assert sum(shown) == len(records()) - 40  # every text but the "n/a" ones, shown once


def test_the_childs_error_is_raised_here(forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> Any:
        raise ValueError("spaCy broke")

    monkeypatch.setattr(local, "prepare_serially", broken)
    with pytest.raises(ValueError, match="spaCy broke"):
        local.prepare_while_loading(records())


def test_cuda_without_a_gpu_is_one_clear_error() -> None:
    """`--device cuda` where torch sees no GPU names the problem; `auto` falls back to the CPU."""
    import torch

    from personas.errors import PersonasError
    from personas.understand.embed import load_model, resolve_device

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    assert resolve_device("auto") == "cpu"
    with pytest.raises(PersonasError, match="torch sees no GPU"):
        load_model("cuda")


def test_no_fork_from_a_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """The review page rebuilds in a server thread: forking a threaded server is unsafe."""
    import sys
    import threading

    monkeypatch.delitem(sys.modules, "torch", raising=False)  # as in a fresh CLI process
    assert local.can_overlap()
    seen: list[bool] = []
    worker = threading.Thread(target=lambda: seen.append(local.can_overlap()))
    worker.start()
    worker.join()
    assert seen == [False]


def test_the_child_prepares_without_torch() -> None:
    """spaCy's thinc imports torch when it can (0.9 s); the child never embeds, so it
    prepares without it, and gives the statements a process with torch gives."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from personas.engine import local\n"
        "from tests.test_engine_local import records\n"
        "local.load_ahead = lambda device='cpu': None\n"
        "serially = local.prepare_serially\n"
        "def spy(recs, progress=None):\n"
        "    result, name = serially(recs, progress)\n"
        "    result.counts['torch'] = int(sys.modules.get('torch') is not None)\n"
        "    return result, name\n"
        "local.prepare_serially = spy\n"
        "result, _ = local.prepare_while_loading(records())\n"
        "print(result.counts['torch'], 'torch' in sys.modules)\n"
        "print('|'.join(s.text for s in result.statements))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    flags, texts = proc.stdout.split("\n")[:2]
    assert flags == "0 False"  # the child ran without torch; this process never loaded it
    assert texts == "|".join(s.text for s in local.prepare_serially(records())[0].statements)


def test_the_engine_lets_the_model_go_when_its_block_ends(tmp_path: Any) -> None:
    """No stage after the engine's encodes: the model it loaded is released with it (a
    million-statement build's peak comes after), and loads again when asked."""
    from personas.config import Config
    from personas.engine import open_engine
    from personas.understand.embed import encode, load_model

    with open_engine(Config(), tmp_path):
        first = encode(["the zip broke"])
        assert load_model.cache_info().currsize >= 1
    assert load_model.cache_info().currsize == 0
    assert (encode(["the zip broke"]) == first).all()


def test_the_analysis_keeps_big_blocks_out_of_the_heap_and_gives_the_heap_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``steady_heap`` fixes glibc's mmap threshold at 128 KB for the driver's analysis;
    ``usual_heap`` puts it where glibc's own rises to (torch's inference runs a quarter
    slower with every block mapped). A build calls both, the second even on failure."""
    import inspect

    from personas import pipeline, stages

    calls: list[tuple[int, int]] = []

    class Libc:
        def mallopt(self, param: int, value: int) -> int:
            calls.append((param, value))
            return 1

    monkeypatch.setattr(stages, "_libc", lambda: Libc())
    stages.steady_heap()
    stages.usual_heap()
    assert calls == [(-3, 128 * 1024), (-3, 32 * 1024 * 1024)]
    source = inspect.getsource(pipeline.build)
    assert "finally:" in source and "usual_heap()" in source.split("finally:")[1]
    assert "steady_heap()" in inspect.getsource(pipeline._understand)
