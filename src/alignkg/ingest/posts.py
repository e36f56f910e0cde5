"""The posts that readouts name beside a person (Party Secretary, 董事长, ...): their codes, the
ontology class each maps to, and where the post exists (the enterprise, its Party committee or
its standing committee)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PostKind:
    """One kind of post: a code, its class, where it is held and its English and Chinese names."""

    code: str
    cls: str
    held_in: str  # "enterprise", "party-committee", "standing-committee" or "state"
    en: str
    zh: str


POST_KINDS = {
    kind.code: kind
    for kind in [
        PostKind("party-secretary", "ak:PartySecretary", "party-committee", "Party Secretary", "党委书记"),
        PostKind(
            "vice-party-secretary",
            "ak:VicePartySecretary",
            "party-committee",
            "Vice Party Secretary",
            "党委副书记",
        ),
        PostKind(
            "standing-committee-member",
            "ak:PartyPost",
            "standing-committee",
            "Party Standing Committee member",
            "党委常委",
        ),
        PostKind(
            "party-committee-member", "ak:PartyPost", "party-committee", "Party Committee member", "党委委员"
        ),
        PostKind(
            "discipline-secretary",
            "ak:PartyPost",
            "party-committee",
            "Discipline Inspection Secretary",
            "纪委书记",
        ),
        PostKind("chairman", "ak:Chairman", "enterprise", "Chairman", "董事长"),
        PostKind("vice-chairman", "ak:CorporatePost", "enterprise", "Vice Chairman", "副董事长"),
        PostKind("general-manager", "ak:GeneralManager", "enterprise", "General Manager", "总经理"),
        PostKind(
            "deputy-general-manager", "ak:CorporatePost", "enterprise", "Deputy General Manager", "副总经理"
        ),
        PostKind("chief-accountant", "ak:CorporatePost", "enterprise", "Chief Accountant", "总会计师"),
        PostKind("chief-engineer", "ak:CorporatePost", "enterprise", "Chief Engineer", "总工程师"),
        PostKind(
            "chief-legal-counsel", "ak:CorporatePost", "enterprise", "Chief Legal Counsel", "总法律顾问"
        ),
        PostKind("employee-director", "ak:CorporatePost", "enterprise", "Employee Director", "职工董事"),
        PostKind("director", "ak:CorporatePost", "enterprise", "Director", "董事"),
        PostKind("union-chair", "org:Post", "enterprise", "Trade Union Chair", "工会主席"),
        PostKind("general-secretary", "ak:PartyPost", "state", "General Secretary", "总书记"),
        PostKind("president-of-china", "ak:StatePost", "state", "President", "国家主席"),
        PostKind("premier", "ak:StatePost", "state", "Premier", "国务院总理"),
    ]
}

# Chinese titles, longest first so that 党委副书记 wins over 书记.
_ZH_TITLES = [
    ("党委副书记", "vice-party-secretary"),
    ("党组副书记", "vice-party-secretary"),
    ("党委书记", "party-secretary"),
    ("党组书记", "party-secretary"),
    ("党委常委", "standing-committee-member"),
    ("党委委员", "party-committee-member"),
    ("纪委书记", "discipline-secretary"),
    ("纪检书记", "discipline-secretary"),
    ("纪检监察组组长", "discipline-secretary"),
    ("副董事长", "vice-chairman"),
    ("董事长", "chairman"),
    ("副总经理", "deputy-general-manager"),
    ("总经理", "general-manager"),
    ("总会计师", "chief-accountant"),
    ("总工程师", "chief-engineer"),
    ("总法律顾问", "chief-legal-counsel"),
    ("职工董事", "employee-director"),
    ("外部董事", "director"),
    ("董事", "director"),
    ("工会主席", "union-chair"),
    ("副书记", "vice-party-secretary"),
    ("书记", "party-secretary"),
    ("常委", "standing-committee-member"),
    ("委员", "party-committee-member"),
    ("总书记", "general-secretary"),
    ("国家主席", "president-of-china"),
    ("总理", "premier"),
]
ZH_TITLES = dict(_ZH_TITLES)
ZH_TITLE_PATTERN = re.compile("|".join(sorted((re.escape(t) for t, _ in _ZH_TITLES), key=len, reverse=True)))

# English titles: (pattern, code); matched case-insensitively, longest first.
_EN_TITLES = [
    (r"(?:vice|deputy) (?:party )?secretary of the (?:party )?committee", "vice-party-secretary"),
    (r"(?:vice|deputy) party (?:committee )?secretary", "vice-party-secretary"),
    (r"secretary of the discipline inspection commission", "discipline-secretary"),
    (
        r"(?:discipline inspection (?:commission )?(?:secretary|chief)|discipline chief)",
        "discipline-secretary",
    ),
    (
        r"(?:secretary of the (?:party )?committee|party (?:committee )?secretary|party chief)",
        "party-secretary",
    ),
    (
        r"(?:members? of the (?:party )?standing committee|(?:party )?standing committee members?)",
        "standing-committee-member",
    ),
    (r"(?:members? of the party committee|party committee members?)", "party-committee-member"),
    (r"(?:deputy|vice) general manager", "deputy-general-manager"),
    (r"general manager", "general-manager"),
    (r"vice[- ]chair(?:man|woman)?", "vice-chairman"),
    (r"chair(?:man|woman)?(?: of the board)?|board chair(?:man|woman)?", "chairman"),
    (r"chief accountant", "chief-accountant"),
    (r"chief engineer", "chief-engineer"),
    (r"chief legal (?:counsel|adviser|advisor)", "chief-legal-counsel"),
    (r"employee director", "employee-director"),
    (r"(?:trade )?union chair(?:man|woman)?", "union-chair"),
    (r"general secretary", "general-secretary"),
    (r"president", "president-of-china"),
    (r"premier", "premier"),
    (r"secretary", "party-secretary"),
]
EN_TITLE = r"(?:" + "|".join(p for p, _ in _EN_TITLES) + r")"
_EN_COMPILED = [(re.compile(p + r"$", re.I), code) for p, code in _EN_TITLES]
_EN_FINDER = re.compile(
    r"\b(?:" + "|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(_EN_TITLES)) + r")\b", re.I
)


def english_titles(phrase: str) -> list[tuple[int, int, str]]:
    """Every title in an English phrase, as (start, end, code), left to right.

    >>> [c for _, _, c in english_titles("Party Secretary and Chairman")]
    ['party-secretary', 'chairman']
    """
    found: list[tuple[int, int, str]] = []
    for match in _EN_FINDER.finditer(phrase):
        index = int(next(name for name, value in match.groupdict().items() if value is not None)[1:])
        found.append((match.start(), match.end(), _EN_TITLES[index][1]))
    return found


def chinese_titles(phrase: str) -> list[tuple[int, int, str]]:
    """Every title in a Chinese phrase, as (start, end, code), left to right.

    >>> [c for _, _, c in chinese_titles("集团党委副书记、总经理")]
    ['vice-party-secretary', 'general-manager']
    """
    return [(m.start(), m.end(), ZH_TITLES[m.group()]) for m in ZH_TITLE_PATTERN.finditer(phrase)]
