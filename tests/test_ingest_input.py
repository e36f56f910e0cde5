"""Ingestion inputs: bad files get a clear error naming them and change nothing, spans index the
original text (Traditional Chinese included), pages are read without any network access, and
drafts have the promised shape and read back."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from alignkg.ingest import Draft, ingest, read_document, read_draft
from alignkg.ingest.draft import ENTITY_DRAFT_COLUMNS, SOURCE_DRAFT_COLUMNS, STATEMENT_DRAFT_COLUMNS
from alignkg.ingest.script import to_simplified
from alignkg.ingest.spans import MAX_QUOTE_CHARS, MAX_QUOTE_WORDS, is_chinese
from alignkg.model.errors import AlignkgError, DataError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ingest" / "tuned"
GOOD = "On May 8, Aster Tin Group's Party Committee held a meeting. Party Secretary Gu Wenhai chaired it."


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"  \n\n", "file is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("gbk.txt", "会议由集团党委书记主持".encode("gb18030"), "cannot decode line 1 as UTF-8"),
        (
            "index.html",
            b"<html><head><title>Index</title></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a>"
            b"</nav><ul><li><a href='/1'>Story one</a></li><li><a href='/2'>Story two</a></li></ul>"
            b"</body></html>",
            "no main text",
        ),
        ("weather.txt", b"Rain is expected across the north tomorrow.", "no meeting found"),
    ],
)
def test_bad_input_names_the_file_and_writes_nothing(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = write(tmp_path, name, data)
    out = tmp_path / "drafts"
    with pytest.raises(AlignkgError, match=message) as caught:
        ingest([path], data_dir=None, out_dir=out)
    assert name in str(caught.value)
    assert not out.exists()


def test_a_date_after_publication_fails_the_whole_batch(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", GOOD)
    late = write(tmp_path, "late.txt", "On 12 June 2024, Aster Tin Group's Party Committee held a meeting.")
    out = tmp_path / "drafts"
    with pytest.raises(AlignkgError, match=r"late\.txt.*after the publication date"):
        ingest([good, late], published="2024-06-01", data_dir=None, out_dir=out)
    assert not out.exists()
    empty = write(tmp_path, "empty.txt", "")
    with pytest.raises(DataError) as caught:
        ingest([late, empty], published="2024-06-01", data_dir=None, out_dir=out)
    assert len(caught.value.errors) == 2


def test_explicit_options_override_the_file(tmp_path: Path) -> None:
    page = FIXTURES / "en_qingmu_committee.html"
    document = read_document(page, url="https://override.example/x", published="2025-02-20")
    assert document.url == "https://override.example/x" and document.published.isoformat() == "2025-02-20"
    assert read_document(page).published.isoformat() == "2025-02-13"


def test_spans_index_the_original_traditional_text(tmp_path: Path) -> None:
    (draft,) = ingest(
        [FIXTURES / "zh_lanshui_trad.txt"], published="2024-06-27", data_dir=ROOT / "data", out_dir=None
    )
    original = (FIXTURES / "zh_lanshui_trad.txt").read_text(encoding="utf-8")
    assert draft.text == original
    rows = [r for r in draft.entities + draft.statements if r["start"]]
    assert rows
    for row in rows:
        piece = original[int(row["start"]) : int(row["end"])]
        assert piece.startswith(row["quote"]), row
    chair = next(r for r in draft.statements if r["predicate"] == "ak:chairedBy")
    assert original[int(chair["start"]) : int(chair["end"])].endswith("周明遠")  # Traditional, as written
    assert next(e for e in draft.entities if e["id"] == "zhou-mingyuan")["label_zh"] == "周明远"


def test_conversion_that_changes_length_falls_back_to_characters() -> None:
    def stretching(text: str) -> str:  # a table mapping one phrase to a longer one
        return to_simplified(text).replace("记忆体", "内存储器")

    assert len(stretching("記憶體")) == 4
    assert to_simplified("記憶體在黨委", stretching) == "记忆体在党委"
    assert to_simplified("他說記憶體很大\n黨委常委會", stretching) == "他说记忆体很大\n党委常委会"


def test_quotes_are_short() -> None:
    drafts = ingest(
        sorted(FIXTURES.glob("*.txt")), data_dir=ROOT / "data", out_dir=None, published="2025-04-30"
    )
    for draft in drafts:
        for row in draft.entities + draft.statements:
            quote = row["quote"]
            if is_chinese(quote):
                assert len(quote) <= MAX_QUOTE_CHARS
            else:
                assert len(quote.split()) <= MAX_QUOTE_WORDS


def test_json_shape_and_draft_folder_read_back(tmp_path: Path) -> None:
    (draft,) = ingest([FIXTURES / "en_baogang_second.md"], data_dir=ROOT / "data", out_dir=tmp_path)
    data = json.loads(draft.to_json())
    assert {"source", "entities", "statements"} <= set(data)
    assert list(data["source"]) == SOURCE_DRAFT_COLUMNS
    assert all(list(e) == ENTITY_DRAFT_COLUMNS for e in data["entities"])
    assert all(list(s) == STATEMENT_DRAFT_COLUMNS for s in data["statements"])
    dated = next(s for s in data["statements"] if s["predicate"] == "dcterms:date")
    assert isinstance(dated["start"], int) and isinstance(dated["confidence"], float)
    folder = tmp_path / draft.source_id
    assert sorted(p.name for p in folder.iterdir()) == [
        "draft.json",
        "entities.csv",
        "source.csv",
        "statements.csv",
        "text.txt",
    ]
    assert Draft.from_json((folder / "draft.json").read_text(encoding="utf-8")).to_json() == draft.to_json()
    again = read_draft(folder)
    assert [r["id"] for r in again.entities] == [r["id"] for r in draft.entities]
    assert again.text == draft.text


def test_same_input_gives_byte_identical_drafts(tmp_path: Path) -> None:
    paths = [FIXTURES / "zh_baogang_changwei.txt", FIXTURES / "en_northern_study.txt"]
    first = ingest(paths, published="2025-01-10", data_dir=ROOT / "data", out_dir=tmp_path / "a")
    ingest(paths, published="2025-01-10", data_dir=ROOT / "data", out_dir=tmp_path / "b")
    for draft in first:
        for name in ("source.csv", "entities.csv", "statements.csv", "draft.json"):
            assert (tmp_path / "a" / draft.source_id / name).read_bytes() == (
                tmp_path / "b" / draft.source_id / name
            ).read_bytes()


def test_unresolved_date_keeps_the_words_and_no_date_row(tmp_path: Path) -> None:
    (draft,) = ingest([FIXTURES / "en_yunshan_undated.txt"], data_dir=None, out_dir=None)
    assert not [s for s in draft.statements if s["predicate"] == "dcterms:date"]
    meeting = next(e for e in draft.entities if e["class"] == "ak:Meeting")
    assert "'March 3'" in meeting["description"]


def test_resolved_date_evidence_names_the_phrase_and_publication_date() -> None:
    (draft,) = ingest([FIXTURES / "zh_qingmu_dangwei.html"], data_dir=None, out_dir=None)
    dated = next(s for s in draft.statements if s["predicate"] == "dcterms:date")
    assert dated["value"] == "2025-02-12"
    assert "'2月12日'" in dated["evidence"] and "2025-02-14" in dated["evidence"]


PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Aster Tin committee meets</title>
<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
<script src="http://127.0.0.1:{port}/app.js"></script>
<link rel="canonical" href="http://127.0.0.1:{port}/story">
</head><body><article><h1>Aster Tin committee meets</h1>
<img src="http://127.0.0.1:{port}/photo.jpg">
<p>On May 8, Aster Tin Group's Party Committee held a meeting in its headquarters. Party Secretary
Gu Wenhai chaired the meeting, and General Manager Ma Ling attended.</p>
<p>The meeting stressed that every smelter must cut energy use. <a href="http://127.0.0.1:{port}/more">More</a></p>
<iframe src="http://127.0.0.1:{port}/frame"></iframe>
</article></body></html>"""


def test_reading_a_page_makes_no_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    accepted: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept())
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        attempts.append(address)
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or [])
    try:
        page = write(tmp_path, "page.html", PAGE.format(port=port))
        (draft,) = ingest([page], published="2024-05-09", data_dir=None, out_dir=tmp_path / "drafts")
    finally:
        stop.set()
        thread.join()
        listener.close()
    assert attempts == [] and accepted == []
    assert "Gu Wenhai" in draft.text and draft.source["description"].startswith(
        "Saved copy of http://127.0.0.1"
    )


def test_a_draft_of_a_crlf_text_reads_back_with_its_spans(tmp_path: Path) -> None:
    path = write(
        tmp_path, "crlf.txt", "Aster Tin committee meets\r\n\r\n" + GOOD.replace(". ", ".\r\n") + "\r\n"
    )
    (draft,) = ingest([path], published="2024-05-09", data_dir=None, out_dir=tmp_path / "drafts")
    again = read_draft(tmp_path / "drafts" / draft.source_id)
    assert again.text == draft.text and "\r\n" in again.text
    spanned = [r for r in again.statements if r["start"]]
    assert spanned
    for row in spanned:
        assert again.text[int(row["start"]) : int(row["end"])].startswith(row["quote"]), row


def test_a_folder_is_read_in_name_order_with_progress(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("b.txt", "a.md", ".hidden.txt", "notes.gold.json"):
        write(folder, name, GOOD.replace("May 8", "May 7") if name == "a.md" else GOOD)
    told: list[tuple[int, int, str]] = []
    drafts = ingest(
        [folder],
        published="2024-05-09",
        data_dir=None,
        out_dir=None,
        progress=lambda done, total, path: told.append((done, total, path.name)),
    )
    assert [Path(d.input).name for d in drafts] == ["a.md", "b.txt"]
    assert told == [(0, 2, "a.md"), (1, 2, "b.txt"), (2, 2, "b.txt")]
    (tmp_path / "nothing").mkdir()
    with pytest.raises(AlignkgError, match=r"nothing: folder holds no page or text to read"):
        ingest([tmp_path / "nothing"], data_dir=None, out_dir=None)
