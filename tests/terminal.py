"""Drive the real CLI on a pseudo-terminal, as a person at a keyboard would.

``Terminal`` starts a command with a pty as its stdin, stdout and stderr (so prompts are
shown and ``isatty()`` is true), reads what it prints, types answers, sends Ctrl-C or signals,
and collects the exit code. Only the standard library (``pty``, ``select``) is used.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["Terminal"]

# CSI and OSC sequences (colours, cursor moves, mode switches) and other ESC sequences.
_CONTROL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


class Terminal:
    """A command running on a pseudo-terminal."""

    def __init__(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        master, slave = pty.openpty()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env={**env, "TERM": "xterm", "COLUMNS": "120", "LINES": "40"},
            start_new_session=True,  # away from pytest's own terminal and process group
        )
        os.close(slave)
        self._master = master
        self._output = b""

    @property
    def output(self) -> str:
        """Everything printed so far."""
        return self._output.decode(errors="replace")

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self._master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self._master, 65536)
        except OSError:  # the child closed the terminal
            return False
        self._output += chunk
        return bool(chunk)

    def expect(self, text: str, timeout: float = 60) -> None:
        """Wait until ``text`` has been printed; fail with the output so far if it is not."""
        self.expect_count(text, 1, timeout)

    @property
    def plain_output(self) -> str:
        """What was printed, without terminal control sequences and carriage returns."""
        return _CONTROL.sub("", self.output).replace("\r", "")

    def expect_count(self, text: str, count: int, timeout: float = 60) -> None:
        """Wait until ``text`` has been printed ``count`` times."""
        deadline = time.monotonic() + timeout
        while self.output.count(text) < count:
            left = deadline - time.monotonic()
            if left <= 0 or (not self._read(min(left, 1.0)) and self.process.poll() is not None):
                raise AssertionError(f"{text!r} not printed {count}x; output:\n{self.output}")

    def send(self, keys: bytes) -> None:
        """Type ``keys``."""
        os.write(self._master, keys)

    def signal(self, signum: signal.Signals) -> None:
        """Send ``signum`` to the command."""
        self.process.send_signal(signum)

    def wait(self, timeout: float = 60) -> int:
        """Read the rest of the output until the command exits; return its exit code."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.2):
            if self.process.poll() is not None and not select.select([self._master], [], [], 0)[0]:
                break
        try:
            return self.process.wait(timeout=max(deadline - time.monotonic(), 1))
        finally:
            os.close(self._master)
