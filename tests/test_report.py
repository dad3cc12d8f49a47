"""The text report, on a small hand-built result."""

from __future__ import annotations

from compliance_engine.report import render_text
from compliance_engine.result import (
    Answer,
    AuthorityRef,
    CaseRef,
    Defence,
    Effect,
    Explanation,
    Finding,
    MissingFact,
    MitigationResult,
    ReadingOutcome,
    Remedy,
    Result,
    RulebookRef,
    SourceRef,
)

FINDING_ID = "US.COPY.REPRO/a1/books"
STATUTE = AuthorityRef(cite="17 U.S.C. §106", grade="settled", pinpoint="(1)", kind="statute")
ANALYSIS = AuthorityRef(cite="17 U.S.C. §501(a)", grade="analysis", kind="statute")
FOREIGN = AuthorityRef(cite="Getty Images v Stability AI [2025] EWHC 2863 (Ch)", grade="contested",
                       kind="persuasive_decision", foreign=True)


def proof() -> Explanation:
    """finding <- prima_facie (<- act fact, assumed fact) and an absent defence."""
    act = Explanation(conclusion="act(a1)", kind="fact", holds="yes",
                      source=SourceRef(file="case.yaml", line=7, column=5, path="acts[0].id"))
    assumed = Explanation(
        conclusion="act_authorised(a1) (unknown: acts[0].authorised; assumed false)",
        kind="assumed", holds="in_some_worlds",
        source=SourceRef(file="case.yaml", line=7, path="acts[0].authorised"))
    prima_facie = Explanation(
        conclusion="prima_facie(US.COPY.REPRO, a1, books)", kind="rule", holds="yes",
        rule="US.COPY.REPRO.prima-facie", statement="Copying without a licence infringes.",
        authorities=[STATUTE, ANALYSIS], children=[act, assumed])
    absent = Explanation(conclusion="absent: excused(US.COPY.REPRO, a1, books)", kind="absent",
                         holds="yes")
    return Explanation(conclusion="finding(US.COPY.REPRO, a1, books)", kind="rule", holds="yes",
                       rule="US.COPY.REPRO.finding", statement="Liability arises.",
                       authorities=[ANALYSIS], children=[prima_facie, absent])


def reading(name: str, status: str) -> ReadingOutcome:
    return ReadingOutcome(point="fair_use_library", question="Is a library fair use?",
                          reading=name, statement=f"The {name} reading.", status=status,
                          authorities=[FOREIGN])


def make_result() -> Result:
    missing = MissingFact(fact="acts[0].authorised: A licence covered the act.",
                          source=SourceRef(file="case.yaml", line=7, path="acts[0].authorised"),
                          burden="claimant",
                          outcomes={"true": "not_established", "false": "established"})
    finding = Finding(
        id=FINDING_ID, doctrine="US.COPY.REPRO", act="a1", act_kind="acquire",
        jurisdiction="us", subject="books", status="uncertain",
        defences=[Defence(defence="fair_use", status="uncertain",
                          readings=[reading("narrow", "fails"), reading("broad", "applies")],
                          explanation=Explanation(conclusion="defence", kind="rule",
                                                  holds="yes"))],
        missing_facts=[missing], explanation=proof())
    return Result(
        engine_version="0.1.0", engine="clingo",
        rulebook=RulebookRef(version="2026.1", sha256="0123456789abcdef" * 4, rules_in_force=3),
        case=CaseRef(id="demo", title="Demo v. Model", file="case.yaml", sha256="f" * 64),
        as_of="2026-01-01", jurisdictions=["us"], readings_pinned=["fair_use_library:narrow"],
        findings=[finding],
        mitigations=[MitigationResult(id="m1", kind="dataset_deletion", date="2025-06-01",
                                      effects=[Effect(finding=FINDING_ID, effect="future",
                                                      status="established")])],
        remedies=[Remedy(finding=FINDING_ID, remedy="injunction", status="available",
                         reaches_model=False)],
        answer=[Answer(mitigation="m1", answer="no", summary="Dataset deletion m1: cures none.")])


def test_proof_tree_is_drawn_with_box_characters() -> None:
    text = render_text(make_result())
    proofs = text.split("\nPROOFS\n\n", 1)[1].splitlines()
    assert proofs == [
        f"  {FINDING_ID}: UNCERTAIN",
        "  finding(US.COPY.REPRO, a1, books)",
        "  │  [US.COPY.REPRO.finding] Liability arises.",
        "  │  The engine's own analysis, reasoning from:",
        "  │  — 17 U.S.C. §501(a) (analysis; statute)",
        "  ├─ prima_facie(US.COPY.REPRO, a1, books)",
        "  │  │  [US.COPY.REPRO.prima-facie] Copying without a licence infringes.",
        "  │  │  — 17 U.S.C. §106, (1) (settled; statute)",
        "  │  │  — 17 U.S.C. §501(a) (analysis; statute)",
        "  │  ├─ act(a1)  from case.yaml:7 (acts[0].id)",
        ("  │  └─ ASSUMED act_authorised(a1) (unknown: acts[0].authorised; assumed false)"
         "  from case.yaml:7 (acts[0].authorised)"),
        "  └─ absent: excused(US.COPY.REPRO, a1, books)",
    ]


def test_header_names_case_date_engine_rulebook_and_readings() -> None:
    lines = render_text(make_result()).splitlines()
    assert lines[0] == "COMPLIANCE ASSESSMENT: Demo v. Model"
    assert "As of:          2026-01-01" in lines
    assert "Engine:         clingo (compliance-engine 0.1.0)" in lines
    assert "Rulebook:       2026.1 (sha256 0123456789ab), 3 rules in force" in lines
    assert "Readings:       fair_use_library:narrow" in lines


def test_sections_in_order() -> None:
    text = render_text(make_result())
    positions = [text.index(f"\n{title}\n") for title in
                 ("ANSWERS", "FINDINGS", "MITIGATIONS", "REMEDIES", "PROOFS")]
    assert positions == sorted(positions)
    assert "\n  NO: Dataset deletion m1: cures none.\n" in text


def test_finding_block_with_defence_readings_and_missing_fact() -> None:
    text = render_text(make_result())
    block = text.split("\nFINDINGS\n\n", 1)[1].split("\n\nMITIGATIONS\n", 1)[0]
    assert block.splitlines() == [
        f"  {FINDING_ID}",
        "    Doctrine:      US.COPY.REPRO",
        "    Act:           a1 (acquire)",
        "    Subject:       books",
        "    Jurisdiction:  us",
        "    Status:        UNCERTAIN",
        "    Defences:",
        "      fair_use: uncertain",
        "        Contested point fair_use_library: Is a library fair use?",
        "          reading narrow: fails",
        "            The narrow reading.",
        ("            — Getty Images v Stability AI [2025] EWHC 2863 (Ch) (contested; persuasive "
         "decision, foreign: persuasive only)"),
        "          reading broad: applies",
        "            The broad reading.",
        ("            — Getty Images v Stability AI [2025] EWHC 2863 (Ch) (contested; persuasive "
         "decision, foreign: persuasive only)"),
        "    Missing fact: acts[0].authorised: A licence covered the act.",
        "      left unknown at case.yaml:7 (acts[0].authorised)",
        "      burden of proof: claimant",
        "      if true: not_established",
        "      if false: established",
    ]


def test_mitigations_and_remedies() -> None:
    text = render_text(make_result())
    assert f"  m1 (dataset_deletion, 2025-06-01)\n    {FINDING_ID}: future (established)\n" \
        in text
    assert f"  {FINDING_ID}: injunction: available; reaches the model: no\n" in text


def test_rendering_is_deterministic() -> None:
    assert render_text(make_result()) == render_text(make_result())
