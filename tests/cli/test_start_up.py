"""The CLI starts without its heavy dependencies: `park-ledger --help` lists every command from
ledger/cli's table, and only the module of the command being run is imported (bench/cli_start.py
measures the time; no test here is timed)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from importlib import import_module

import pytest

from ledger.cli import COMMANDS, OneSentenceParser, build_parser, main

HEAVY = ("web3", "eth_tester", "eth", "solcx", "sqlalchemy", "eth_account", "py_ecc")


def imported_after(code: str) -> set[str]:
    """The heavy top-level modules a fresh interpreter holds after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(set(sys.modules))))"
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out.splitlines()[-1])) & set(HEAVY)


def test_cli_imports_no_chain_or_database_library_when_imported() -> None:
    assert imported_after("import ledger.cli") == set()


def test_help_imports_no_chain_or_database_library_when_it_lists_the_commands() -> None:
    code = (
        "import contextlib, io\nfrom ledger.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    assert imported_after(code) == set()


def test_keys_list_imports_no_signing_library_when_it_reads_the_keystore() -> None:
    code = "from ledger.cli import main\nmain(['keys', 'list', '--dir', '/nonexistent-keys'])"
    assert imported_after(code) == set()


@pytest.mark.parametrize("module", list(COMMANDS))
def test_command_table_matches_what_the_module_registers_when_loaded(module: str) -> None:
    parser = OneSentenceParser(prog="park-ledger")
    commands = parser.add_subparsers(dest="command")
    import_module(f"ledger.cli.{module}").register(commands)
    registered = {action.dest: action.help for action in commands._choices_actions}
    assert registered == COMMANDS[module]


def test_help_lists_every_command_when_run(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    for helps in COMMANDS.values():
        for name, text in helps.items():
            assert f"    {name}" in listed
            assert text[:30] in listed.replace("\n", " ").replace("  ", " ")


def test_each_command_parses_its_own_options_when_named() -> None:
    args = build_parser(["keys", "list", "--json"]).parse_args(["keys", "list", "--json"])
    assert isinstance(args, argparse.Namespace)
    assert args.json is True
    assert args.handler.__module__ == "ledger.cli.keys_commands"
