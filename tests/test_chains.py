"""Alignment chains and metrics: on the shipped data, and on a fictional two-enterprise dataset whose
every metric is computed by hand below."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import alignkg

ROOT = Path(__file__).resolve().parent.parent
FICTIONAL = Path(__file__).parent / "fixtures" / "fictional"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"

PRIORITIES = {
    "akid:priority-directives-to-action",
    "akid:priority-discipline-anti-corruption",
    "akid:priority-safety-risk",
}


@pytest.fixture(scope="module")
def fictional() -> alignkg.BuiltGraph:
    return alignkg.build_graph(FICTIONAL, ONTOLOGY)


@pytest.fixture(scope="module")
def fictional_metrics(fictional: alignkg.BuiltGraph) -> dict[str, dict[str, object]]:
    frame = alignkg.alignment_metrics(fictional.dataset)
    return {str(row["enterprise"]): row for row in frame.to_dict("records")}


# --------------------------------------------------------------------------- shipped data


def test_shipped_chains_of_the_first_article(built: alignkg.BuildReport) -> None:
    chains = alignkg.alignment_chains(built.dataset)
    first = chains[chains["meeting"] == "akid:meeting-baogang-2025-01-09"]
    assert set(first["meeting_date"]) == {"2025-01-09"}
    lags = dict(zip(first["directive"], first["lag_days"], strict=True))
    # the CCDI session ran 6-8 January 2025 and no page held says which day Xi spoke: the lag runs from
    # the last day; no page held dates the Dingri earthquake or Xi's guidance on it, so that lag is unknown
    assert lags["akid:directive-xi-ccdi-address"] == 1
    assert pd.isna(lags["akid:directive-xi-dingri-earthquake"])
    address = first[first["directive"] == "akid:directive-xi-ccdi-address"].iloc[0]
    assert (address["directive_date"], address["directive_date_basis"]) == ("2025-01-08", "occasion end")
    assert address["directive_date_sources"] == "aksrc:chinastsi-ccdi-fourth-plenary"
    # 2 directives x 3 priorities, each tied to the directives only through the meeting as a whole
    assert len(first) == 6
    assert set(first["priority"]) == PRIORITIES
    assert set(first["serves_tie"]) == {"meeting"} and not first["serves_directive"].any()
    safety = first[first["priority"] == "akid:priority-safety-risk"].iloc[0]
    assert (
        safety["measures"]
        == "Put stringent safety protocols in place; Review potential risks comprehensively"
    )
    for column in ("implements_sources", "meeting_date_sources", "priority_sources", "serves_sources"):
        assert set(first[column]) == {"aksrc:baogang-directives-article"}, column


def test_shipped_chains_cover_both_enterprises_with_real_lags(built: alignkg.BuildReport) -> None:
    chains = alignkg.alignment_chains(built.dataset)
    assert set(chains["enterprise"]) == {"akid:baogang-group", "akid:china-northern-rare-earth"}
    pairs = chains.drop_duplicates(["directive", "meeting"])
    lags = {(d, m): int(n) for d, m, n in pairs[["directive", "meeting", "lag_days"]].dropna().values}
    assert lags[("akid:directive-xi-trump-call", "akid:meeting-baogang-2025-06-09-standing")] == 4
    assert lags[("akid:directive-xi-cewc-2024-speech", "akid:meeting-baogang-2024-12-20")] == 8
    assert len(lags) == 10
    # every lag's two dates rest on a source that states them
    dated = pairs.dropna(subset=["lag_days"])
    assert (dated["directive_date_sources"] != "").all() and (dated["meeting_date_sources"] != "").all()


def test_shipped_metrics(built: alignkg.BuildReport) -> None:
    frame = alignkg.alignment_metrics(built.dataset)
    rows = {row["enterprise"]: row for row in frame.to_dict("records")}
    baogang = rows["akid:baogang-group"]
    northern = rows["akid:china-northern-rare-earth"]
    assert (baogang["meetings"], northern["meetings"]) == (18, 8)  # the Huamei unit's meeting is Northern's
    assert baogang["median_lag_days"] == 6.0  # median of 1 2 3 3 4 8 8 9 9 10
    assert baogang["lags"] == 10 and northern["lags"] == 0
    assert math.isnan(northern["median_lag_days"])
    assert (baogang["background_links"], baogang["background_lags"]) == (0, 0)
    for ent in (baogang, northern):
        assert (
            ent["priorities_stated"] + ent["priorities_meeting_wide"] <= ent["priorities_at_studying_meeting"]
        )
        assert ent["priorities_at_studying_meeting"] <= ent["priorities"]


def test_chains_filter_by_enterprise(built: alignkg.BuildReport) -> None:
    northern = alignkg.alignment_chains(built.dataset, enterprise="akid:china-northern-rare-earth")
    assert set(northern["enterprise"]) == {"akid:china-northern-rare-earth"} and len(northern) > 0
    by_label = alignkg.alignment_chains(built.dataset, enterprise="China Northern Rare Earth Group")
    assert len(by_label) == len(northern)
    with pytest.raises(
        alignkg.AlignkgError,
        match=r"no enterprise 'baogang' in the graph; did you mean Baogang Group \(akid:baogang-group\)",
    ):
        alignkg.alignment_chains(built.dataset, enterprise="baogang")


# --------------------------------------------------------------------------- fictional data
#
# Northwind Steel Group (fictional)
#   meeting-nw-1 2030-03-05 (convened by a standing committee under its Party committee)
#     implements D1 (2030-03-01)                               lag 5 - 1            = 4
#     sets P1 (serves D1; measures M1, M2), P2 (serves nothing; M3)
#   meeting-nw-2 2030-03-20 (convened by the group)
#     implements D1 (2030-03-01)                               lag 20 - 1           = 19
#     implements D2 (2030-03-10, date from background)          lag 20 - 10          = 10
#     sets P3 (serves D2 by background only; M4)
#   directives followed {D1, D2}                                                     = 2
#   median lag of [4, 19, 10] = sorted [4, 10, 19] -> middle                         = 10
#   meetings citing a national directive {nw-1, nw-2}                          share   = 1
#   priorities {P1, P2, P3}; a source ties to a national directive {P1, P3}    share   = 2/3
#   (no tie marked, so each counts as tied to the item); at a studying meeting  share   = 3/3
#   links: implements nw-1>D1, nw-2>D1, nw-2>D2(bg)                                  = 3
#          sets priority nw-1>P1, nw-1>P2, nw-2>P3                                   = 3
#          serves P1>D1 (article and background: not background-only), P3>D2(bg)     = 2
#          measures P1>M1, P1>M2, P2>M3, P3>M4                                       = 4
#          total 12, background-only 2                                        share   = 2/12 = 1/6
#   lags 3, using a background date 1 (D2)                                    share   = 1/3
#
# Eastbay Rare Metals Corporation (fictional)
#   meeting-eb-1 2030-04-03 implements D3 (2030-04-01)                          lag   = 2
#                           implements D4 (no date)                             lag   = unknown
#                sets P4 (serves D3; M5, M6 from background), P5 (serves nothing; M7)
#   meeting-eb-2 2030-04-15 (date from background) implements D3               lag   = 14
#   directives followed {D3, D4}                                                     = 2
#   median lag of [2, 14] = (2 + 14) / 2                                             = 8
#   meetings citing a national directive {eb-1, eb-2}                          share   = 1
#   priorities {P4, P5}; tied {P4}                                              share   = 1/2
#   links: implements eb-1>D3, eb-1>D4, eb-2>D3 = 3; sets eb-1>P4, eb-1>P5 = 2;
#          serves P4>D3 = 1; measures P4>M5, P4>M6(bg), P5>M7 = 3;  total 9, bg 1 share   = 1/9
#   lags 2, using a background date 1 (eb-2's date)                           share   = 1/2

EXPECTED = {
    "akid:northwind-steel": {
        "meetings": 2,
        "directives_followed": 2,
        "median_lag_days": 10.0,
        "meetings_citing_directive": 2,
        "meeting_directive_share": 1.0,
        "priorities": 3,
        "priorities_stated": 2,
        "priority_stated_share": 2 / 3,
        "priorities_meeting_wide": 0,
        "priorities_at_studying_meeting": 3,
        "priority_at_studying_meeting_share": 1.0,
        "links": 12,
        "background_links": 2,
        "background_link_share": 2 / 12,
        "lags": 3,
        "background_lags": 1,
        "background_lag_share": 1 / 3,
    },
    "akid:eastbay-metals": {
        "meetings": 2,
        "directives_followed": 2,
        "median_lag_days": 8.0,
        "meetings_citing_directive": 2,
        "meeting_directive_share": 1.0,
        "priorities": 2,
        "priorities_stated": 1,
        "priority_stated_share": 1 / 2,
        "priorities_meeting_wide": 0,
        "priorities_at_studying_meeting": 2,
        "priority_at_studying_meeting_share": 1.0,
        "links": 9,
        "background_links": 1,
        "background_link_share": 1 / 9,
        "lags": 2,
        "background_lags": 1,
        "background_lag_share": 1 / 2,
    },
}


def test_the_fictional_dataset_is_labelled_as_such() -> None:
    entities = pd.read_csv(FICTIONAL / "entities.csv")
    assert entities["label_en"].str.endswith("(fictional)").all()
    sources = pd.read_csv(FICTIONAL / "sources.csv")
    assert sources["title"].str.contains("invented test data").all()


@pytest.mark.parametrize(
    ("enterprise", "metric"), [(e, m) for e, metrics in EXPECTED.items() for m in metrics]
)
def test_fictional_metric_equals_its_hand_computed_value(
    fictional_metrics: dict[str, dict[str, object]], enterprise: str, metric: str
) -> None:
    assert fictional_metrics[enterprise][metric] == pytest.approx(EXPECTED[enterprise][metric])


def test_fictional_metrics_cover_exactly_the_two_enterprises(
    fictional_metrics: dict[str, dict[str, object]],
) -> None:
    assert sorted(fictional_metrics) == sorted(EXPECTED)


def test_fictional_chains(fictional: alignkg.BuiltGraph) -> None:
    chains = alignkg.alignment_chains(fictional.dataset)
    key = list(zip(chains["directive"], chains["meeting"], chains["priority"], strict=True))
    # one row per directive, meeting and priority; a meeting without priorities keeps one row
    assert key == [
        ("akid:directive-d3", "akid:meeting-eb-1", "akid:priority-p4"),
        ("akid:directive-d3", "akid:meeting-eb-1", "akid:priority-p5"),
        ("akid:directive-d3", "akid:meeting-eb-2", None),
        ("akid:directive-d4", "akid:meeting-eb-1", "akid:priority-p4"),
        ("akid:directive-d4", "akid:meeting-eb-1", "akid:priority-p5"),
        ("akid:directive-d1", "akid:meeting-nw-1", "akid:priority-p1"),
        ("akid:directive-d1", "akid:meeting-nw-1", "akid:priority-p2"),
        ("akid:directive-d1", "akid:meeting-nw-2", "akid:priority-p3"),
        ("akid:directive-d2", "akid:meeting-nw-2", "akid:priority-p3"),
    ]
    lags = [None if pd.isna(v) else int(v) for v in chains["lag_days"]]
    assert lags == [2, 2, 14, None, None, 4, 4, 19, 10]
    assert list(chains["serves_directive"]) == [True, False, None, False, False, True, False, False, True]
    assert list(chains["issuer"][:3]) == ["President Ada Voss (fictional)"] * 3
    p1 = chains.iloc[5]
    assert p1["serves_sources"] == "aksrc:fictional-background; aksrc:fictional-gazette"
    assert p1["measures"] == "M1 Inspect every substation (fictional); M2 Train line crews (fictional)"
    assert chains.iloc[8]["implements_sources"] == "aksrc:fictional-background"
    assert chains.iloc[2]["meeting_date_sources"] == "aksrc:fictional-background"


def test_shortest_paths_carry_the_evidence_of_each_step(built: alignkg.BuildReport) -> None:
    graph = alignkg.to_networkx(built.dataset)
    paths = alignkg.shortest_paths(graph, "Xi Jinping", "akid:priority-safety-risk", evidence=built.dataset)
    assert len(paths) == 2
    for steps in paths:
        assert list(steps.columns) == [
            "from",
            "relation",
            "to",
            "source",
            "source_title",
            "locator",
            "evidence",
        ]
        assert steps["evidence"].notna().all()
    assert "The address to the commission is Xi's." in set(paths[0]["evidence"]) | set(paths[1]["evidence"])
    plain = alignkg.shortest_paths(graph, "Xi Jinping", "akid:priority-safety-risk")
    assert list(plain[0].columns) == ["from", "relation", "to", "source"]


def test_chains_and_metrics_are_the_same_on_an_oxigraph_store(tmp_path: Path) -> None:
    alignkg.build(FICTIONAL, ONTOLOGY, tmp_path)
    in_memory = alignkg.load_dataset(tmp_path / "alignkg.trig")
    with alignkg.open_store("oxigraph") as store:
        store.load(tmp_path / "alignkg.trig")
        pd.testing.assert_frame_equal(alignkg.alignment_metrics(store), alignkg.alignment_metrics(in_memory))
        pd.testing.assert_frame_equal(alignkg.alignment_chains(store), alignkg.alignment_chains(in_memory))


@pytest.mark.parametrize("command", ["chains", "metrics", "cascade"])
def test_analysis_commands_refuse_formats_they_cannot_write(command: str) -> None:
    from typer.testing import CliRunner

    from alignkg.cli import app

    result = CliRunner().invoke(app, [command, "--format", "turtle"])
    assert result.exit_code == 2
    assert "'turtle' is not one of" in result.output and "'md'" in result.output
