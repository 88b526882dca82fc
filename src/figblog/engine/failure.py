"""The message for a failed run, as the build log, ``figblog run`` and error boxes show it.

It names the script and the line that raised (or, for a timeout, where the run
was when it was killed), then gives the hint, the last frames and the last lines
the script printed, each indented under the first line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from figblog.engine.runner import RunResult

__all__ = [
    "describe_failure",
    "nothing_written",
    "printed_tail",
    "project_writes",
    "saved_elsewhere",
]


_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def describe_failure(rel: str, result: RunResult, root: Path | None = None) -> str:
    """The message for a failed run: the script, the line that raised, the frames, the output.

    Paths under ``root`` are shown relative to it: the message may end up on a page.
    """
    text = _describe(rel, result)
    # What a script printed may hold colours (ANSI) and other control bytes, a NUL even:
    # none belongs in a log line or on a page.
    text = _CONTROL.sub("\ufffd", _ANSI.sub("", text))
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
    return head + printed_tail(result)


def printed_tail(result: RunResult) -> str:
    """The last lines a run printed, indented under a message; "" when it printed none."""
    if not result.output_tail:
        return ""
    shown = result.output_tail.count("\n") + 1
    more = result.output_lines - shown
    what = f"its last {shown} lines of output" if more > 0 else "its output"
    return f"\n  {what}:\n" + _indent(result.output_tail.rstrip())


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _shown(path: str, root: Path) -> str:
    """``path`` relative to ``root`` when it lies inside it, else as it is."""
    inside = os.path.join(str(root), "")
    return path[len(inside) :] if path.startswith(inside) else path


def saved_elsewhere(result: RunResult, root: Path) -> str:
    """For a run that published nothing: where it went or what it wrote instead, or ""."""
    wrote = ", ".join(_shown(w, root) for w in result.writes[:3])
    folder = os.path.join(_shown(result.cwd, root), "") if result.cwd else ""
    there = "only what it writes into the folder it starts in is published"
    if result.cwd and wrote:
        moved = f"It changed folder (os.chdir) to {folder}"
        return f"{moved} and wrote {wrote} outside the folder it starts in; {there}."
    if result.cwd:
        return f"It changed folder (os.chdir) to {folder}; {there}."
    if wrote:
        return f"It wrote {wrote} outside the folder it starts in; {there}."
    return ""


def nothing_written(result: RunResult, root: Path) -> str:
    """What follows "the script wrote no files": where its files went, what it printed."""
    elsewhere = saved_elsewhere(result, root)
    return (f". {elsewhere}" if elsewhere else "") + printed_tail(result)


def project_writes(result: RunResult, root: Path) -> list[str]:
    """The project's files (relative to ``root``) a run wrote outside its own folder."""
    inside = os.path.join(str(root), "")
    return [w[len(inside) :] for w in result.writes if w.startswith(inside)]
