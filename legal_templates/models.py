from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from municipalities.levels import Level


class Executor(models.TextChoices):
    """Who the draft entrusts with carrying it out ("Wykonanie uchwały powierza się …")."""

    EXECUTIVE = "executive", _("the executive (wójt, burmistrz, prezydent, board)")
    COUNCIL_CHAIR = "council_chair", _("the chair of the council")


class LegalTemplate(models.Model):
    """A kind of resolution residents may draft, e.g. naming a street; its wording lives in versions.

    Rows come from the catalogue files (`legal_templates/catalogue/*.toml`) through `templates_load()`;
    the files are the source, so nothing here is edited by hand.
    """

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    levels = ArrayField(
        models.CharField(max_length=12, choices=Level), verbose_name=_("levels of local government")
    )
    # Acts of local law take effect at the earliest 14 days after publication in the voivodeship's
    # official journal (art. 4 ust. 1 and art. 13 pkt 2 of the act of 20 July 2000 on publishing normative
    # acts).
    is_local_law = models.BooleanField(_("act of local law"), default=False)
    position = models.PositiveSmallIntegerField(_("position in the catalogue"), default=0)

    class Meta:
        verbose_name = _("legal template")
        verbose_name_plural = _("legal templates")
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(
                name="legal_template_known_levels",
                condition=Q(levels__len__gte=1) & Q(levels__contained_by=[choice.value for choice in Level]),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TemplateVersion(models.Model):
    """One wording of a template. Versions are never edited: a change is a new version, the newest in force.

    An initiative keeps the version it was drafted from, so its text can always be rendered again exactly.
    """

    template = models.ForeignKey(
        LegalTemplate, on_delete=models.PROTECT, related_name="versions", verbose_name=_("template")
    )
    version = models.PositiveIntegerField(_("version"))
    # Each provision: {"act", "journal", "provisions", "as_of", "levels"?}; "levels" limits a provision to
    # units of those levels (a position of a powiat council cites the powiat act, not the gmina act).
    legal_basis = models.JSONField(_("legal basis"))
    # Each field: {"name", "label", "type", "required", "help", "choices"?, "max_length"?, "min"?, "max"?}.
    fields = models.JSONField(_("fields"))
    resolution_title = models.TextField(
        _("title of the resolution"), help_text=_("Template text of the title, starting with 'w sprawie'.")
    )
    body = models.TextField(
        _("body"), help_text=_("Template text of the paragraphs (§), separated by blank lines.")
    )
    executor = models.CharField(_("executor"), max_length=20, choices=Executor, default=Executor.EXECUTIVE)
    basis_template = models.TextField(
        _("legal basis typed by the committee"),
        blank=True,
        help_text=_("Template text replacing the cited provisions (free-form drafts)."),
    )
    local_law_field = models.CharField(
        _("field marking an act of local law"),
        max_length=40,
        blank=True,
        help_text=_("Name of a yes/no choice field that makes the draft an act of local law (free-form)."),
    )
    example = models.JSONField(_("example values"), default=dict)
    example_justification = models.JSONField(_("example justification"), default=dict)
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        help_text=_("SHA-256 of the catalogue entry this version came from."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        ordering = ["template", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["template", "version"], name="template_version_one_number"),
            models.CheckConstraint(name="template_version_positive", condition=Q(version__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.template.slug} v{self.version}"
