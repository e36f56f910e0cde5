"""Cascades of directives through a group of enterprises, and the metrics that keep a priority tied
to a directive apart from one merely set at a meeting that studied it: on an invented three-level
group whose every figure is worked out by hand below, and on the shipped data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import alignkg
from alignkg.cli import app

ROOT = Path(__file__).resolve().parent.parent
CASCADE = Path(__file__).parent / "fixtures" / "cascade"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"

runner = CliRunner()

# Alder Holdings (fictional) ⊃ Birch Metals (fictional) ⊃ Cedar Magnets (fictional) ⊃ Cedar works (a unit)
# Ida Rhee chairs Birch and is a deputy general manager of Alder: the two share an officer.
#
# Directive X, dated 2031-05-01
#   1 Alder  meeting-alder-1 2031-05-04  lag 3
#   2 Birch  meeting-birch-1 2031-05-10  lag 9;  parent Alder, its meeting of 05-04: 6 days; shared Ida Rhee
#   3 Cedar  meeting-cedar-1 2031-06-20 (first of two days; held by the Cedar works unit)  lag 50;
#            parent Birch (the nearest above that studied X), its latest meeting no later: 05-10, 41 days
#   4 Birch  meeting-birch-2 undated      lag unknown; parent Alder (05-04), lag unknown
# Directive Y, no date of its own; its occasion, the Ostland Forum, ran 2031-06-10 to 06-12
#   1 Alder  meeting-alder-2 2031-06-15  lag 3 from the forum's last day
#   2 Cedar  meeting-cedar-1 2031-06-20  lag 8; Birch never studied Y, so the parent is Alder: 5 days
# Directive Z, undated: Birch's undated meeting only.
EXPECTED_CASCADE = [
    ("akid:directive-x", 1, "akid:alder-holdings", "2031-05-04", 3, None, None, None, ""),
    (
        "akid:directive-x",
        2,
        "akid:birch-metals",
        "2031-05-10",
        9,
        "akid:alder-holdings",
        "2031-05-04",
        6,
        "Ida Rhee (fictional)",
    ),
    (
        "akid:directive-x",
        3,
        "akid:cedar-magnets",
        "2031-06-20",
        50,
        "akid:birch-metals",
        "2031-05-10",
        41,
        "",
    ),
    (
        "akid:directive-x",
        4,
        "akid:birch-metals",
        None,
        None,
        "akid:alder-holdings",
        "2031-05-04",
        None,
        "Ida Rhee (fictional)",
    ),
    ("akid:directive-y", 1, "akid:alder-holdings", "2031-06-15", 3, None, None, None, ""),
    (
        "akid:directive-y",
        2,
        "akid:cedar-magnets",
        "2031-06-20",
        8,
        "akid:alder-holdings",
        "2031-06-15",
        5,
        "",
    ),
    ("akid:directive-z", 1, "akid:birch-metals", None, None, None, None, None, ""),
]
COLUMNS = [
    "directive",
    "step",
    "enterprise",
    "meeting_date",
    "lag_days",
    "parent",
    "parent_meeting_date",
    "lag_from_parent_days",
    "shared_officers",
]

# Priorities: Alder A1 (tied to X itself), A2 (tied only through the meeting as a whole), A3 (not tied);
# Birch B1 (meeting as a whole); Cedar C1 (tied to Y itself). Every meeting cites a directive.
EXPECTED_METRICS = {
    "akid:alder-holdings": {
        "meetings": 2,
        "meetings_citing_directive": 2,
        "directives_followed": 2,
        "median_lag_days": 3.0,  # X 3, Y 3
        "priorities": 3,
        "priorities_stated": 1,
        "priority_stated_share": 1 / 3,
        "priorities_meeting_wide": 1,
        "priorities_at_studying_meeting": 3,
        "priority_at_studying_meeting_share": 1.0,
    },
    "akid:birch-metals": {
        "meetings": 2,
        "directives_followed": 2,  # X and Z
        "median_lag_days": 9.0,
        "priorities_stated": 0,
        "priorities_meeting_wide": 1,
        "priorities_at_studying_meeting": 1,
    },
    "akid:cedar-magnets": {
        "meetings": 1,  # the Cedar works unit's meeting is Cedar Magnets'
        "median_lag_days": 29.0,  # median of 50 and 8
        "priorities_stated": 1,
        "priority_stated_share": 1.0,
    },
}


@pytest.fixture(scope="module")
def group() -> alignkg.BuiltGraph:
    return alignkg.build_graph(CASCADE, ONTOLOGY)


def _rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame[COLUMNS].itertuples(index=False)]


def test_cascade_equals_its_hand_worked_steps(group: alignkg.BuiltGraph) -> None:
    frame = alignkg.directive_cascade(group.dataset)
    assert _rows(frame) == EXPECTED_CASCADE
    y = frame[frame["directive"] == "akid:directive-y"].iloc[0]
    assert (y["directive_date"], y["directive_date_basis"]) == ("2031-06-12", "occasion end")
    assert frame.iloc[0]["sources"] == "aksrc:ostland-wire"


@pytest.mark.parametrize(
    ("enterprise", "metric"), [(e, m) for e, metrics in EXPECTED_METRICS.items() for m in metrics]
)
def test_metric_equals_its_hand_computed_value(
    group: alignkg.BuiltGraph, enterprise: str, metric: str
) -> None:
    rows = {r["enterprise"]: r for r in alignkg.alignment_metrics(group.dataset).to_dict("records")}
    assert rows[enterprise][metric] == pytest.approx(EXPECTED_METRICS[enterprise][metric])


def test_chains_say_how_each_priority_is_tied(group: alignkg.BuiltGraph) -> None:
    chains = alignkg.alignment_chains(group.dataset, enterprise="alder-holdings")
    x = chains[chains["directive"] == "akid:directive-x"]
    assert dict(zip(x["priority"], x["serves_tie"], strict=True)) == {
        "akid:priority-a1": "item",
        "akid:priority-a2": "meeting",
        "akid:priority-a3": None,
    }
    assert dict(zip(x["priority"], x["serves_directive"], strict=True))["akid:priority-a2"] is False


@pytest.mark.parametrize(
    "name", ["directive-y", "akid:directive-y", "directive y on clean harbours (FICTIONAL)"]
)
def test_one_directive_by_id_or_label(group: alignkg.BuiltGraph, name: str) -> None:
    frame = alignkg.directive_cascade(group.dataset, name)
    assert list(frame["meeting"]) == ["akid:meeting-alder-2", "akid:meeting-cedar-1"]


def test_unknown_directive_lists_near_labels(group: alignkg.BuiltGraph) -> None:
    with pytest.raises(
        alignkg.AlignkgError,
        match=r"did you mean Directive Y on clean harbours \(fictional\) \(akid:directive-y\)",
    ):
        alignkg.directive_cascade(group.dataset, "clean harbours")


def test_min_enterprises_keeps_directives_studied_by_several(group: alignkg.BuiltGraph) -> None:
    frame = alignkg.directive_cascade(group.dataset, min_enterprises=3)
    assert set(frame["directive"]) == {"akid:directive-x"}


def test_cascade_is_the_same_on_an_oxigraph_store(group: alignkg.BuiltGraph, tmp_path: Path) -> None:
    alignkg.build(CASCADE, ONTOLOGY, tmp_path)
    in_memory = alignkg.load_dataset(tmp_path / "alignkg.trig")
    with alignkg.open_store("oxigraph") as store:
        store.load(tmp_path / "alignkg.trig")
        pd.testing.assert_frame_equal(alignkg.directive_cascade(store), alignkg.directive_cascade(in_memory))


def test_shipped_cascade_of_the_directive_both_enterprises_studied(built: alignkg.BuildReport) -> None:
    frame = alignkg.directive_cascade(built.dataset, min_enterprises=2)
    assert set(frame["directive"]) == {"akid:directive-eight-point-regulation"}
    huamei = frame[frame["meeting"] == "akid:meeting-cnre-huamei-2025-12-16"].iloc[0]
    # the meeting at Huamei, a unit of China Northern Rare Earth, 264 days after Baogang's forum
    assert (huamei["enterprise"], huamei["parent"]) == (
        "akid:china-northern-rare-earth",
        "akid:baogang-group",
    )
    assert (huamei["parent_meeting_date"], huamei["lag_from_parent_days"]) == ("2025-03-27", 264)
    assert huamei["shared_officers"] == "Liu Peixun"


def test_shipped_metrics_keep_stated_ties_apart_from_meetings_that_studied_directives(
    built: alignkg.BuildReport,
) -> None:
    rows = {r["enterprise"]: r for r in alignkg.alignment_metrics(built.dataset).to_dict("records")}
    baogang = rows["akid:baogang-group"]
    assert baogang["priorities_stated"] < baogang["priorities_at_studying_meeting"] <= baogang["priorities"]
    # the first article ties its three priorities to the directives only through the meeting as a whole
    chains = alignkg.alignment_chains(built.dataset)
    first = chains[chains["meeting"] == "akid:meeting-baogang-2025-01-09"]
    assert set(first["serves_tie"]) == {"meeting"}


def test_cli_cascade(group: alignkg.BuiltGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alignkg.build(CASCADE, ONTOLOGY, tmp_path / "build")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["cascade", "directive-x", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "### Directive X on port safety (fictional) — Ada Vale (fictional), 2031-05-01"
    )
    assert (
        "| 2 | Birch Metals (fictional) | Birch meeting of 10 May 2031 (fictional) | 2031-05-10 | 9 |"
        in result.stdout
    )
    as_csv = runner.invoke(app, ["cascade", "--format", "csv"])
    assert as_csv.exit_code == 0 and len(as_csv.stdout.splitlines()) == 1 + len(EXPECTED_CASCADE)
    missing = runner.invoke(app, ["cascade", "no such directive"])
    assert missing.exit_code == 1
    assert "error: no directive 'no such directive' in the graph; did you mean " in missing.stderr
