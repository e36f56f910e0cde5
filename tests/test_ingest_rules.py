"""Each ingestion rule on small texts written for the test: dates, people and posts, meetings,
directives, priority candidates and entity linking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from alignkg.ingest import Gazetteer, extract, read_document
from alignkg.ingest.extraction import Extraction
from alignkg.ingest.gazetteer import Link
from alignkg.ingest.script import to_simplified
from alignkg.model.errors import AlignkgError

ROOT = Path(__file__).resolve().parent.parent


def run(tmp_path: Path, text: str, published: str | None = None, name: str = "t.txt") -> Extraction:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(read_document(path, published=published))


def span_text(extraction: Extraction, span: object) -> str:
    start, end = span.start, span.end  # type: ignore[attr-defined]
    return extraction.document.text[start:end]


# --- dates -----------------------------------------------------------------------------------


def test_english_date_takes_the_year_of_publication(tmp_path: Path) -> None:
    x = run(tmp_path, "On December 16, the Party Committee of Aster Tin Group held a meeting.", "2024-12-18")
    date = x.meetings[0].date
    assert date is not None and date.value == dt.date(2024, 12, 16) and date.how == "year-from-publication"


def test_a_day_after_the_publication_day_belongs_to_the_year_before(tmp_path: Path) -> None:
    x = run(tmp_path, "12月30日上午，阿斯特锡业集团党委召开会议。", "2025-01-03")
    assert x.meetings[0].date is not None and x.meetings[0].date.value == dt.date(2024, 12, 30)


def test_without_publication_date_the_year_is_not_guessed(tmp_path: Path) -> None:
    x = run(tmp_path, "12月16日上午，阿斯特锡业集团党委常委会召开会议。")
    date = x.meetings[0].date
    assert date is not None and date.value is None and date.words == "12月16日"


def test_a_year_in_the_same_sentence_settles_the_date(tmp_path: Path) -> None:
    x = run(tmp_path, "Aster Tin Group's Party Committee held its 12th meeting of 2024 on June 18.")
    date = x.meetings[0].date
    assert date is not None and date.value == dt.date(2024, 6, 18) and date.how == "year-from-text"


def test_yesterday_counts_from_the_publication_date(tmp_path: Path) -> None:
    x = run(tmp_path, "昨天下午，阿斯特锡业集团党委常委会召开会议。", "2025-02-02")
    assert x.meetings[0].date is not None and x.meetings[0].date.value == dt.date(2025, 2, 1)


def test_a_stated_date_after_publication_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AlignkgError, match=r"t\.txt.*after the publication date 2025-01-10"):
        run(tmp_path, "On 12 January 2025, Aster Tin Group's Party Committee held a meeting.", "2025-01-10")


def test_a_weekday_that_contradicts_the_date_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AlignkgError, match="names a Monday"):
        run(tmp_path, "Aster Tin Group's Party Committee met on Monday, February 11.", "2025-02-13")


# --- people, posts and roles -----------------------------------------------------------------


def test_english_titles_before_and_after_names(tmp_path: Path) -> None:
    x = run(
        tmp_path,
        "On May 8, Aster Tin Group's Party Standing Committee held a meeting. Party Secretary and Chairman "
        "Gu Wenhai chaired the meeting. Ma Ling, Vice Party Secretary and General Manager, and Tan Yue, "
        "Chief Engineer, attended.",
        "2024-05-09",
    )
    meeting = x.meetings[0]
    assert meeting.chair is not None and meeting.chair.key == "Gu Wenhai"
    assert [p.code for p in meeting.chair.posts] == ["party-secretary", "chairman"]
    assert [(p.key, [q.code for q in p.posts]) for p in meeting.participants] == [
        ("Ma Ling", ["vice-party-secretary", "general-manager"]),
        ("Tan Yue", ["chief-engineer"]),
    ]


def test_a_plural_title_belongs_to_every_listed_name(tmp_path: Path) -> None:
    x = run(
        tmp_path,
        "Aster Tin Group's Party Committee met on May 8. The meeting was chaired by Secretary Gu Wenhai. "
        "Party Committee members Ma Ling, Tan Yue and Lu Fang attended.",
        "2024-05-09",
    )
    participants = x.meetings[0].participants
    assert [p.key for p in participants] == ["Ma Ling", "Tan Yue", "Lu Fang"]
    assert all([q.code for q in p.posts] == ["party-committee-member"] for p in participants)


def test_chinese_titles_names_and_shared_titles(tmp_path: Path) -> None:
    x = run(
        tmp_path,
        "5月8日，阿斯特锡业集团党委常委会召开会议。集团党委书记、董事长顾文海主持会议，"
        "集团党委副书记、总经理马玲，党委常委、副总经理谭悦、卢方出席会议。",
        "2024-05-09",
    )
    meeting = x.meetings[0]
    assert meeting.chair is not None and meeting.chair.key == "顾文海"
    assert [(p.key, [q.code for q in p.posts]) for p in meeting.participants] == [
        ("马玲", ["vice-party-secretary", "general-manager"]),
        ("谭悦", ["standing-committee-member", "deputy-general-manager"]),
        ("卢方", ["standing-committee-member", "deputy-general-manager"]),
    ]


def test_the_person_entrusted_to_preside_is_the_chair(tmp_path: Path) -> None:
    x = run(
        tmp_path,
        "5月8日，受集团党委书记、董事长顾文海委托，集团党委副书记、总经理马玲主持召开阿斯特锡业集团党委会议。",
        "2024-05-09",
    )
    assert x.meetings[0].chair is not None and x.meetings[0].chair.key == "马玲"


# --- meetings: body, host, ordinal, place ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "host"),
    [
        ("On May 8, Aster Tin Group's Party Committee held a meeting.", "party-committee", "Aster Tin Group"),
        (
            "On May 8, the Party Standing Committee of Aster Tin Group met.",
            "standing-committee",
            "Aster Tin Group",
        ),
        (
            "On May 8, the Party Committee theoretical study centre group of Aster Tin Group held a session.",
            "study-group",
            "Aster Tin Group",
        ),
        ("5月8日，阿斯特锡业集团党委理论学习中心组开展集体学习。", "study-group", "阿斯特锡业集团"),
        ("5月8日，阿斯特锡业集团召开党委（扩大）会议。", "party-committee", "阿斯特锡业集团"),
    ],
)
def test_body_and_host(tmp_path: Path, text: str, kind: str, host: str) -> None:
    body = run(tmp_path, text, "2024-05-09").meetings[0].body
    assert (body.kind, body.host) == (kind, host)


def test_ordinal_and_place(tmp_path: Path) -> None:
    x = run(
        tmp_path,
        "On May 8, Aster Tin Group's Party Committee held its 36th meeting of the year in Meeting Room 5.",
        "2024-05-09",
    )
    assert x.meetings[0].ordinal == 36 and x.meetings[0].place == "Meeting Room 5"
    x = run(tmp_path, "5月8日，阿斯特锡业集团党委常委会召开2024年第十八次会议。", "2024-05-09")
    assert x.meetings[0].ordinal == 18


def test_a_text_without_a_meeting_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AlignkgError, match=r"t\.txt.*no meeting found"):
        run(tmp_path, "Tin prices rose again this week as smelters cut output.")


# --- directives and points -------------------------------------------------------------------


def test_english_directives_with_occasions_and_his(tmp_path: Path) -> None:
    x = run(
        tmp_path,
        "On May 8, Aster Tin Group's Party Committee held a meeting. It studied Xi Jinping's important "
        "speech at the national conference on science and his instructions on flood control, and "
        'his article "On new industry", carried in Qiushi.',
        "2024-05-09",
    )
    assert [(d.issuer, d.what, d.occasion or d.title) for d in x.meetings[0].directives] == [
        ("Xi Jinping", "speech", "the national conference on science"),
        ("Xi Jinping", "instructions", "flood control"),
        ("Xi Jinping", "article", "On new industry"),
    ]


def test_chinese_directives_listed_with_he(tmp_path: Path) -> None:
    x = run(
        tmp_path,
        "5月8日，阿斯特锡业集团党委召开会议，传达学习习近平总书记在全国科技大会上的重要讲话精神和对防汛工作作出的重要指示精神。",
        "2024-05-09",
    )
    assert [(d.what, d.occasion) for d in x.meetings[0].directives] == [
        ("speech", "全国科技大会"),
        ("instructions", "防汛工作"),
    ]


def test_points_after_cues_are_candidates(tmp_path: Path) -> None:
    x = run(
        tmp_path,
        "5月8日，阿斯特锡业集团党委召开会议。\n\n会议强调，要加快新产线建设；要严格落实安全责任。\n\n会议还研究了其他事项。",
        "2024-05-09",
    )
    assert [span_text(x, p.span) for p in x.meetings[0].points] == ["要加快新产线建设", "要严格落实安全责任"]
    x = run(
        tmp_path,
        "Aster Tin Group's Party Committee met on May 8.\n\nThe meeting stressed that costs must fall. "
        "Analysts said prices would rise.\n\nThe tasks set were:\n\n- Cut waste.\n- Train staff.",
        "2024-05-09",
    )
    assert [span_text(x, p.span) for p in x.meetings[0].points] == [
        "costs must fall",
        "Cut waste",
        "Train staff",
    ]


# --- linking ---------------------------------------------------------------------------------


def test_chinese_and_pinyin_names_link_to_one_person() -> None:
    gazetteer = Gazetteer.from_data(ROOT / "data")
    assert gazetteer.person("孟凡英").id == gazetteer.person("Meng Fanying").id == "meng-fanying"
    # the Chinese name a source states is an skos:altLabel statement, which links by label
    assert gazetteer.person("孟繁英") == Link("meng-fanying", "label")
    assert gazetteer.person("李曉").id == "li-xiao"  # by the pinyin of the English-only label


def test_near_matches_are_choices_never_links() -> None:
    link = Gazetteer.from_data(ROOT / "data").person("Meng Fanyin")
    assert link.id is None and [c.id for c in link.choices] == ["meng-fanying"]


@pytest.mark.parametrize(
    "cell", ["Aster Tin@en|阿斯特锡业", "Aster Tin;阿斯特锡业"]
)  # "|" now, ";" as before
def test_aliases_column_is_read_when_present(tmp_path: Path, cell: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "entities.csv").write_text(
        "id,class,label_en,label_zh,description,source,aliases\n"
        f"aster-tin,ak:Enterprise,Aster Tin Group,阿斯特锡业集团,,s,{cell}\n",
        encoding="utf-8",
    )
    (data / "statements.csv").write_text("subject,predicate,object,value\n", encoding="utf-8")
    gazetteer = Gazetteer.from_data(data)
    assert gazetteer.organisation("Aster Tin").id == gazetteer.organisation("阿斯特錫業").id == "aster-tin"


def test_traditional_text_reads_as_simplified_for_matching() -> None:
    assert to_simplified("黨委書記、董事長") == "党委书记、董事长"


def test_a_directive_date_is_kept_where_the_text_states_it(tmp_path: Path) -> None:
    x = run(
        tmp_path,
        "5月8日，阿斯特锡业集团党委召开会议，传达学习习近平总书记5月6日在全国科技大会上的重要讲话精神。",
        "2024-05-09",
    )
    (directive,) = x.meetings[0].directives
    assert directive.date is not None and directive.date.value == dt.date(2024, 5, 6)
