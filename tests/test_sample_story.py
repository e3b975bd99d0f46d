"""Regression tests on the recorded sample story (fixtures/corpus) and its three independent
recordings (fixtures/cassettes/sample*.jsonl, every answer fresh in each).

Replay only: no network, no key. If a prompt changes, every test here fails with a cassette
miss that says how to re-record (fixtures/README.md).
"""
from __future__ import annotations

import shutil
from datetime import date

import pytest
from conftest import CORPUS, SAMPLE_CASSETTE

import checker.prompts as prompts_module
from checker import check
from checker.cassette import Cassette
from checker.errors import CassetteMiss
from checker.report import Report
from checker.settings import Settings
from checker.types import Claim, Conflict, Side
from checker.vetoes import veto

TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}
RECORDINGS = sorted(SAMPLE_CASSETTE.parent.glob("sample*.jsonl"), key=lambda p: (p.stem != "sample", p.stem))


@pytest.fixture(scope="module", params=RECORDINGS, ids=[p.stem for p in RECORDINGS])
def any_report(request):
    return check([CORPUS], settings=Settings(mode="replay"), cassette=request.param).data


@pytest.fixture(scope="module")
def report():
    return check([CORPUS], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE).data


def test_there_are_three_independent_recordings_each_answer_with_its_provenance():
    assert len(RECORDINGS) == 3
    keys = []
    for path in RECORDINGS:
        entries = list(Cassette(path).entries())
        assert all(e.provenance["answered_by"] and e.provenance["recorded_via"] == "batch-import"
                   for e in entries)
        keys.append({e.key: e.response["raw"] for e in entries})
    for i, one in enumerate(keys):  # the same request is answered afresh in every recording
        for other in keys[i + 1:]:
            shared = one.keys() & other.keys()
            assert shared and all(one[k] != other[k] for k in shared)


def test_replay_needs_no_model_call_and_the_report_validates(any_report):
    assert Report(any_report).validate() == []
    assert any_report["run"]["failures"] == [] and any_report["run"]["usage"]["requests"] > 0


def test_every_claim_is_grounded_in_its_source(any_report):
    assert len(any_report["claims"]) > 40
    for claim in any_report["claims"]:
        assert TEXTS[claim["doc_id"]][claim["start"]:claim["end"]] == claim["text"]
        assert claim["text"].strip() == claim["text"] and claim["text"]


def test_every_contradiction_links_grounded_claims_on_two_sides(any_report):
    claims = {c["id"] for c in any_report["claims"]}
    assert any_report["contradictions"]
    for finding in any_report["contradictions"]:
        assert len(finding["sides"]) >= 2
        linked = [cid for side in finding["sides"] for cid in side["claim_ids"]]
        assert len(linked) == len(set(linked)) >= 2, "a claim may stand on one side only"
        assert set(linked) <= claims


def entity_names(report, name):
    found = [e for e in report["entities"] if e["name"] == name]
    assert found, f"no entity named {name!r}"
    return {found[0]["name"], *found[0]["aliases"]}


def side_mentions(report, side, words) -> bool:
    """A side holds a claim attributed to, or whose evidence names, one of `words`."""
    claims = {c["id"]: c for c in report["claims"]}
    for claim_id in side["claim_ids"]:
        claim = claims[claim_id]
        said = " ".join(claim["attributed_to"][1:]) + " " + claim["text"]
        if any(w in said for w in words):
            return True
    return False


def core_findings(report, first_words, second_words):
    return [f for f in report["contradictions"]
            if f["kind"] == "dispute" and f["severity"] == "high" and len(f["sides"]) == 2
            and any(side_mentions(report, f["sides"][i], first_words)
                    and side_mentions(report, f["sides"][1 - i], second_words) for i in (0, 1))]


def test_bremmers_account_against_musks_denial_is_one_high_dispute_in_every_recording(any_report):
    bremmer = entity_names(any_report, "Ian Bremmer")
    central = core_findings(any_report, bremmer, ("denied", "denies", "only once", "only spoke",
                                                  "only conversation", "spoken to Putin only"))
    assert len(central) == 1, "one dispute, one finding, however many pairs found pieces of it"
    assert len({d for s in central[0]["sides"] for d in s["doc_ids"]}) >= 2


def test_regular_talks_against_the_kremlin_s_only_about_space_is_one_high_dispute(any_report):
    found = core_findings(any_report, ("regular",), ("Peskov",))
    assert len(found) == 1


def test_disputes_come_first_then_reporting_each_by_severity(any_report):
    rank = {"high": 0, "medium": 1, "low": 2}
    keys = [(f["kind"] != "dispute", rank[f["severity"]]) for f in any_report["contradictions"]]
    assert keys == sorted(keys)


def opposed(report, first: str, second: str) -> bool:
    """Do claims whose evidence contains `first` and `second` stand on opposite sides of a finding?"""
    claims = {c["id"]: c for c in report["claims"]}
    for finding in report["contradictions"]:
        sides = [" ".join(claims[c]["text"] for c in s["claim_ids"]) for s in finding["sides"]]
        for i, a in enumerate(sides):
            for b in sides[i + 1:]:
                if (first in a and second in b) or (second in a and first in b):
                    return True
    return False


@pytest.mark.parametrize("first, second", [
    ("Thousands of Starlink terminals", "15,000 Starlink terminals"),       # general vs specific
    ("since the end of 2022", "since late 2022"),                           # granularity
    ("at the end of 2023", "late 2023"),                                    # granularity
    ("at the end of last year", "at the end of 2023"),                      # relative vs absolute
    ("around April 2021", "in 2021"),                                       # precision
    ("about 18 months ago", "in 2021"),                                     # relative vs absolute
    ("deputy chief", "First Deputy Chief"),                                 # precision of a title
])
def test_compatible_times_amounts_and_titles_are_not_findings(any_report, first, second):
    assert any(first in text for text in TEXTS.values()) and any(second in t for t in TEXTS.values())
    assert not opposed(any_report, first, second)


def test_no_numeric_or_temporal_finding_is_only_apparent(any_report):
    claims = {c["id"]: Claim(id=c["id"], doc_id=c["doc_id"], statement=c["statement"],
                             start=c["start"], end=c["end"], alignment=c["alignment"],
                             entities=tuple((e["name"], e["kind"]) for e in c["entities"]),
                             attributed_to=tuple(c["attributed_to"]), stance=c["stance"],
                             times=tuple(c["times"]), quantities=tuple(c["quantities"]))
              for c in any_report["claims"]}
    published = {d["id"]: date.fromisoformat(d["published"]) if d["published"] else None
                 for d in any_report["documents"]}
    for finding in any_report["contradictions"]:
        conflict = Conflict(finding["kind"], finding["type"],
                            tuple(Side(s["position"], tuple(s["claim_ids"])) for s in finding["sides"]),
                            finding["explanation"], finding["changes_meaning"])
        assert veto(conflict, claims, TEXTS, published) is None


def test_relays_of_one_source_count_once(any_report):
    for item in any_report["corroborations"]:
        assert 1 <= item["independent_sources"] <= len(item["doc_ids"])
        assert len(item["origins"]) == item["independent_sources"]
    assert any(item["independent_sources"] < len(item["doc_ids"]) for item in any_report["corroborations"])


def test_name_variants_of_one_person_are_one_entity(report):
    assert {"Ian Bremer", "Jan Bremmer"} <= entity_names(report, "Ian Bremmer")
    assert "Serhiy Kiriyenko" in entity_names(report, "Sergey Kiriyenko")
    names = [e["name"] for e in report["entities"]]
    # "Musk" alone, where an answer names him so, is an alias of Elon Musk, never an entity
    assert "Elon Musk" in names
    for variant in ("Ian Bremer", "Jan Bremmer", "Serhiy Kiriyenko", "Musk"):
        assert variant not in names
    for e in report["entities"]:
        for mention in e["mentions"]:
            assert TEXTS[mention["doc_id"]][mention["start"]:mention["end"]] == mention["text"]


def test_every_document_has_a_summary_from_the_survey(report):
    assert all(d["summary"] for d in report["documents"])


def test_unknown_publication_dates_stay_unknown_and_unresolved_times_are_listed(report):
    published = {d["id"]: d["published"] for d in report["documents"]}
    assert published == {"000_8025e1c8a1851ef2": "2024-10-25", "001_ba1ba088aba1f641": "2024-10-25",
                         "002_1d78f71aed52c027": "2024-10-25", "003_16daae7c1b36e9cd": None,
                         "004_5a514cfe26862562": None}
    unresolved = report["run"]["unresolved_times"]
    assert {t["doc_id"] for t in unresolved} >= {"003_16daae7c1b36e9cd"}
    assert any(t["reason"] == "needs publication date" for t in unresolved)


def test_editing_a_prompt_makes_replay_miss_loudly_with_how_to_rerecord(tmp_path, monkeypatch):
    edited = tmp_path / "prompts"
    shutil.copytree(prompts_module.resource_dir("prompts"), edited)
    path = edited / "extract_claims.md"
    path.write_text(path.read_text(encoding="utf-8").replace("You are a fact-checker",
                                                             "You are a careful fact-checker"),
                    encoding="utf-8")
    real = prompts_module.resource_dir
    monkeypatch.setattr(prompts_module, "resource_dir",
                        lambda name: edited if name == "prompts" else real(name))
    prompts_module.load_prompt.cache_clear()
    try:
        with pytest.raises(CassetteMiss) as miss:
            check([CORPUS], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE)
    finally:
        prompts_module.load_prompt.cache_clear()
    message = str(miss.value)
    assert "extract_claims@" in message and "differs in" in message
    assert "recorded 'You are a fact-checker" in message and "requested 'You are a careful" in message
    assert "To re-record" in message and "checker export" in message


def test_the_committed_examples_are_what_the_code_renders_today():
    """examples/ shows visitors the real output; regenerate it when rendering changes:
    checker report fixtures/corpus --cassette fixtures/cassettes/sample.jsonl --mode replay \
        --out examples && rm examples/report.json"""
    report = check([CORPUS], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE)
    examples = CORPUS.parent.parent / "examples"
    assert (examples / "report.md").read_text(encoding="utf-8") == report.to_markdown()
    assert (examples / "report.html").read_text(encoding="utf-8") == report.to_html()


def test_renderings_keep_the_reports_ranking(report):
    rendered = Report(report)
    first = report["contradictions"][0]
    markdown = rendered.to_markdown()
    positions = [markdown.index(f["id"]) for f in report["contradictions"]]
    assert positions == sorted(positions)
    html = Report(report, TEXTS).to_html()
    assert html.index(f"finding {first['id']}") < html.index(f"finding {report['contradictions'][1]['id']}")


def test_the_readme_excerpt_is_taken_from_the_committed_example():
    readme = (CORPUS.parent.parent / "README.md").read_text(encoding="utf-8")
    example = (CORPUS.parent.parent / "examples" / "report.md").read_text(encoding="utf-8")
    start = readme.index("## What a report looks like")
    quoted = [line[2:] for line in readme[start:readme.index("\n## ", start + 3)].splitlines()
              if line.startswith("> ") and line[2:].strip()]
    assert len(quoted) >= 8
    for line in quoted:
        assert line in example, f"README excerpt line not in examples/report.md: {line[:80]}"
