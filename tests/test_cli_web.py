"""`assistant web` options for shared deployments: --auth, --auth-file, and the warning for an open non-loopback host.

The command's parsing and warning run through click with `launch` replaced (no server, no
index); bad auth files go through a real process, as a user would see them.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from tests.test_cli import assert_one_line_error, run


@pytest.fixture
def launched(monkeypatch):
    """Replace the server start with a recorder of its arguments."""
    import assistant.web.app

    calls: list[dict] = []
    monkeypatch.setattr(assistant.web.app, "launch", lambda settings, **kw: calls.append(kw))
    monkeypatch.setattr("assistant.runtime.configure", lambda *args, **kwargs: None)  # keep this process's thread pools
    return calls


def test_auth_logins_reach_gradio(launched, tmp_path):
    logins = tmp_path / "users.txt"
    logins.write_text("# team\n\ncarol:s3cret:with:colons\n  dave :pw \n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["web", "--auth", "alice:pw1", "--auth", "bob:pw2", "--auth-file", str(logins),
                                      "--host", "0.0.0.0", "--port", "7999"])
    assert result.exit_code == 0, result.output
    assert launched[0]["auth"] == [("alice", "pw1"), ("bob", "pw2"), ("carol", "s3cret:with:colons"), ("dave", "pw ")]
    assert launched[0]["host"] == "0.0.0.0" and launched[0]["port"] == 7999
    assert "warning" not in result.stderr  # a login is required, so an open interface is fine


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_open_host_without_auth_warns_in_one_line(launched, host):
    result = CliRunner().invoke(cli, ["web", "--host", host])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and f"serving on {host} without --auth" in warnings[0] and "--auth-file" in warnings[0]
    assert launched[0]["auth"] is None


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_without_auth_is_quiet(launched, host):
    result = CliRunner().invoke(cli, ["web", "--host", host])
    assert result.exit_code == 0 and "warning" not in result.stderr, result.stderr


@pytest.mark.parametrize("content, fragment", [
    (None, "cannot read the --auth-file"),  # missing
    ("# only a comment\n\n", "lists no USER:PASS line"),
    ("alice:pw1\nbob-without-password\n", "line 2: expected USER:PASS"),
    ("alice:\n", "line 1: expected USER:PASS"),
    (":pw\n", "line 1: expected USER:PASS"),
    ("alice:pw1\nalice:other\n", "login 'alice' is given more than once"),
    (b"alice:\xff\xfe\n", "it is not UTF-8 text"),
])
def test_bad_auth_file_is_one_line_exit_2(tmp_path, content, fragment):
    path = tmp_path / "users.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    proc = run(["web", "--auth-file", str(path)], tmp_path / "home")
    assert_one_line_error(proc, 2, fragment)
    assert len([line for line in proc.stderr.splitlines() if line.strip()]) == 1
    assert "pw1" not in proc.stderr and "other" not in proc.stderr  # passwords are never echoed
    assert not (tmp_path / "home" / "assistant.db").exists()  # nothing started


def test_bad_auth_value_is_one_line_exit_2(tmp_path):
    proc = run(["web", "--auth", "alice"], tmp_path)
    assert_one_line_error(proc, 2, "--auth: expected USER:PASS")
