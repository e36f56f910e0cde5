"""Names as people write them: every entity argument takes an akid: id, a bare id, a full IRI, an
English or Chinese label or an alias, in any case, on every store; a name that matches nothing
fails with the closest names, never with an empty answer; classes take their subclasses."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import alignkg
from alignkg.cli import app
from alignkg.queries.resolve import resolve_class, resolve_entity

runner = CliRunner()


@pytest.fixture(scope="module", params=["memory", "oxigraph"])
def data(request: pytest.FixtureRequest, built: alignkg.BuildReport) -> Iterator[alignkg.Store | object]:
    """The shipped graph as rdflib's Dataset and as an Oxigraph store."""
    if request.param == "memory":
        yield built.dataset
        return
    trig = next(p for p in built.files if p.suffix == ".trig")
    with alignkg.open_store("oxigraph") as store:
        store.load(trig)
        yield store


@pytest.mark.parametrize(
    "name",
    [
        "akid:li-xiao",
        "li-xiao",
        "LI-XIAO",
        "https://w3id.org/alignkg/id/li-xiao",
        "<https://w3id.org/alignkg/id/li-xiao>",
        "Li Xiao",
        "li xiao",
        "  Li   Xiao ",
    ],
)
def test_an_entity_by_id_iri_or_label_in_any_case(data: alignkg.Store, name: str) -> None:
    assert resolve_entity(data, name) == "akid:li-xiao"


def test_a_chinese_label(data: alignkg.Store) -> None:
    assert resolve_entity(data, "孟繁英") == "akid:meng-fanying"  # her Chinese name, an alias with its source
    assert resolve_entity(data, "包钢集团") == "akid:baogang-group"


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("lixiao", "did you mean Li Xiao (akid:li-xiao)?"),
        ("akid:lixiao", "did you mean Li Xiao (akid:li-xiao)?"),
        ("Meng Fanyin", "did you mean Meng Fanying (akid:meng-fanying)?"),
    ],
)
def test_an_unknown_entity_offers_the_closest_names(data: alignkg.Store, name: str, hint: str) -> None:
    with pytest.raises(alignkg.AlignkgError, match=f"no entity {name!r} in the graph") as caught:
        resolve_entity(data, name)
    assert str(caught.value).endswith(hint)


def test_a_name_like_nothing_says_so_without_guesses(data: alignkg.Store) -> None:
    with pytest.raises(alignkg.AlignkgError, match=r"^no entity 'qqqqqqqq' in the graph$"):
        resolve_entity(data, "qqqqqqqq")


def test_within_a_class_narrows_matches_and_guesses(data: alignkg.Store) -> None:
    assert resolve_entity(data, "Baogang Group", within="ak:Enterprise") == "akid:baogang-group"
    with pytest.raises(
        alignkg.AlignkgError, match=r"no enterprise 'Baogang'.*Baogang Group \(akid:baogang-group\)\?$"
    ):
        resolve_entity(data, "Baogang", within="ak:Enterprise", what="enterprise")
    with pytest.raises(alignkg.AlignkgError, match="no enterprise 'Meng Fanying'"):
        resolve_entity(data, "Meng Fanying", within="ak:Enterprise", what="enterprise")


def test_a_shared_label_lists_the_entities(project: Path) -> None:
    rows = list(csv.reader((project / "data" / "entities.csv").read_text(encoding="utf-8").splitlines()))
    for row in rows:
        if row[0] == "li-xiao":
            row[2] = "Meng Fanying"
    with (project / "data" / "entities.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    dataset = alignkg.build_graph("data", "ontology/alignkg.ttl").dataset
    with pytest.raises(alignkg.AlignkgError, match="several entities: akid:li-xiao, akid:meng-fanying"):
        resolve_entity(dataset, "meng fanying")


def test_an_alias_names_its_entity(project: Path) -> None:
    """skos:altLabel in the tables (a fixture alias written for this test) is accepted everywhere."""
    with (project / "data" / "statements.csv").open("a", encoding="utf-8", newline="") as handle:
        alias = ["baogang-group", "skos:altLabel", "", "Test Alias Steel", "", "en"]
        csv.writer(handle, lineterminator="\n").writerow(
            [*alias, "baogang-directives-article", "", "A test alias.", "", "", "", "", "", ""]
        )
    dataset = alignkg.build_graph("data", "ontology/alignkg.ttl").dataset
    assert resolve_entity(dataset, "test alias steel") == "akid:baogang-group"
    assert alignkg.to_networkx(dataset, focus="Test Alias Steel").graph["focus"] == "akid:baogang-group"
    assert len(alignkg.alignment_chains(dataset, enterprise="Test Alias Steel")) == 68


def test_a_class_takes_its_subclasses(data: alignkg.Store) -> None:
    organisation = resolve_class(data, "Organization")
    assert organisation.id == "org:Organization"
    assert {"ak:StateOwnedEnterprise", "ak:PartyCommittee", "ak:State"} <= set(organisation.members)
    assert "ak:CompanyGroup" not in organisation.members  # a foaf:Group, not an organisation
    assert set(resolve_class(data, "org:Post").members) >= {
        "ak:PartySecretary",
        "ak:Chairman",
        "ak:StatePost",
    }
    assert resolve_class(data, "党委书记").id == "ak:PartySecretary"
    assert resolve_class(data, "party secretary").members == ("ak:PartySecretary",)


def test_an_unknown_class_offers_the_closest(data: alignkg.Store) -> None:
    with pytest.raises(alignkg.AlignkgError, match=r"no class 'Organisation'.*did you mean org:Organization"):
        resolve_class(data, "Organisation")
    with pytest.raises(alignkg.AlignkgError, match="'Agent' names several classes: foaf:Agent, prov:Agent"):
        resolve_class(data, "Agent")


def test_view_classes_follow_subclasses(built: alignkg.BuildReport) -> None:
    whole = alignkg.to_networkx(built.dataset)
    organisations = alignkg.to_networkx(built.dataset, classes=["Organization"])
    members = set(resolve_class(built.dataset, "Organization").members)
    assert set(organisations.nodes) == {n for n, d in whole.nodes(data=True) if d["class"] in members}
    assert organisations.number_of_nodes() == 16  # was 1 while only the class itself was matched
    assert organisations.graph["shown"] == "entities of class org:Organization and its subclasses"
    posts = alignkg.to_networkx(built.dataset, classes=["org:Post"])
    assert {d["group"] for _, d in posts.nodes(data=True)} == {"posts"} and len(posts) == 12


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def built_project(project: Path) -> Path:
    assert runner.invoke(app, ["build"]).exit_code == 0
    return project


@pytest.mark.parametrize("value", ["akid:li-xiao", "li-xiao", "Li Xiao", "LI XIAO"])
def test_query_param_takes_what_outputs_print(built_project: Path, value: str) -> None:
    result = runner.invoke(app, ["query", "entity-evidence", "--param", f"entity={value}", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 13  # header and the twelve statements about Li Xiao


def test_query_param_that_names_nothing_fails_with_a_hint(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "entity-evidence", "--param", "entity=lixiao"])
    assert result.exit_code == 1
    assert "no entity 'lixiao' in the graph; did you mean Li Xiao (akid:li-xiao)?" in result.stderr
    assert result.stdout == ""


def test_chains_enterprise_by_label(built_project: Path) -> None:
    by_label = runner.invoke(app, ["chains", "--enterprise", "Baogang Group", "--format", "csv"])
    by_id = runner.invoke(app, ["chains", "--enterprise", "baogang-group", "--format", "csv"])
    assert by_label.exit_code == 0, by_label.output
    assert by_label.stdout == by_id.stdout
    assert runner.invoke(app, ["chains", "--enterprise", "Baogang"]).exit_code == 1


def test_query_titles_count_rows_in_the_right_number(built_project: Path) -> None:
    one = runner.invoke(app, ["query", "SELECT ?x WHERE { VALUES ?x { akid:li-xiao } }"])
    assert "1 row\n" in one.stdout and "1 rows" not in one.stdout
    none = runner.invoke(app, ["query", "SELECT ?x WHERE { ?x a ak:Nothing }"])
    assert "0 rows" in none.stdout
    chains = runner.invoke(app, ["chains"])
    assert "82 chains" in chains.stdout
