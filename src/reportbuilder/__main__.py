"""The `reportbuilder` command (and `python -m reportbuilder`): `cli.run`, with Ctrl-C and
SIGTERM answered from the first instant.

Importing the command's modules takes a good part of a second on a loaded machine; a signal
then gave a Python traceback (Ctrl-C: KeyboardInterrupt inside importlib) or ended the
process without a word (SIGTERM, SIGHUP). Nothing is started or written before the import
ends, so such a stop only has to say so: the line and exit code of a later stop.
"""

from __future__ import annotations

import os
import signal

_EARLY = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _stopped_early(number: int, frame: object) -> None:
    with_name = f"stopped by {signal.Signals(number).name}\n"
    os.write(2, with_name.encode("ascii"))
    os._exit(128 + number)


def run() -> None:
    """Run the command; stopped while it starts, it says so (exit 128 + the signal)."""
    for number in _EARLY:
        # Kept as it is where the caller ignores it (`nohup`, a background job).
        if signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, _stopped_early)
    from reportbuilder.cli import run as command

    # From here on the command's own handlers unwind it (`cli.main`: render processes ended,
    # temporary files removed); SIGTERM and SIGHUP keep the early ones until it sets them.
    if signal.getsignal(signal.SIGINT) is _stopped_early:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    command()


if __name__ == "__main__":
    run()
