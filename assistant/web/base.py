"""The page contract of the web app, after kotaemon's BasePage: layout apart from event wiring.

Each tab is a `Page`: `render()` builds its components inside the current Blocks/Tab
context and `wire()` attaches event handlers once every page is rendered, so a page can use
components another page rendered through the shared `ctx.options` (the Settings tab's answer
options, read by the Chat tab). Pages share one `WebContext`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.config import Settings

# The chat tab shows and hides its parts with this CSS class, not with Gradio's `visible`. In Gradio 6 a component
# made visible is mounted then (`visible=False` leaves it out of the page), and a visibility update of an unmounted
# component rebuilds the component tree while the same event's other outputs are applied. An answer's first update
# (the chatbot's "…", Stop shown) and the "hide the feedback row" listener of the same Enter did that. The chat browser
# tests (test_web_browser, test_web_qa_browser) run 6 times beside other work, 2026-12-06: 3 of 102 saw the chat keep
# its "…" while the sources panel sent with the answer was final; with the class, 0 of 102 (one-sided Fisher p ≈ 0.12:
# few events, but that "…" is the update that carried Stop's visibility). Components stay mounted, hidden by CSS.
OFF = "is-off"


def shown(visible: bool):
    """An update showing or hiding a component that was created with `elem_classes=[OFF]` (see OFF)."""
    import gradio as gr

    return gr.update(elem_classes=[] if visible else [OFF])


@dataclass
class AnswerOptions:
    """The components holding a browser session's answer options (rendered by the Settings tab)."""

    k: Any
    mode: Any


@dataclass
class WebContext:
    """What every page may use: the settings, one shared Assistant, and the per-session answer options."""

    settings: Settings
    options: AnswerOptions | None = None
    tabs: Any = None  # the gr.Tabs, so a page can switch tabs (ids are the lower-case page titles)
    demo: Any = None  # the gr.Blocks being built, so a page can run something when a browser loads the app

    @cached_property
    def assistant(self):
        """The Assistant (index, retriever, chains), created on first use and shared by all sessions."""
        from assistant.service import Assistant

        return Assistant(self.settings, progress=False)


class Page:
    """One tab of the app."""

    title = "Page"

    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx

    def render(self) -> None:
        """Create this page's components (called inside a gr.Tab)."""
        raise NotImplementedError

    def render_hidden(self) -> None:
        """Create hidden helper components outside the tabs (set from the page script); most pages have none."""

    def wire(self) -> None:
        """Attach event handlers (called after every page has rendered)."""

    def on_page_load(self, fn, inputs, outputs, **options):
        """Run `fn` whenever a browser loads the app: what render() put in the page is the server's state at
        start, and stored state (a saved model, uploaded notes, interview progress) changes while it runs. Returns
        the event (to chain `.then`), or None for a page rendered on its own (unit tests call its handlers directly)."""
        if self.ctx.demo is None:
            return None
        return self.ctx.demo.load(fn, inputs, outputs, **{"show_progress": "hidden", **options})


def download_folder(name: str) -> Path:
    """A new private folder for files the page offers for download. Gradio serves only files under the
    working directory, the system temp folder or allowed_paths, so the data directory (ASSISTANT_HOME,
    e.g. under ~/.local) is not servable: a temp folder per page and process, 0700 (mkdtemp), so other
    local users cannot read or plant files there. Removed when the process exits: Gradio has copied every
    file it offered into its own cache by then."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=f"dl-assistant-{name}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def username(request: Any) -> str:
    """The signed-in user of a Gradio request under `assistant web --auth`, else '' (the local single user)."""
    return str(getattr(request, "username", None) or "")


def page_session(request: Any) -> str:
    """The page load a Gradio request comes from (its session hash), or '' without one (a direct call)."""
    return str(getattr(request, "session_hash", None) or "")
