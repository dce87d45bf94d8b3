"""The shipped catalogue: every template renders from its example for a real council and passes the check."""

import shutil

import pytest
from django.core.management import call_command

from legal_templates.catalogue import CATALOGUE_DIR, CatalogueError, read_catalogue
from legal_templates.formal_check import formal_check
from legal_templates.models import LegalTemplate, TemplateVersion
from legal_templates.rendering import render_draft
from legal_templates.services import templates_load
from tests.legal_templates.conftest import SHIPPED, UNIT_FOR_LEVEL

REQUIRED_SLUGS = {
    "nazwa-ulicy",
    "rada-seniorow",
    "mlodziezowa-rada",
    "pomnik-przyrody",
    "dotacje-wymiana-piecow",
    "plan-miejscowy",
    "budzet-obywatelski",
    "stanowisko-apel",
    "dowolna",
}
LOCAL_LAW = {"nazwa-ulicy", "pomnik-przyrody", "dotacje-wymiana-piecow", "budzet-obywatelski"}

CASES = [
    (entry.slug, level) for entry in read_catalogue() for level in entry.levels
]  # every template at every level it is for


def test_the_catalogue_has_the_nine_templates():
    assert set(SHIPPED) >= REQUIRED_SLUGS


@pytest.mark.parametrize(("slug", "level"), CASES)
def test_every_template_renders_its_example_and_passes_the_formal_check(slug, level, version, unit):
    template_version = version(slug)
    draft = render_draft(
        template_version,
        unit=unit(UNIT_FOR_LEVEL[level]),
        values=template_version.example,
        justification=template_version.example_justification,
    )

    assert formal_check(draft) == []
    assert draft.title.startswith("w sprawie ")
    assert draft.basis.startswith("Na podstawie art. ")


@pytest.mark.parametrize("slug", sorted(REQUIRED_SLUGS - {"dowolna"}))
def test_every_template_cites_its_acts_with_the_journal(slug):
    entry = next(entry for entry in read_catalogue() if entry.slug == slug)
    assert entry.legal_basis
    for provision in entry.legal_basis:
        assert provision["act"].startswith("ustawa z dnia ")
        assert provision["journal"].startswith("Dz. U. z ")
        assert provision["provisions"].startswith("art. ")
        assert provision["as_of"][:2] == "20"


def test_acts_of_local_law_are_the_ones_the_law_makes_so():
    flags = {entry.slug: entry.is_local_law for entry in read_catalogue()}
    assert {slug for slug in LOCAL_LAW if flags[slug]} == LOCAL_LAW
    assert not flags["stanowisko-apel"]
    assert not flags["plan-miejscowy"]


@pytest.mark.django_db
def test_position_or_appeal_cites_the_statute_of_each_level(version, unit):
    template_version = version("stanowisko-apel")
    bases = {
        level: render_draft(
            template_version,
            unit=unit(teryt),
            values=template_version.example,
            justification=template_version.example_justification,
        ).basis
        for level, teryt in UNIT_FOR_LEVEL.items()
    }
    assert "art. 18 ust. 1 ustawy z dnia 8 marca 1990 r. o samorządzie gminnym" in bases["gmina"]
    assert "art. 12 pkt 11 ustawy z dnia 5 czerwca 1998 r. o samorządzie powiatowym" in bases["powiat"]
    assert "art. 18 pkt 20 ustawy z dnia 5 czerwca 1998 r. o samorządzie województwa" in bases["wojewodztwo"]
    assert "Sejmik Województwa Śląskiego uchwala, co następuje:" in bases["wojewodztwo"]


@pytest.mark.django_db
def test_loading_again_changes_nothing(catalogue):
    assert sorted(catalogue.created + catalogue.unchanged) == sorted(SHIPPED)
    versions = TemplateVersion.objects.count()

    report = templates_load()

    assert report.created == []
    assert sorted(report.unchanged) == sorted(SHIPPED)
    assert TemplateVersion.objects.count() == versions


@pytest.mark.django_db
def test_a_changed_file_gets_a_new_version_and_the_old_one_stays(catalogue, tmp_path):
    shutil.copytree(CATALOGUE_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "nazwa-ulicy.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("nadaje się nazwę", "nadaje się nową nazwę"),
        encoding="utf-8",
    )

    report = templates_load(tmp_path)

    assert report.created == ["nazwa-ulicy"]
    versions = TemplateVersion.objects.filter(template__slug="nazwa-ulicy").order_by("version")
    assert [v.version for v in versions] == [1, 2]
    assert "nową nazwę" in versions[1].body and "nową nazwę" not in versions[0].body
    assert versions[0].content_hash != versions[1].content_hash
    assert templates_load(tmp_path).created == []


@pytest.mark.django_db
def test_a_file_only_reformatted_makes_no_new_version(catalogue, tmp_path):
    shutil.copytree(CATALOGUE_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "pomnik-przyrody.toml"
    path.write_text("# a comment changes nothing\n" + path.read_text(encoding="utf-8"), encoding="utf-8")

    assert templates_load(tmp_path).created == []


@pytest.mark.django_db
def test_a_template_whose_file_is_gone_is_kept(catalogue, tmp_path):
    shutil.copytree(CATALOGUE_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "pomnik-przyrody.toml").unlink()

    report = templates_load(tmp_path)

    assert report.not_in_catalogue == ["pomnik-przyrody"]
    assert LegalTemplate.objects.filter(slug="pomnik-przyrody").exists()


@pytest.mark.django_db
def test_a_broken_file_loads_nothing_and_names_every_problem(tmp_path):
    shutil.copytree(CATALOGUE_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "nazwa-ulicy.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('type = "text"', 'type = "colour"', 1).replace("{{ new_name }}", "{{ new_nmae }}")
    path.write_text(text, encoding="utf-8")

    templates_before = LegalTemplate.objects.count()
    with pytest.raises(CatalogueError) as raised:
        templates_load(tmp_path)

    problems = "\n".join(raised.value.problems)
    assert "nazwa-ulicy.toml: field 'new_name': type must be one of" in problems
    assert LegalTemplate.objects.count() == templates_before


def test_an_example_that_does_not_fit_its_fields_is_refused(tmp_path):
    source = (CATALOGUE_DIR / "dotacje-wymiana-piecow.toml").read_text(encoding="utf-8")
    (tmp_path / "dotacje-wymiana-piecow.toml").write_text(
        source.replace('max_grant = "12000.00"', 'max_grant = "12000.005"'), encoding="utf-8"
    )

    with pytest.raises(CatalogueError, match="example: max_grant"):
        read_catalogue(tmp_path)


def test_a_template_text_using_an_unknown_name_is_refused(tmp_path):
    source = (CATALOGUE_DIR / "plan-miejscowy.toml").read_text(encoding="utf-8")
    (tmp_path / "plan-miejscowy.toml").write_text(
        source.replace("{{ purpose }}", "{{ purpose_typo }}"), encoding="utf-8"
    )

    with pytest.raises(CatalogueError, match="body uses names that are no field: purpose_typo"):
        read_catalogue(tmp_path)


@pytest.mark.django_db
def test_the_command_loads_and_reports(capsys, catalogue):
    call_command("load_templates")
    assert f"new versions: 0; unchanged: {len(SHIPPED)}" in capsys.readouterr().out

    call_command("load_templates")
    assert f"new versions: 0; unchanged: {len(SHIPPED)}" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_migrate_alone_makes_the_shipped_templates_available():
    """A database with no templates (a flush empties the tables and loads nothing) gets the shipped
    catalogue from `migrate` alone, as a fresh production database does (docs/contract.md)."""
    call_command("flush", interactive=False, verbosity=0)
    assert not LegalTemplate.objects.exists()
    call_command("migrate", verbosity=0)
    assert sorted(LegalTemplate.objects.values_list("slug", flat=True)) == sorted(SHIPPED)
    assert templates_load().created == []
