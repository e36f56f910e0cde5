"""The reference in docs/cli/: every command of the command line, read from the Typer app, has a
section on the page of its group (the module of src/alignkg/cli/ that defines it) naming each of
its options; the README links every page; links, Python names and quoted figures in the docs
hold."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperGroup, TyperOption

import alignkg.cli
from alignkg.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CLI_DOCS = DOCS / "cli"
README = ROOT / "README.md"
PAGES = [README, *sorted(DOCS.rglob("*.md"))]
GROUPS = sorted(m.name for m in pkgutil.iter_modules(alignkg.cli.__path__) if m.name != "app")
"""The command groups: one module of src/alignkg/cli/ each, and one page of docs/cli/ each."""

FILE_SUFFIXES = {"trig", "ttl", "nq", "jsonld", "html", "graphml", "gexf", "cyjs", "link", "tmp"}
"""Last parts of ``alignkg.<suffix>`` that are file names (``alignkg.trig``), not Python names."""


def commands() -> dict[str, typer.main.TyperCommand]:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    return dict(sorted(group.commands.items()))  # type: ignore[arg-type]


def group_of(name: str) -> str:
    """The cli module whose function defines command ``name``."""
    (info,) = [i for i in app.registered_commands if i.name == name]
    assert info.callback is not None
    return info.callback.__module__.rsplit(".", 1)[1]


def section(text: str, name: str) -> str | None:
    """The part of a page under its ``## alignkg NAME`` heading, up to the next level-2 heading."""
    found = re.search(rf"^## alignkg {re.escape(name)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    return found.group(1) if found else None


def options(command: typer.main.TyperCommand) -> list[str]:
    """Every long option of a command, with the ``--no-`` forms of flags."""
    names = [n for p in command.params if isinstance(p, TyperOption) for n in (*p.opts, *p.secondary_opts)]
    return [n for n in names if n.startswith("--") and n != "--help"]


def names_option(text: str, option: str) -> bool:
    """Whether ``text`` names ``option`` itself, not a longer one (``--graph`` in ``--graph-store``)."""
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


@pytest.mark.parametrize("name", list(commands()))
def test_every_command_and_option_is_documented_on_its_groups_page(name: str) -> None:
    group = group_of(name)
    page = CLI_DOCS / f"{group}.md"
    assert page.is_file(), f"alignkg {name} is defined in alignkg.cli.{group}: document it in {page}"
    body = section(page.read_text(encoding="utf-8"), name)
    assert body is not None, f"{page.relative_to(ROOT)} has no '## alignkg {name}' section"
    missing = [o for o in options(commands()[name]) if not names_option(body, o)]
    assert not missing, f"{page.relative_to(ROOT)}, section alignkg {name}, does not document {missing}"


def test_the_option_check_tells_an_option_from_a_longer_one() -> None:
    assert names_option("`--graph FILE`, `--graph-store URL`", "--graph")
    assert not names_option("`--graph-store URL`", "--graph")
    assert not names_option("--no-open", "--open")
    assert section("## alignkg view\n`--focus`\n## alignkg export\n`--out`\n", "view") == "\n`--focus`\n"


def test_every_group_has_a_page_and_the_readme_links_it() -> None:
    readme = README.read_text(encoding="utf-8")
    assert sorted(p.stem for p in CLI_DOCS.glob("*.md")) == GROUPS
    for group in GROUPS:
        assert f"](docs/cli/{group}.md)" in readme, f"README.md does not link docs/cli/{group}.md"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_relative_links_lead_to_files(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#", 1)[0]).resolve()
        assert path.exists(), f"{page.relative_to(ROOT)} links {target}, which does not exist"


def test_quoted_figures_live_in_committed_files() -> None:
    """bench/results/ is not committed: a page may quote figures only from docs/benchmarks/."""
    for page in PAGES:
        assert "bench/results" not in page.read_text(encoding="utf-8"), page.relative_to(ROOT)


def resolves(dotted: str) -> bool:
    """Whether ``alignkg.a.b.c`` names a module or an attribute reachable from one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for part in parts[cut:]:
                found = getattr(found, part)
        except AttributeError:
            return False
        return True
    return False


def test_python_names_in_the_docs_exist() -> None:
    wrong = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for dotted in set(re.findall(r"(?<![\w/.-])alignkg(?:\.[A-Za-z_]\w*)+", text)):
            if dotted.rsplit(".", 1)[1] not in FILE_SUFFIXES and not resolves(dotted):
                wrong.append(f"{page.relative_to(ROOT)}: {dotted}")
    assert not wrong, wrong
