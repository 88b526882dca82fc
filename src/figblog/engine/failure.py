"""The message for a failed run, as the build log, ``figblog run`` and error boxes show it.

It names the script and the line that raised (or, for a timeout, where the run
was when it was killed), then gives the hint, the last frames and the last lines
the script printed, each indented under the first line.
"""

from __future__ import annotations

import os
from pathlib import Path

from figblog.engine.runner import RunResult

__all__ = ["describe_failure"]


def describe_failure(rel: str, result: RunResult, root: Path | None = None) -> str:
    """The message for a failed run: the script, the line that raised, the frames, the output.

    Paths under ``root`` are shown relative to it: the message may end up on a page.
    """
    text = _describe(rel, result)
    return text.replace(os.path.join(str(root), ""), "") if root else text


def _describe(rel: str, result: RunResult) -> str:
    where = f" at line {result.script_line}" if result.script_line else ""
    if result.timed_out:
        head = f"figure script {rel} {result.error_message}"
        if result.traceback:  # where it was then, innermost last
            head += f"; it was{where or ' here'}:\n" + _indent(result.traceback.rstrip())
        return head
    head = f"figure script {rel} failed{where}: {result.error_type}: {result.error_message}"
    if result.hint:
        head += "\n  " + result.hint
    if result.traceback:
        head += "\n" + _indent(result.traceback.rstrip())
    if result.output_tail:
        shown = result.output_tail.count("\n") + 1
        more = result.output_lines - shown
        what = f"its last {shown} lines of output" if more > 0 else "its output"
        head += f"\n  {what}:\n" + _indent(result.output_tail.rstrip())
    return head


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
