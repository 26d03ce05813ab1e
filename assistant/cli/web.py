"""`assistant web`: serve the Gradio app, on this machine only unless told otherwise.

Registered on the main group by `assistant/cli/__init__.py`; only click and the settings are
imported at module level, Gradio and the index load when it runs. For a shared deployment,
`--auth USER:PASS` (repeatable) and `--auth-file PATH` turn on Gradio's login; each user then
has their own chats and interview history. Serving beyond loopback without a login is allowed
(a trusted network) but warned about in one line.
"""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.common import usage_error


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (keep 127.0.0.1 unless you mean it).")
@click.option("--port", type=click.IntRange(1, 65535), default=7860, show_default=True, help="Port to serve on.")
@click.option("--k", type=click.IntRange(1, 20), help="Default number of sections to answer from.")
@click.option("--auth", "auth", multiple=True, metavar="USER:PASS",
              help="Require a login; repeat for several users. Each user has their own chats and interviews.")
@click.option("--auth-file", type=click.Path(path_type=Path, dir_okay=False),
              help="Logins from a file, one USER:PASS per line ('#' comments and blank lines skipped).")
@click.pass_context
def web(ctx: click.Context, host: str, port: int, k: int | None, auth: tuple[str, ...], auth_file: Path | None) -> None:
    """Open the chat, notes browser, interview and settings in a web app (Ctrl-C stops it)."""
    from assistant.runtime import configure

    configure()  # already done by the entry point; kept for callers that invoke this command directly
    from assistant.cli.common import settings_from

    logins = logins_from(auth, auth_file)
    settings = settings_from(ctx, k=k)
    if not logins and not is_loopback(host):
        click.secho(f"warning: serving on {host} without --auth: anyone who can reach port {port} can read and "
                    "delete every chat and interview; add --auth USER:PASS or --auth-file PATH", fg="yellow", err=True)
    click.echo(f"loading the index from {settings.home} …", err=True)
    from assistant.web.app import launch

    launch(settings, host=host, port=port, block=True, auth=logins or None)


def logins_from(pairs: tuple[str, ...], path: Path | None) -> list[tuple[str, str]]:
    """(user, password) pairs from `--auth` values and an `--auth-file`; a bad one is a usage error (exit 2)."""
    logins = [_login(value, "--auth") for value in pairs]
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise usage_error(f"cannot read the --auth-file {path}: it is not UTF-8 text") from None
        except OSError as exc:
            raise usage_error(f"cannot read the --auth-file {path}: {exc.strerror or type(exc).__name__}") from None
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.lstrip().startswith("#")]
        if not lines:
            raise usage_error(f"the --auth-file {path} lists no USER:PASS line")
        logins += [_login(line, f"{path} line {n}") for n, line in lines]
    users = [user for user, _ in logins]
    twice = sorted({user for user in users if users.count(user) > 1})
    if twice:
        raise usage_error(f"login {twice[0]!r} is given more than once; each user needs one password")
    return logins


def _login(value: str, where: str) -> tuple[str, str]:
    # Gradio strips the name typed at login, so names are stripped here; a password is taken exactly as written.
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise usage_error(f"{where}: expected USER:PASS with a non-empty user and password")
    return user.strip(), password


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost' (only this machine can connect)."""
    import ipaddress  # only `assistant web` needs it: kept off every other command's start-up

    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
