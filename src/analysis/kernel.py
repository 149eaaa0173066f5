"""One Jupyter kernel for all of a period's notebooks, reset between them.

Why this module exists
----------------------
Starting a kernel and importing pandas, matplotlib, seaborn and the package costs about
2.5 s per notebook, which was most of ``make all``. :func:`period_kernel` hands papermill one
kernel per period and resets it between notebooks so that each starts as in a new kernel
(``tests/test_e2e.py`` builds a period both ways and compares the pages).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from analysis.config import REPO_ROOT
from analysis.errors import PipelineError

#: The project's Jupyter kernel, registered by ``make setup``.
KERNEL = "csp-assessment"
NOTEBOOKS = REPO_ROOT / "notebooks"

#: Set to 1 to give every notebook its own new kernel (slower; what an analyst gets in Lab).
FRESH_KERNELS_ENV = "CSP_FRESH_KERNELS"

#: Run in the shared kernel after each notebook, so that the next starts as it would in a new
#: kernel except that the modules it imports are already loaded (that import is most of a
#: notebook's start-up time). Undone: variables, history and the cell counter; the autoreload
#: extension (it has no unload); figures; pandas options; matplotlib settings; the working
#: folder; and ``analysis.report.charts``, whose import sets the plot theme, so that a notebook that
#: imports it runs that import again and one that does not gets matplotlib's defaults, exactly
#: as in a new kernel. ``tests/test_e2e.py`` builds a period both ways and compares the pages.
_RESET = f"""\
get_ipython().reset(new_session=True)
for _event in ("pre_run_cell", "post_execute"):
    for _hook in list(get_ipython().events.callbacks[_event]):
        if type(getattr(_hook, "__self__", None)).__name__ == "AutoreloadMagics":
            get_ipython().events.unregister(_event, _hook)
get_ipython().extension_manager.loaded.discard("IPython.extensions.autoreload")
import os, sys, warnings
import matplotlib, matplotlib.pyplot, pandas
matplotlib.pyplot.close("all")
matplotlib.rcdefaults()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # pandas warns about resetting its deprecated options
    pandas.reset_option("all")
sys.modules.pop("analysis.report.charts", None)
if hasattr(sys.modules.get("analysis.report"), "charts"):
    del sys.modules["analysis.report"].charts
os.chdir({str(NOTEBOOKS)!r})
get_ipython().reset(new_session=True)
"""


class SharedKernel:
    """A kernel that a period's notebooks run in, one after another.

    The kernel manager is handed to papermill (nbclient), which starts the kernel for the
    first notebook, in the notebooks' folder, and leaves it running because it does not own
    it. A separate blocking client resets it between notebooks.
    """

    def __init__(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        class TrackingKernelManager(AsyncKernelManager):
            """Remembers the clients nbclient makes, which it leaves open on a kernel it
            does not own, so that they can be closed after each notebook."""

            def client(self, **kwargs: Any) -> Any:
                made = super().client(**kwargs)
                opened.append(made)
                return made

        opened: list[Any] = []
        self.opened = opened
        self.km = TrackingKernelManager(kernel_name=KERNEL)
        self.client: Any = None

    def reset(self) -> None:
        """Make the kernel as a new one would be, but for the modules already imported."""
        while self.opened:
            self.opened.pop().stop_channels()
        if self.client is None:
            from jupyter_client.blocking import BlockingKernelClient

            self.client = BlockingKernelClient()
            self.client.load_connection_info(self.km.get_connection_info())
            self.client.start_channels()
        reply = self.client.execute_interactive(
            _RESET, store_history=False, timeout=120, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            raise PipelineError(f"could not reset the notebook kernel: {reply['content']}")

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        for client in [*self.opened, *([self.client] if self.client else [])]:
            client.stop_channels()
        if self.km.has_kernel:
            run_sync(self.km.shutdown_kernel)(now=True)


@contextlib.contextmanager
def period_kernel() -> Iterator[SharedKernel | None]:
    """One kernel for all of a period's notebooks, reset between them; or None (fresh each).

    Starting a kernel and importing pandas, matplotlib, seaborn and the package costs about
    2.5 s per notebook, which was most of ``make all``. The kernel is shut down at the end,
    also on error. ``CSP_FRESH_KERNELS=1`` gives every notebook a new kernel instead.
    """
    if os.environ.get(FRESH_KERNELS_ENV, "") not in ("", "0"):
        yield None
        return
    kernel = SharedKernel()
    try:
        yield kernel
    finally:
        kernel.close()
