from django.db.models import Prefetch, QuerySet

from legal_templates.models import LegalTemplate, TemplateVersion


def newest_version_prefetch() -> Prefetch:
    """The version in force of each template, in one query: DISTINCT ON (template), newest first."""
    return Prefetch(
        "versions",
        queryset=TemplateVersion.objects.order_by("template_id", "-version").distinct("template_id"),
        to_attr="newest_versions",
    )


def template_list(*, level: str = "") -> QuerySet[LegalTemplate]:
    """Templates with a version in force, in catalogue order; each has `newest_versions` (one version)."""
    templates = LegalTemplate.objects.filter(versions__isnull=False).distinct()
    if level:
        templates = templates.filter(levels__contains=[level])
    return templates.prefetch_related(newest_version_prefetch()).order_by("position", "title")


def template_by_slug(slug: str) -> LegalTemplate | None:
    return template_list().filter(slug=slug).first()


def version_in_force(template: LegalTemplate) -> TemplateVersion | None:
    """The newest version (the one in force); uses `newest_versions` when a selector prefetched it."""
    prefetched = getattr(template, "newest_versions", None)
    if prefetched is not None:
        version = prefetched[0] if prefetched else None
    else:
        version = template.versions.order_by("-version").first()
    if version is not None:
        version.template = template  # spares a query: rendering reads the template's levels and flags
    return version
