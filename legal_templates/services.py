"""Use cases of the templates: loading the shipped catalogue, and previewing a committee's draft."""

import dataclasses
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from legal_templates.catalogue import CATALOGUE_DIR, read_catalogue
from legal_templates.formal_check import Finding, formal_check
from legal_templates.models import LegalTemplate, TemplateVersion
from legal_templates.rendering import Draft, DraftError, render_draft
from legal_templates.selectors import template_by_slug, version_in_force
from municipalities.models import Unit

TEMPLATES_LOAD_LOCK = 0x7E2D  # an arbitrary advisory-lock key, unique to this load


@dataclasses.dataclass
class TemplatesLoadReport:
    created: list[str] = dataclasses.field(default_factory=list)  # slugs given a new version (or their first)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    not_in_catalogue: list[str] = dataclasses.field(default_factory=list)  # kept: initiatives refer to them


def templates_load(directory: Path = CATALOGUE_DIR) -> TemplatesLoadReport:
    """Bring the templates in line with the catalogue files; idempotent.

    A template whose file's content (its normalised data, hashed) differs from the version in force gets a new
    version; the old ones stay, since initiatives keep the version they were drafted from. Templates whose
    file is gone are kept and reported. The whole catalogue is checked before anything is written
    (CatalogueError otherwise). When nothing changed it only stats the files (they are parsed again when
    one changes) and makes three queries.
    """
    entries = read_catalogue(directory)
    report = TemplatesLoadReport()
    with transaction.atomic():
        # One load at a time: two would race to number the same template's next version.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TEMPLATES_LOAD_LOCK])
        templates = {template.slug: template for template in LegalTemplate.objects.all()}
        newest = {
            version.template_id: version
            for version in TemplateVersion.objects.order_by("template_id", "-version").distinct("template_id")
        }
        for entry in entries:
            template = templates.get(entry.slug)
            current = newest.get(template.pk) if template is not None else None
            if current is not None and current.content_hash == entry.content_hash:
                report.unchanged.append(entry.slug)
                continue
            if template is None:
                template = LegalTemplate.objects.create(slug=entry.slug, **entry.template_values)
            else:
                for name, value in entry.template_values.items():
                    setattr(template, name, value)
                template.save()
            TemplateVersion.objects.create(
                template=template, version=(current.version + 1) if current else 1, **entry.version_values
            )
            report.created.append(entry.slug)
        in_catalogue = {entry.slug for entry in entries}
        report.not_in_catalogue = sorted(slug for slug in templates if slug not in in_catalogue)
    return report


def draft_preview(
    *, template_slug: str, unit: Unit | None, values: Any, justification: Any
) -> tuple[Draft | None, dict[str, Any], list[Finding]]:
    """The committee's draft as it would be filed: (draft, {}, findings), or (None, errors, []) when the
    values cannot make one.

    Errors map "template", "municipality", "fields" (field name -> messages) or "justification" (part ->
    messages) to what is wrong, as the API answers with 400. An unknown template slug is an error on
    "template" here; the API answers 404 for a slug in its URL before calling this.
    """
    template = template_by_slug(template_slug)
    version = version_in_force(template) if template is not None else None
    if version is None:
        return None, {"template": [_("There is no such template.")]}, []
    if unit is None:
        return None, {"municipality": [_("There is no unit with this TERC code.")]}, []
    if not unit.accepts_initiatives:
        return (
            None,
            {
                "municipality": [
                    _("Initiatives in this city go to its council as a gmina: use the gmina's TERC code.")
                ]
            },
            [],
        )
    try:
        draft = render_draft(version, unit=unit, values=values, justification=justification)
    except DraftError as error:
        return None, error.errors, []
    return draft, {}, formal_check(draft)
