"""Every shipped competency query gives its reviewed (golden) answer on the shipped data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import alignkg
from alignkg.stores.protocol import query_form

GOLDEN = Path(__file__).parent / "golden"
NAMES = [q.name for q in alignkg.shipped_queries()]


def test_at_least_twelve_queries_each_with_a_question() -> None:
    queries = alignkg.shipped_queries()
    assert len(queries) >= 12
    for named in queries:
        assert named.question.endswith("?"), named.name


def test_every_query_has_a_golden_answer() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.csv")) == sorted(NAMES)


def client_query_type(text: str) -> str:
    """The form SPARQLWrapper guesses for a query, which decides whether it sends it as an update."""
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper("http://127.0.0.1/")
    client.setQuery(text)
    return str(client.queryType)


@pytest.mark.parametrize("name", NAMES)
def test_a_sparql_client_takes_each_query_for_what_it_is(name: str) -> None:
    # SPARQLWrapper strips only some comment lines, then takes the first update keyword it finds
    # anywhere, even inside a word ("address", "load order"), and sends such a query as an update
    from alignkg.model.terms import with_prefixes
    from alignkg.queries.named import bind_parameters

    named = alignkg.get_query(name)
    for text in (named.text, with_prefixes(bind_parameters(named))[0]):
        assert client_query_type(text) == query_form(text), name


def test_the_client_check_catches_a_comment_that_reads_as_an_update() -> None:
    text = "# Which sources, and how many statements?\n# Listed in load order.\nSELECT ?s WHERE { ?s ?p ?o }"
    assert query_form(text) == "SELECT"
    assert client_query_type(text) == "LOAD"


@pytest.mark.parametrize("name", NAMES)
def test_golden_answer(built: alignkg.BuildReport, name: str) -> None:
    result = alignkg.run_query(built.dataset, name)
    expected = (GOLDEN / f"{name}.csv").read_text(encoding="utf-8")
    assert result.to_csv() == expected.replace("\r\n", "\n").replace("\n", "\r\n")


def test_lags_run_from_a_stated_date_or_the_last_day_of_the_occasion(built: alignkg.BuildReport) -> None:
    frame = alignkg.query(built.dataset, "directive-lag")
    lags = {(d, m): (int(n), b) for d, m, n, b in frame[["directive", "meeting", "lagDays", "basis"]].values}
    # the CCDI session ran 6-8 January 2025; no page held says which day Xi spoke: the lag runs from the 8th
    assert lags[
        (
            "Xi Jinping's address to the 20th CCDI",
            "Baogang Party Standing Committee meeting of 9 January 2025",
        )
    ] == (
        1,
        "occasion end",
    )
    call = (
        "Xi Jinping's phone call with Donald Trump",
        "Baogang Party Standing Committee and Party-building leadership group meeting of 9 June 2025",
    )
    assert lags[call] == (4, "directive")
    # no page held dates the Dingri earthquake or Xi's guidance on it, so that lag is unknown, not guessed
    assert "Xi Jinping's guidance on the Dingri earthquake response" not in set(frame["directive"])
    assert len(frame) == 10


def test_parameter_is_bound_into_values(built: alignkg.BuildReport) -> None:
    frame = alignkg.query(built.dataset, "entity-evidence", {"entity": "li-xiao"})
    assert set(frame["subject"]) | set(frame["object"]) >= {"Li Xiao"}
    assert "Meng Fanying" not in set(frame["subject"])


def test_unknown_parameter_is_refused(built: alignkg.BuildReport) -> None:
    with pytest.raises(alignkg.AlignkgError, match="has no parameter 'person'"):
        alignkg.query(built.dataset, "entity-evidence", {"person": "li-xiao"})


def test_parameter_value_that_names_nothing_is_refused_not_run(built: alignkg.BuildReport) -> None:
    with pytest.raises(alignkg.AlignkgError, match=r"no entity 'x> \} \?s \?p \?o \{' in the graph"):
        alignkg.query(built.dataset, "entity-evidence", {"entity": "x> } ?s ?p ?o {"})
    from alignkg.queries.named import bind_parameters

    with pytest.raises(alignkg.AlignkgError, match="is not an entity id"):
        bind_parameters(alignkg.get_query("entity-evidence"), {"entity": "x> } ?s ?p ?o {"})


def test_unknown_query_name_lists_known_names() -> None:
    with pytest.raises(alignkg.AlignkgError, match="known queries: advantages"):
        alignkg.get_query("no-such-query")


def test_syntax_error_reports_line_and_column_of_the_users_text(built: alignkg.BuildReport) -> None:
    with pytest.raises(alignkg.AlignkgError, match="query line 2, column"):
        alignkg.query(built.dataset, "SELECT ?s WHERE {\n  ?s ?p \n}")


def test_json_is_w3c_sparql_results(built: alignkg.BuildReport) -> None:
    import json

    document = json.loads(alignkg.run_query(built.dataset, "directive-lag").to_json())
    assert document["head"]["vars"] == [
        "directive",
        "directiveDate",
        "basis",
        "meeting",
        "meetingDate",
        "lagDays",
    ]
    first = document["results"]["bindings"][0]
    assert first["directive"] == {
        "type": "literal",
        "value": "Xi Jinping's message to the U.S.-China Business Council",
        "xml:lang": "en",
    }
    assert first["directiveDate"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"


def test_ask_query(built: alignkg.BuildReport) -> None:
    result = alignkg.run_query(
        built.dataset, "ASK { akid:meng-fanying org:holds akid:post-baogang-chairman }"
    )
    assert result.boolean is True
    assert result.to_json() == '{\n  "head": {},\n  "boolean": true\n}'


def test_markdown_escapes_pipes() -> None:
    from rdflib import Literal

    table = alignkg.QueryResult(["x"], [(Literal("a|b"),)]).to_markdown()
    assert "a\\|b" in table


def test_csv_cells_of_a_term_that_recurs_and_of_an_unbound_value() -> None:
    from rdflib import Literal, URIRef

    formula, iri = Literal("=SUM(A1)"), URIRef("https://w3id.org/alignkg/id/li-xiao")
    rows = [(formula, iri, None), (formula, iri, Literal(-5)), (Literal("=SUM(A1)"), None, formula)]
    table = alignkg.QueryResult(["a", "b", "c"], rows)
    assert table.to_csv().splitlines() == [
        "a,b,c",
        "'=SUM(A1),https://w3id.org/alignkg/id/li-xiao,",
        "'=SUM(A1),https://w3id.org/alignkg/id/li-xiao,-5",
        "'=SUM(A1),,'=SUM(A1)",
    ]
    assert table.to_text_rows()[1] == ["=SUM(A1)", "akid:li-xiao", "-5"]


def test_sparql_returns_the_quote_and_its_offsets(built: alignkg.BuildReport) -> None:
    frame = alignkg.query(built.dataset, "quotes", {"entity": "liu-peixun"})
    deputy = frame[frame["object"] == "Deputy General Manager of Baogang Group"]
    assert set(deputy["quote"]) == {
        "Liu has been the Deputy General Manager of Boagang Group",
        "and a deputy GM of Baogang Group",
    }
    for quote, start, end in deputy[["quote", "start", "end"]].values:
        assert int(end) - int(start) == len(quote)


def test_both_enterprises_studied_the_eight_point_regulation_264_days_apart(
    built: alignkg.BuildReport,
) -> None:
    frame = alignkg.query(built.dataset, "shared-directives")
    assert frame.to_dict("records") == [
        {
            "directive": "The Central Eight-point Regulation",
            "first": "Baogang Group",
            "firstDate": dt.date(2025, 3, 27),
            "second": "China Northern Rare Earth Group",
            "secondDate": dt.date(2025, 12, 16),
            "gapDays": 264,
        }
    ]
