"""Unit tests of charter_kit.diff: matching by id, word-level operations, causes, kind, renderers' text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter_kit.model.charter import Article, ChangelogEntry, Charter, Clause
from charter_kit.diff.changes import DELETE, EQUAL, INSERT, CharterDiff, ReleaseInfo, new_text, old_text
from charter_kit.diff.compare import diff
from charter_kit.diff.words import same_words, tokenize, word_ops
from charter_kit.reports.json import to_json
from charter_kit.reports.markdown import to_markdown
from charter_kit.reports.markdown_text import paragraphs, plain, segments
from charter_kit.reports.html import to_html
from charter_kit.reports.registry import render_diff
from charter_kit.reports.text import to_text
from charter_kit.reports.wording import describe, version_label
from charter_kit.errors import DiffError
from charter_kit.compose.library import load_library
from charter_kit.compose.profile import load_profile
from charter_kit.compose.render import render
from charter_kit.compose.resolve import resolve
from conftest import write_tree

CONTACTS = {"juridique": {"name": "Direction juridique", "email": "juridique@acme.example", "phone": None},
            "communication": {"name": None, "email": "com@acme.example", "phone": None}}


# -- building charters -----------------------------------------------------------------------------
def article(aid: str, clauses: list[tuple[str, str, str]], *, intro: str = "", **fields) -> dict:
    """An article spec: id, [(clause key or full id, title, text)], Article fields."""
    return {"id": aid, "clauses": clauses, "intro": intro or f"Introduction de {aid}.", **fields}


def charter(*specs: dict, **fields) -> Charter:
    """A numbered Charter from article specs."""
    articles = []
    for n, spec in enumerate(specs, start=1):
        spec = dict(spec)
        items = spec.pop("clauses")
        overrides = fields.get("overrides", {})
        clauses = []
        for m, (key, title, text) in enumerate(items, start=1):
            cid = key if "." in key else f"{spec['id']}.{key}"
            clauses.append(Clause(id=cid, number=f"{n}.{m}", title=title, text=text, overridden=cid in overrides))
        articles.append(Article(number=n, title=spec.pop("title", spec["id"].capitalize()), clauses=tuple(clauses),
                                **spec))
    fields.setdefault("contacts", CONTACTS)
    return Charter(title=fields.pop("title", "Charte d'utilisation des réseaux sociaux"),
                   company=fields.pop("company", {"name": "Acme", "legal_name": "Acme SA", "listed": False,
                                                  "website": None}),
                   articles=tuple(articles), **fields)


SOCLE = article("socle", [
    ("respect", "Respecter chacun", "Restez **courtois** avec vos collègues, vos clients et le public."),
    ("doute", "En cas de doute", "Écrivez à juridique@acme.example avant de publier."),
    ("exemples", "Ce qui reste confidentiel", "- les feuilles de route\n- les listes de clients"),
], module_version="1.0.0", contacts=("juridique",),
    variables={"exemples": ["les feuilles de route", "les listes de clients"]}, options={"embargo": False},
    changelog=(ChangelogEntry("1.0.0", "2026-01-05", "Première version."),))
CRISE = article("crise", [
    ("signaler", "Signaler une crise", "Prévenez la communication sans attendre."),
    ("repondre", "Ne pas répondre", "Ne répondez pas vous-même, voir [article 1.2](clause:socle.doute)."),
], module_version="2.0.0")


def base(**fields) -> Charter:
    """The reference charter most tests change one thing in."""
    return charter(SOCLE, CRISE, **fields)


def with_clauses(spec: dict, clauses: list[tuple[str, str, str]], **fields) -> dict:
    """The article spec with other clauses (and fields)."""
    return {**spec, "clauses": clauses, **fields}


def only(d: CharterDiff, cid: str):
    """The change of clause ``cid``, asserting it is there."""
    found = [c for c in d.clauses if c.id == cid]
    assert len(found) == 1, [c.id for c in d.clauses]
    return found[0]


def kinds_of(causes) -> list[str]:
    """The kinds of a list of causes."""
    return [c.kind for c in causes]


# -- identity --------------------------------------------------------------------------------------
def test_diff_of_a_charter_with_itself_is_empty():
    a = base()
    d = diff(a, a)
    assert d.is_empty
    assert (d.clauses, d.articles, d.metadata, d.causes) == ((), (), (), ())
    assert d.kind == "editorial"
    assert d.counts() == {"added": 0, "removed": 0, "modified": 0, "moved": 0, "renumbered": 0,
                          "articles_added": 0, "articles_removed": 0}


def test_release_stamp_alone_leaves_the_diff_empty_but_reported():
    a = base()
    b = a.with_release(version="1.1.0", date="2026-03-01", effective_date="2026-04-01")
    d = diff(a, b)
    assert d.is_empty
    assert {m.field: (m.old, m.new) for m in d.metadata} == {
        "version": (None, "1.1.0"), "date": (None, "2026-03-01"), "effective_date": (None, "2026-04-01")}
    assert version_label(d.new) == "1.1.0" and version_label(d.old) == "projet"


def test_release_info_names_the_sides():
    a, b = base(), base()
    d = diff(a, b, a_meta=ReleaseInfo("1.0.0", "2026-01-10"),
             b_meta=ReleaseInfo("1.1.0", "2026-03-01", ("Jeanne Martin, DRH",), "Notes"))
    assert (d.old.version, d.new.version, d.new.approvals, d.new.notes) == (
        "1.0.0", "1.1.0", ("Jeanne Martin, DRH",), "Notes")
    assert d.old.digest == a.digest


def test_a_clause_id_twice_is_refused():
    bad = charter(article("socle", [("a", "A", "x")]), article("autre", [("socle.a", "A", "y")]))
    with pytest.raises(DiffError, match="socle.a"):
        diff(bad, base())


# -- one test per change type ----------------------------------------------------------------------
def test_clause_added():
    b = charter(with_clauses(SOCLE, [*SOCLE["clauses"], ("nouveau", "Nouvelle règle", "Soyez prudent.")]), CRISE)
    d = diff(base(), b)
    c = only(d, "socle.nouveau")
    assert (c.status, c.kinds, c.new_number, c.old_number) == ("added", ("added",), "1.4", None)
    assert c.text_ops == ((INSERT, "Soyez prudent."),) and c.title_ops == ((INSERT, "Nouvelle règle"),)
    assert d.kind == "substantive" and not d.is_empty
    assert d.counts()["added"] == 1


def test_clause_removed():
    b = charter(with_clauses(SOCLE, SOCLE["clauses"][:2]), CRISE)
    d = diff(base(), b)
    c = only(d, "socle.exemples")
    assert (c.status, c.kinds, c.old_number, c.new_number) == ("removed", ("removed",), "1.3", None)
    assert old_text(c.text_ops) == SOCLE["clauses"][2][2] and new_text(c.text_ops) == ""
    assert d.kind == "substantive"


def test_clause_modified_word_by_word():
    text = "Écrivez à juridique@acme.example avant de publier quoi que ce soit."
    b = charter(with_clauses(SOCLE, [SOCLE["clauses"][0], ("doute", "En cas de doute", text),
                                     SOCLE["clauses"][2]]), CRISE)
    c = only(diff(base(), b), "socle.doute")
    assert c.kinds == ("modified",) and not c.editorial
    assert c.text_ops == ((EQUAL, "Écrivez à juridique@acme.example avant de publier"),
                          (INSERT, " quoi que ce soit"), (EQUAL, "."))


def test_clause_title_modified():
    b = charter(with_clauses(SOCLE, [("respect", "Respecter chacun, toujours", SOCLE["clauses"][0][2]),
                                     *SOCLE["clauses"][1:]]), CRISE)
    c = only(diff(base(), b), "socle.respect")
    assert c.title_ops == ((EQUAL, "Respecter chacun"), (INSERT, ", toujours"))
    assert c.text_ops == ((EQUAL, SOCLE["clauses"][0][2]),)


def test_clause_moved_inside_its_article():
    first, second, third = SOCLE["clauses"]
    d = diff(base(), charter(with_clauses(SOCLE, [first, third, second]), CRISE))
    moved = [c for c in d.clauses if c.moved]
    assert [c.id for c in moved] == ["socle.exemples"]
    assert moved[0].kinds == ("moved", "renumbered") and (moved[0].old_number, moved[0].new_number) == ("1.3", "1.2")
    assert only(d, "socle.doute").kinds == ("renumbered",)
    assert d.kind == "editorial" and not d.is_empty


def test_clause_moved_to_another_article():
    clause = ("socle.exemples", "Ce qui reste confidentiel", SOCLE["clauses"][2][2])
    b = charter(with_clauses(SOCLE, SOCLE["clauses"][:2]), with_clauses(CRISE, [*CRISE["clauses"], clause]))
    d = diff(base(), b)
    c = only(d, "socle.exemples")
    assert c.status == "changed" and c.moved
    assert (c.old_article, c.new_article, c.old_number, c.new_number) == ("socle", "crise", "1.3", "2.3")
    assert [p.clauses for p in d.layout if p.id == "crise"][0][-1] == "socle.exemples"


def test_articles_reordered_renumber_their_clauses():
    repondre = ("repondre", "Ne pas répondre", "Ne répondez pas vous-même, voir [article 2.2](clause:socle.doute).")
    d = diff(base(), charter(with_clauses(CRISE, [CRISE["clauses"][0], repondre]), SOCLE))
    assert {a.id: a.kinds for a in d.articles} in ({"crise": ("moved", "renumbered"), "socle": ("renumbered",)},
                                                   {"socle": ("moved", "renumbered"), "crise": ("renumbered",)})
    assert only(d, "socle.respect").kinds == ("renumbered",)
    assert (only(d, "socle.respect").old_number, only(d, "socle.respect").new_number) == ("1.1", "2.1")
    repondre = only(d, "crise.repondre")
    assert repondre.kinds == ("modified", "renumbered") and repondre.editorial
    assert kinds_of(repondre.causes) == ["reference-renumbered"]
    assert (repondre.causes[0].subject, repondre.causes[0].old, repondre.causes[0].new) == ("socle.doute", "1.2", "2.2")
    assert d.kind == "editorial"


def test_article_added_and_removed():
    extra = article("extra", [("un", "Une", "Première règle.")], module_version="1.2.0")
    d = diff(base(), charter(SOCLE, extra))
    statuses = {a.id: a.status for a in d.articles}
    assert statuses == {"extra": "added", "crise": "removed"}
    assert [(c.id, c.status) for c in d.clauses] == [("crise.signaler", "removed"), ("crise.repondre", "removed"),
                                                     ("extra.un", "added")]
    assert d.counts()["articles_added"] == 1 and d.counts()["articles_removed"] == 1
    added = only(d, "extra.un")
    assert [(c.kind, c.module, c.new) for c in added.causes] == [("module-added", "extra", "1.2.0")]
    removed = only(d, "crise.signaler")
    assert [(c.kind, c.module, c.old) for c in removed.causes] == [("module-removed", "crise", "2.0.0")]
    assert [p.id for p in d.layout] == ["socle", "crise", "extra"]


def test_article_intro_and_legal_basis_changes():
    b = charter({**SOCLE, "intro": "Une autre introduction.", "legal_basis": ("C. trav., art. L1121-1",)}, CRISE)
    d = diff(base(), b)
    (a,) = d.articles
    assert a.kinds == ("modified",) and not a.editorial
    assert new_text(a.intro_ops) == "Une autre introduction." and a.new_legal_basis == ("C. trav., art. L1121-1",)


@pytest.mark.parametrize("field, old, new, editorial", [
    ("title", "Charte d'utilisation des réseaux sociaux", "Charte des réseaux sociaux", False),
    ("title", "Charte d'utilisation des réseaux sociaux", "Charte d’utilisation des réseaux sociaux", True),
    ("status", "guide", "annexe-reglement-interieur", False),
    ("jurisdiction", "fr", "be", False),
])
def test_metadata_changes(field, old, new, editorial):
    d = diff(base(**{field: old}), base(**{field: new}))
    assert [(m.field, m.old, m.new, m.editorial) for m in d.metadata] == [(field, old, new, editorial)]
    assert not d.is_empty
    assert d.kind == ("editorial" if editorial else "substantive")


def test_company_and_effective_date_changes():
    d = diff(base(effective_date="2026-01-01"),
             base(effective_date="2026-06-01", company={"name": "Acme", "legal_name": "Acme Groupe SA",
                                                        "listed": True, "website": None}))
    fields = {m.field: (m.old, m.new) for m in d.metadata}
    assert fields == {"company.legal_name": ("Acme SA", "Acme Groupe SA"), "company.listed": (False, True),
                      "effective_date": ("2026-01-01", "2026-06-01")}
    assert d.kind == "substantive"


# -- editorial or substantive ----------------------------------------------------------------------
@pytest.mark.parametrize("old, new", [
    ("Écrivez à la communication.", "Écrivez  à la\ncommunication."),                      # whitespace
    ("Dites « oui », puis publiez.", 'Dites "oui" puis publiez'),                             # punctuation
    ("L'entreprise -- et vous...", "L’entreprise — et vous…"),                                  # typography
    ("Jusqu'à 10 000 euros.", "Jusqu'à 10\u202f000 euros."),                                  # thin space
    ("Vous publiez. Ensuite vous attendez.", "Vous publiez ; ensuite vous attendez."),       # case
    ("Voir [article 2.1](clause:crise.signaler).", "Voir [article 3.1](clause:crise.signaler)."),  # numbering
    ("**En pratique** : rien.", "En pratique : rien."),                                         # markup
])
def test_editorial_changes(old, new):
    assert same_words(old, new)


@pytest.mark.parametrize("old, new", [
    ("Prévenez la communication.", "Prévenez la direction."),
    ("Il a publié.", "Il à publié."),                       # accents carry meaning
    ("Jusqu'à 10 % du salaire.", "Jusqu'à 10 du salaire."),  # % is kept
    ("Voir [article 2.1](clause:crise.signaler).", "Voir [article 2.1](clause:crise.repondre)."),
])
def test_substantive_changes(old, new):
    assert not same_words(old, new)


def test_an_editorial_clause_change_makes_an_editorial_diff():
    b = charter(with_clauses(SOCLE, [("respect", "Respecter chacun",
                                      "Restez courtois avec vos collègues, vos clients, et le public !"),
                                     *SOCLE["clauses"][1:]]), CRISE)
    d = diff(base(), b)
    assert only(d, "socle.respect").editorial and d.kind == "editorial"


# -- causes ----------------------------------------------------------------------------------------
def test_cause_module_text_changed_upstream_with_changelog_notes():
    changelog = (ChangelogEntry("1.0.0", "2026-01-05", "Première version."),
                 ChangelogEntry("1.0.1", "2026-02-01", "Correction d'une coquille."),
                 ChangelogEntry("1.1.0", "2026-03-01", "Le respect s'étend au public."))
    respect = ("respect", "Respecter chacun",
               "Restez **courtois** avec vos collègues, vos clients, vos concurrents et le public.")
    new_socle = with_clauses(SOCLE, [respect, *SOCLE["clauses"][1:]], module_version="1.1.0", changelog=changelog)
    d = diff(base(), charter(new_socle, CRISE))
    c = only(d, "socle.respect")
    (cause,) = c.causes
    assert (cause.kind, cause.module, cause.old, cause.new) == ("module-updated", "socle", "1.0.0", "1.1.0")
    assert [e.version for e in cause.notes] == ["1.0.1", "1.1.0"]
    assert "version 1.0.0 → 1.1.0" in describe(cause) and "Le respect s'étend au public." in describe(cause)
    assert cause in d.causes and cause in d.articles[0].causes


def test_cause_variable_changed_only_where_its_value_shows():
    new_socle = with_clauses(SOCLE, [*SOCLE["clauses"][:2], ("exemples", "Ce qui reste confidentiel",
                                                             "- les plans de collection\n- les listes de clients")],
                             variables={"exemples": ["les plans de collection", "les listes de clients"]})
    d = diff(base(), charter(new_socle, CRISE))
    (cause,) = only(d, "socle.exemples").causes
    assert (cause.kind, cause.module, cause.subject) == ("variable", "socle", "exemples")
    assert cause.new == ["les plans de collection", "les listes de clients"]
    assert "variable « exemples »" in describe(cause)


def test_cause_option_changed_adds_a_conditional_clause():
    new_socle = with_clauses(SOCLE, [*SOCLE["clauses"], ("embargo", "Respecter les embargos",
                                                         "Ne publiez rien avant la levée d'un embargo.")],
                             options={"embargo": True})
    d = diff(base(), charter(new_socle, CRISE))
    (cause,) = only(d, "socle.embargo").causes
    assert (cause.kind, cause.subject, cause.old, cause.new) == ("option", "embargo", False, True)
    assert "option « embargo »" in describe(cause) and "non → oui" in describe(cause)


def test_cause_contact_changed():
    contacts = {**CONTACTS, "juridique": {"name": "Direction juridique", "email": "legal@acme.example", "phone": None}}
    new_socle = with_clauses(SOCLE, [SOCLE["clauses"][0], ("doute", "En cas de doute",
                                                           "Écrivez à legal@acme.example avant de publier."),
                                     SOCLE["clauses"][2]])
    d = diff(base(), charter(new_socle, CRISE, contacts=contacts))
    (cause,) = only(d, "socle.doute").causes
    assert (cause.kind, cause.subject, cause.module) == ("contact", "juridique", None)
    assert describe(cause) == ("contact « juridique » changé dans le profil : Direction juridique "
                               "(juridique@acme.example) → Direction juridique (legal@acme.example)")
    assert cause in d.articles[0].causes  # socle cites the role
    assert [a.id for a in d.articles] == ["socle"]  # crise does not


def test_cause_contact_not_cited_is_listed_without_clause_change():
    contacts = {**CONTACTS, "communication": {"name": None, "email": "presse@acme.example", "phone": None}}
    d = diff(base(), base(contacts=contacts))
    assert kinds_of(d.causes) == ["contact"] and d.clauses == () and not d.is_empty
    assert d.kind == "editorial"


@pytest.mark.parametrize("before, after, kind", [
    (None, {"text": "Texte adapté par Acme."}, "override-added"),
    ({"text": "Texte adapté par Acme."}, {"text": "Texte adapté une seconde fois."}, "override-changed"),
    ({"text": "Texte adapté par Acme."}, None, "override-removed"),
])
def test_cause_override(before, after, kind):
    library_text = CRISE["clauses"][0][2]

    def version(override):
        """The charter with or without the override."""
        text = override["text"] if override else library_text
        crise = with_clauses(CRISE, [("signaler", "Signaler une crise", text), CRISE["clauses"][1]])
        return charter(SOCLE, crise, overrides={"crise.signaler": override} if override else {})

    d = diff(version(before), version(after))
    c = only(d, "crise.signaler")
    assert kinds_of(c.causes) == [kind], describe(c.causes[0])
    assert (c.causes[0].subject, c.causes[0].old, c.causes[0].new) == ("crise.signaler", before, after)
    assert c.new_overridden == (after is not None)


def test_cause_override_removing_a_clause():
    crise = with_clauses(CRISE, CRISE["clauses"][1:])
    d = diff(base(), charter(SOCLE, crise, overrides={"crise.signaler": {"remove": True}}))
    c = only(d, "crise.signaler")
    assert c.status == "removed" and kinds_of(c.causes) == ["override-added"]
    assert "clause supprimée" in describe(c.causes[0])


def test_cause_module_replaced_by_a_local_module():
    local = with_clauses(CRISE, [("signaler", "Signaler une crise", "Appelez la cellule de crise."),
                                 CRISE["clauses"][1]], origin="local")
    d = diff(base(), charter(SOCLE, local))
    assert kinds_of(only(d, "crise.signaler").causes) == ["module-replaced"]


def test_cause_module_edited_without_version_bump():
    crise = with_clauses(CRISE, [("signaler", "Signaler une crise", "Prévenez la communication tout de suite."),
                                 CRISE["clauses"][1]])
    d = diff(base(), charter(SOCLE, crise))
    (cause,) = only(d, "crise.signaler").causes
    assert (cause.kind, cause.new) == ("module-edited", "2.0.0")
    assert d.causes == ()  # not a module-level cause


def test_every_applicable_cause_is_attached():
    contacts = {**CONTACTS, "juridique": {"name": "Direction juridique", "email": "legal@acme.example", "phone": None}}
    new_socle = with_clauses(SOCLE, [SOCLE["clauses"][0], ("doute", "En cas de doute",
                                                           "Écrivez vite à legal@acme.example avant de publier."),
                                     SOCLE["clauses"][2]], module_version="1.1.0")
    d = diff(base(), charter(new_socle, CRISE, contacts=contacts))
    assert kinds_of(only(d, "socle.doute").causes) == ["module-updated", "contact"]


# -- word-level operations -------------------------------------------------------------------------
def test_tokens_rebuild_the_text():
    text = "L’article 2.1 dit : « 10\u00a0000 € » —\n\n- oui\\*"
    assert "".join(tokenize(text)) == text
    assert "2.1" in tokenize(text)


def test_word_ops_group_neighbouring_changes():
    assert word_ops("the quick brown fox", "a slow brown fox") == [
        (DELETE, "the quick"), (INSERT, "a slow"), (EQUAL, " brown fox")]
    assert word_ops("", "") == [] and word_ops("x", "x") == [(EQUAL, "x")]
    assert word_ops("", "neuf") == [(INSERT, "neuf")] and word_ops("vieux", "") == [(DELETE, "vieux")]


@pytest.mark.parametrize("old, new, expected", [
    # A word inserted or deleted starts at the word and carries its trailing space.
    ("message à confidentiel.", "message à avis confidentiel.",
     [(EQUAL, "message à "), (INSERT, "avis "), (EQUAL, "confidentiel.")]),
    ("le contenu du message qui compte", "le contenu qui compte",
     [(EQUAL, "le contenu "), (DELETE, "du message "), (EQUAL, "qui compte")]),
    # Of the places a repeated insertion could stand, the one after a separator reads best.
    ("Références : C. trav., art. L1321-1", "Références : C. trav., art. L1311-2 ; C. trav., art. L1321-1",
     [(EQUAL, "Références : "), (INSERT, "C. trav., art. L1311-2 ; "), (EQUAL, "C. trav., art. L1321-1")]),
    # An inserted sentence starts after the previous one's full stop and space.
    ("Encadrez une équipe. Ce droit vaut.", "Encadrez une équipe. Seules les astreintes font exception. Ce droit vaut.",
     [(EQUAL, "Encadrez une équipe. "), (INSERT, "Seules les astreintes font exception. "), (EQUAL, "Ce droit vaut.")]),
    # An inserted paragraph starts on its own line.
    ("Un.\n\nDeux.", "Un.\n\nNeuf.\n\nDeux.", [(EQUAL, "Un.\n\n"), (INSERT, "Neuf.\n\n"), (EQUAL, "Deux.")]),
])
def test_word_ops_place_a_lone_change_where_it_reads_best(old, new, expected):
    assert word_ops(old, new) == expected


def test_word_ops_compare_the_changed_middle_of_a_sentence():
    """Words both versions share at the ends are kept; the middle is compared on its own."""
    ops = word_ops("Elle vérifie que le sujet n'en croise pas un autre en cours.",
                   "Elle vérifie que le sujet ne croise pas une annonce ou un dossier sensible en cours.")
    assert [t for op, t in ops if op == EQUAL] == ["Elle vérifie que le sujet ", " croise pas ", "un ", " en cours."]


_ALPHABET = st.sampled_from(["le", "la", "charte", "salarié", "réseau", "2.1", "10", " ", " ", "\n", "\n\n",
                             ".", ",", "'", "’", "«", "»", "\u00a0", "*", "[", "]", "(", ")", "\\", "é", "A"])
_TEXT = st.lists(_ALPHABET, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(old=_TEXT, new=_TEXT)
def test_word_ops_rebuild_both_texts(old, new):
    ops = word_ops(old, new)
    assert "".join(t for op, t in ops if op in (EQUAL, DELETE)) == old
    assert "".join(t for op, t in ops if op in (EQUAL, INSERT)) == new
    assert all(op in (EQUAL, INSERT, DELETE) and t for op, t in ops)
    assert all(a[0] != b[0] for a, b in zip(ops, ops[1:]))  # grouped
    if old == new:
        assert all(op == EQUAL for op, _ in ops)


@settings(max_examples=150, deadline=None)
@given(old=st.text(max_size=80), new=st.text(max_size=80))
def test_word_ops_rebuild_any_unicode(old, new):
    ops = word_ops(old, new)
    assert old_text(ops) == old and new_text(ops) == new


@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(["vous", "publiez", "la", "charte", "le", "public"]), min_size=1, max_size=40),
       data=st.data())
def test_word_ops_keep_untouched_words_equal(words, data):
    old = " ".join(words)
    i = data.draw(st.integers(0, len(words) - 1))
    new = " ".join([*words[:i], "NOUVEAU", *words[i:]])
    ops = word_ops(old, new)
    assert [t for op, t in ops if op == INSERT] in (["NOUVEAU "], [" NOUVEAU"], ["NOUVEAU"])
    assert not [t for op, t in ops if op == DELETE]


# -- readable text ---------------------------------------------------------------------------------
def test_readable_text_of_markdown():
    md = "Voir [article 6.2](clause:crise.signaler), \\*ceci\\* &amp; **gras** et *italique*.\n- oui"
    assert plain(md) == "Voir article 6.2, *ceci* & gras et italique.\n• oui"
    assert plain("[le site](https://acme.example)") == "le site (https://acme.example)"
    assert plain("# Titre\n> citation `code_x`") == "Titre\ncitation code_x"
    assert plain("Une ligne\ncontinuée.\n\n- un\n- deux") == "Une ligne continuée.\n\n• un\n• deux"


def test_segments_and_paragraphs_follow_both_versions():
    ops = word_ops("Un **deux** trois.\n\nQuatre.", "Un **deux** cinq.\n\nQuatre et six.")
    segs = segments(ops)
    assert "".join(s.text for s in segs if s.op != INSERT) == plain("Un **deux** trois.\n\nQuatre.")
    assert "".join(s.text for s in segs if s.op != DELETE) == plain("Un **deux** cinq.\n\nQuatre et six.")
    assert any(s.text == "deux" and s.style for s in segs)
    paras = paragraphs(segs)
    assert len(paras) == 2 and paras[0].mark == EQUAL and paras[0].changed


def test_paragraph_marks_record_joined_and_split_paragraphs():
    split = paragraphs(segments(word_ops("Un deux", "Un\n\ndeux")))
    assert [p.mark for p in split] == [INSERT, EQUAL]
    joined = paragraphs(segments(word_ops("Un\n\ndeux", "Un deux")))
    assert [p.mark for p in joined] == [DELETE, EQUAL]


# -- renderers (text forms) ------------------------------------------------------------------------
def rich_pair():
    """A pair with one change of each kind, with release metadata."""
    changelog = (*SOCLE["changelog"], ChangelogEntry("1.1.0", "2026-03-01", "Le respect s'étend au public."))
    new_socle = with_clauses(SOCLE, [
        ("respect", "Respecter chacun", "Restez **courtois** avec vos collègues, vos clients et les concurrents."),
        ("doute", "En cas de doute", "Écrivez à juridique@acme.example avant de publier."),
        ("embargo", "Respecter les embargos", "Ne publiez rien avant la levée d'un embargo."),
    ], module_version="1.1.0", changelog=changelog, options={"embargo": True})
    extra = article("extra", [("un", "Une règle", "Première règle, voir [article 1.2](clause:socle.doute).")],
                    module_version="1.0.0")
    return (base(), charter(new_socle, extra, CRISE, status="annexe-reglement-interieur"),
            ReleaseInfo("1.0.0", "2026-01-10"),
            ReleaseInfo("2.0.0", "2026-03-01", ("Jeanne Martin, DRH",), "Nouvelle version annuelle."))


@pytest.fixture(scope="module")
def rich() -> CharterDiff:
    """The diff of ``rich_pair``."""
    a, b, a_meta, b_meta = rich_pair()
    return diff(a, b, a_meta=a_meta, b_meta=b_meta)


def test_text_without_colour_marks_changes_like_wdiff(rich):
    out = to_text(rich, color=False)
    assert "\x1b[" not in out
    assert "vos clients et [-le public-]{+les concurrents+}." in out
    assert "+ 1.3 Respecter les embargos (ajoutée)" in out
    assert "- 1.3 Ce qui reste confidentiel (supprimée)" in out
    assert "option « embargo »" in out and "version 1.0.0 → 1.1.0" in out
    assert "Comparaison de la version 1.0.0 du 10 janvier 2026 avec la version 2.0.0 du 1er mars 2026." in out
    assert "Statut : guide → annexe au règlement intérieur" in out
    assert "Seulement renumérotés : article 2 → 3, 2.1 → 3.1, 2.2 → 3.2." in out


def test_text_with_colour_uses_red_and_green(rich):
    out = to_text(rich, color=True)
    assert "\x1b[31m\x1b[9mle public" in out
    assert "\x1b[32m" in out and "[-" not in out


def test_markdown_summary_for_employees(rich):
    md = to_markdown(rich)
    assert md.startswith("# Modifications de la charte : 2.0.0\n")
    assert "## Article 1. Socle" in md and "## Article 2. Extra" in md
    assert "- **1.3 Respecter les embargos** : clause ajoutée." in md
    assert "> Ne publiez rien avant la levée d'un embargo." in md
    assert "- **1.3 Ce qui reste confidentiel** : clause supprimée." in md
    assert "> Première règle, voir article 1.2." in md and "(clause:" not in md
    assert "option « embargo »" not in md  # profile internals stay in legal reports
    assert "Le respect s'étend au public." in md
    assert "> Nouvelle version annuelle." in md
    linked = to_markdown(rich, link=lambda cid: f"../articles/#{cid}")
    assert "[article 1.2](../articles/#socle.doute)" in linked


def test_json_is_canonical_and_complete(rich):
    text = to_json(rich)
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert data["schema"] == 1 and data["kind"] == "substantive" and data["empty"] is False
    assert (data["old"]["version"], data["new"]["version"]) == ("1.0.0", "2.0.0")
    assert {c["id"]: c["kinds"] for c in data["clauses"]}["socle.embargo"] == ["added"]
    cause = {c["kind"]: c for c in data["causes"]}["module-updated"]
    assert cause["notes"] == [{"version": "1.1.0", "date": "2026-03-01", "note": "Le respect s'étend au public."}]
    assert cause["description"].startswith("texte du module « socle » mis à jour")
    assert [p["id"] for p in data["layout"]] == ["socle", "extra", "crise"]


def test_json_is_stable_across_runs(rich):
    a, b, a_meta, b_meta = rich_pair()
    again = diff(Charter.from_json(a.to_json()), Charter.from_json(b.to_json()), a_meta=a_meta, b_meta=b_meta)
    assert to_json(again) == to_json(rich)


# -- the real rendering pipeline -------------------------------------------------------------------
def _library(version: str, respect: str, changelog: str) -> dict[str, str]:
    """A module library (module.yml and fr.md files) at one version of the socle module."""
    return {
        "socle/module.yml": f"""
            id: socle
            version: {version}
            title: {{fr: "Socle"}}
            summary: {{fr: "Les règles de base."}}
            order: 10
            contacts: [juridique]
            variables:
              exemples:
                type: list
                default: ["les feuilles de route"]
                label: {{fr: "Exemples"}}
            options:
              embargo: {{type: bool, default: false, label: {{fr: "Embargos"}}}}
            changelog:
              - {{version: 1.0.0, date: 2026-01-05, note: {{fr: "Première version."}}}}
              {changelog}
            """,
        "socle/fr.md": f"""
            Les règles de {{{{ company.name }}}}.

            ## Respecter chacun {{#respect .regle}}
            {respect}

            ## En cas de doute {{#doute .regle}}
            Écrivez à {{{{ contacts.juridique.email }}}} avant de publier.

            ## Ce qui reste confidentiel {{#exemples .regle}}
            {{% for e in var.exemples %}}- {{{{ e }}}}
            {{% endfor %}}
            {{% if opt.embargo %}}
            ## Respecter les embargos {{#embargo .regle}}
            Ne publiez rien avant la levée d'un embargo.
            {{% endif %}}

            ## Signer {{#signer .regle}}
            Signez vos messages de votre nom.
            """,
        "extra/module.yml": """
            id: extra
            version: 1.0.0
            title: {fr: "En plus"}
            summary: {fr: "Un module de plus."}
            order: 20
            requires: [socle]
            """,
        "extra/fr.md": """
            ## Une règle de plus {#plus .regle}
            Voir {{ ref("socle.doute") }}.
            """,
    }


_PROFILE_A = """
    charter: {jurisdiction: fr, status: guide}
    company: {name: Acme, legal_name: Acme SA}
    contacts:
      juridique: {email: juridique@acme.example}
    modules: [socle]
    """
_PROFILE_B = """
    charter: {jurisdiction: fr, status: guide}
    company: {name: Acme, legal_name: Acme SA}
    contacts:
      juridique: {email: legal@acme.example}
    modules:
      - id: socle
        options: {embargo: true}
        variables: {exemples: ["les plans de collection"]}
      - extra
    overrides:
      socle.signer: {text: "Signez vos messages de votre nom et de votre fonction."}
    """


def _render(folder: Path, library: dict[str, str], profile: str) -> Charter:
    """Render a profile with a library through the real pipeline."""
    write_tree(folder, {"charter.yml": profile, **{f"lib/{k}": v for k, v in library.items()}})
    loaded = load_profile(folder / "charter.yml")
    return render(resolve(loaded, load_library(builtin=folder / "lib", root=loaded.root)))


def test_causes_from_real_rendered_charters(tmp_path: Path):
    a = _render(tmp_path / "a", _library("1.0.0", "Restez courtois.", ""), _PROFILE_A)
    b = _render(tmp_path / "b", _library(
        "1.0.1", "Restez courtois, en ligne comme ailleurs.",
        '- {version: 1.0.1, date: 2026-02-01, note: {fr: "Le respect vaut aussi hors ligne."}}'), _PROFILE_B)
    d = diff(a, b)
    assert diff(a, a).is_empty and diff(b, b).is_empty
    causes = {c.id: kinds_of(c.causes) for c in d.clauses}
    assert causes["socle.respect"] == ["module-updated", "option"]
    assert causes["socle.doute"] == ["contact"]
    assert causes["socle.exemples"] == ["variable"]
    assert causes["socle.embargo"] == ["module-updated", "option"]
    assert causes["socle.signer"] == ["override-added"]
    assert causes["extra.plus"] == ["module-added"]
    assert set(causes) == {"socle.respect", "socle.doute", "socle.exemples", "socle.embargo", "socle.signer",
                           "extra.plus"}
    update = next(c for c in d.causes if c.kind == "module-updated")
    assert [e.note for e in update.notes] == ["Le respect vaut aussi hors ligne."]
    assert only(d, "socle.signer").kinds == ("modified", "renumbered")
    assert d.kind == "substantive"


_MARKDOWN = st.lists(st.sampled_from(["**", "*", "_", "[article 2.1](clause:a.b)", "[x](https://a.example)", "\\*",
                                      "&amp;", "`", "- ", "# ", "> ", "mot", "autre", " ", "\n", "\n\n", "."]),
                     max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(old=_MARKDOWN, new=_MARKDOWN)
def test_readable_segments_read_as_each_version(old, new):
    segs = segments(word_ops(old, new))
    assert "".join(s.text for s in segs if s.op != INSERT) == plain(old)
    assert "".join(s.text for s in segs if s.op != DELETE) == plain(new)


def test_renderers_say_when_nothing_changed():
    d = diff(base(), base())
    text = to_text(d, color=False)
    assert "Aucune modification." in text and "Nature" not in text and "pourquoi" not in text
    assert "Aucune modification entre les deux versions." in to_html(d)
    md = to_markdown(d)
    assert "Aucune modification." in md and "## " not in md
    assert json.loads(to_json(d))["empty"] is True


def test_render_diff_by_format_name(rich):
    a, b, _, _ = rich_pair()
    assert render_diff(rich, "json") == to_json(rich)
    assert render_diff(rich, "text", color=True) == to_text(rich, color=True)
    assert render_diff(rich, "docx", new=b)[:2] == b"PK"
    with pytest.raises(DiffError, match="unknown diff format 'markdwon'. Did you mean 'markdown'?"):
        render_diff(rich, "markdwon")
