"""`assistant web`: serve the Gradio app on this machine only.

Registered on the main group by `assistant/cli/__init__.py`; only click and the settings are
imported at module level, Gradio and the index load when it runs.
"""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (keep 127.0.0.1 unless you mean it).")
@click.option("--port", type=click.IntRange(1, 65535), default=7860, show_default=True, help="Port to serve on.")
@click.option("--k", type=click.IntRange(1, 20), help="Default number of sections to answer from.")
@click.pass_context
def web(ctx: click.Context, host: str, port: int, k: int | None) -> None:
    """Open the chat, notes browser and settings in a local web app (Ctrl-C stops it)."""
    from assistant.runtime import configure

    configure()  # already done by the entry point; kept for callers that invoke this command directly
    from assistant.cli.common import settings_from
    from assistant.web.app import launch

    settings = settings_from(ctx, k=k)
    click.echo(f"loading the index from {settings.home} …", err=True)
    launch(settings, host=host, port=port, block=True)
