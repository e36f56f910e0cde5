"""Every shipped competency query gives its reviewed (golden) answer on the shipped data."""

from __future__ import annotations

from pathlib import Path

import pytest

import alignkg

GOLDEN = Path(__file__).parent / "golden"
NAMES = [q.name for q in alignkg.shipped_queries()]


def test_at_least_twelve_queries_each_with_a_question() -> None:
    queries = alignkg.shipped_queries()
    assert len(queries) >= 12
    for named in queries:
        assert named.question.endswith("?"), named.name


def test_every_query_has_a_golden_answer() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.csv")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_golden_answer(built: alignkg.BuildReport, name: str) -> None:
    result = alignkg.run_query(built.dataset, name)
    expected = (GOLDEN / f"{name}.csv").read_text(encoding="utf-8")
    assert result.to_csv() == expected.replace("\r\n", "\n").replace("\n", "\r\n")


def test_lags_are_three_and_two_days(built: alignkg.BuildReport) -> None:
    frame = alignkg.query(built.dataset, "directive-lag")
    assert dict(zip(frame["directive"], frame["lagDays"], strict=True)) == {
        "Xi Jinping's address to the 20th CCDI": 3,
        "Xi Jinping's guidance on the Dingri earthquake response": 2,
    }


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
    assert document["head"]["vars"] == ["directive", "directiveDate", "meeting", "meetingDate", "lagDays"]
    first = document["results"]["bindings"][0]
    assert first["directive"] == {
        "type": "literal",
        "value": "Xi Jinping's address to the 20th CCDI",
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
