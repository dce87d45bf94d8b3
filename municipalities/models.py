from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from municipalities.levels import CITY_WITH_POWIAT_RIGHTS_KINDS, TERYT_LENGTH, Level
from municipalities.search_text import folded_expression
from municipalities.thresholds import signature_threshold


class Unit(models.Model):
    """A unit of local self-government (gmina, powiat or voivodeship) as listed in the GUS TERC register."""

    teryt = models.CharField(_("TERC code"), max_length=7, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=Level)
    kind = models.CharField(_("kind"), max_length=60, help_text=_("GUS wording, e.g. 'gmina miejska'."))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    council_name = models.CharField(_("council name"), max_length=200)
    council_email = models.EmailField(
        _("council office e-mail"), blank=True, help_text=_("Where notices to the council chair are sent.")
    )
    # The council office's data protection officer (art. 37 RODO): the privacy notice names them once the
    # office is the list's controller. An office's contact, not a private person's.
    data_protection_officer = models.CharField(
        _("data protection officer of the council office"),
        max_length=300,
        blank=True,
        help_text=_("E-mail or address, as the office publishes it."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_as_of = models.DateField(_("population as of"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=200, blank=True)
    # How long the platform keeps a filed packet's file (it lists supporters' data); the council office
    # keeps its own copy under its own records rules. Empty: settings.PACKET_RETENTION_DAYS.
    packet_retention_days = models.PositiveIntegerField(
        _("days the packet file is kept"),
        null=True,
        blank=True,
        help_text=_("After the initiative ends. Empty: the platform's default."),
    )
    search_name = models.GeneratedField(
        expression=folded_expression("name"), output_field=models.CharField(max_length=100), db_persist=True
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["search_name", "teryt"]
        constraints = [
            models.CheckConstraint(
                name="unit_teryt_matches_level",
                condition=Q(level=Level.WOJEWODZTWO, teryt__regex=r"^[0-9]{2}$")
                | Q(level=Level.POWIAT, teryt__regex=r"^[0-9]{4}$")
                | Q(level=Level.GMINA, teryt__regex=r"^[0-9]{7}$"),
            ),
            # A figure without its date could not be shown to the clerk as "the figure used".
            models.CheckConstraint(
                name="unit_population_has_date",
                condition=Q(population__isnull=True, population_as_of__isnull=True)
                | Q(population__isnull=False, population_as_of__isnull=False),
            ),
        ]
        indexes = [
            models.Index(
                fields=["search_name"], name="unit_search_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["teryt"], name="unit_teryt_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}, {self.teryt})"

    @property
    def is_city_with_powiat_rights(self) -> bool:
        """The powiat-level TERC entry of a city with powiat rights: no council of its own."""
        return self.level == Level.POWIAT and self.kind in CITY_WITH_POWIAT_RIGHTS_KINDS

    @property
    def accepts_initiatives(self) -> bool:
        """Whether initiatives are filed with this unit's council (a city's are filed with it as a gmina)."""
        return not self.is_city_with_powiat_rights

    @property
    def signature_threshold(self) -> int | None:
        if not self.accepts_initiatives:
            return None
        return signature_threshold(self.level, self.population)

    @property
    def expected_teryt_length(self) -> int:
        return TERYT_LENGTH[Level(self.level)]


class RepresentativeRule(models.TextChoices):
    OPTIONAL = "optional", _("optional")
    REQUIRED = "required", _("required")
    REQUIRED_WITH_DEPUTY = "required_with_deputy", _("required, with a deputy")


class IdentifierRule(models.TextChoices):
    BIRTH_DATE = "birth_date", _("date of birth")
    PESEL = "pesel", _("PESEL number")


class SignatureMethod(models.TextChoices):
    PAPER = "paper", _("handwritten on a paper sheet")
    QES = "qes", _("qualified electronic signature or personal signature (e-ID)")
    TRUSTED_PROFILE = "trusted_profile", _("trusted profile (podpis zaufany)")
    EMAIL = "email", _("declaration confirmed by e-mail")


class LocalRules(models.Model):
    """One version of a council's own rules on initiatives (art. 41a ust. 5 u.s.g.), citing its resolution.

    Versions are never edited: a change is a new version and the newest one is in force, so an initiative
    can always show which rules applied when it opened.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="rules_versions", verbose_name=_("unit")
    )
    version = models.PositiveIntegerField(_("version"))
    resolution = models.CharField(_("resolution"), max_length=100, help_text=_("Number, e.g. II/25/2018."))
    adopted_on = models.DateField(_("adopted on"))
    committee_min = models.PositiveSmallIntegerField(_("committee minimum size"))
    representative = models.CharField(_("representative"), max_length=24, choices=RepresentativeRule)
    identifier = models.CharField(_("identifier on the support list"), max_length=12, choices=IdentifierRule)
    signature_methods = ArrayField(
        models.CharField(max_length=20, choices=SignatureMethod),
        verbose_name=_("accepted forms of signature"),
    )
    collection_days = models.PositiveSmallIntegerField(_("collection window (days)"), null=True, blank=True)
    verification_days = models.PositiveSmallIntegerField(
        _("verification by the office (days)"), null=True, blank=True
    )
    supplement_days = models.PositiveSmallIntegerField(_("supplement period (days)"), null=True, blank=True)
    # What the resolution itself states (all optional: a file in the contract's first shape still imports).
    title = models.CharField(_("title"), max_length=500, blank=True, help_text=_('"w sprawie …"'))
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    journal = models.CharField(
        _("voivodeship journal"), max_length=200, blank=True, help_text=_("Dz. Urz. Woj. … z … r. poz. …")
    )
    source_url = models.URLField(_("where it is published"), max_length=500, blank=True)
    # The voivode's supervisory decision (rozstrzygnięcie nadzorcze, art. 91 u.s.g.) that annulled it: from
    # that day the version is not in force, and the one before it (or the statute) applies.
    annulled_on = models.DateField(_("annulled on"), null=True, blank=True)
    annulment = models.CharField(_("annulled by"), max_length=300, blank=True)
    chair_notice = models.BooleanField(
        _("a notice to the council chair before collecting"), default=False
    )  # Gliwice, Katowice; Trzcianka counts collection from it
    filing_months_after_notice = models.PositiveSmallIntegerField(
        _("filing within (months of the notice)"), null=True, blank=True
    )
    esign_note = models.CharField(_("note on electronic support"), max_length=500, blank=True)
    filing = models.CharField(_("where and how the draft is filed"), max_length=500, blank=True)
    contact_required = models.BooleanField(_("the committee gives contact details"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("local rules")
        verbose_name_plural = _("local rules")
        ordering = ["unit", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "version"], name="local_rules_one_version_number"),
            models.CheckConstraint(
                name="local_rules_committee_min_range",
                condition=Q(committee_min__gte=1, committee_min__lte=100),
                violation_error_message=_("The committee minimum must be between 1 and 100 people."),
            ),
            models.CheckConstraint(
                name="local_rules_known_methods",
                condition=Q(signature_methods__len__gte=1)
                & Q(signature_methods__contained_by=[choice.value for choice in SignatureMethod]),
                violation_error_message=_("Name at least one known form of signature."),
            ),
            models.CheckConstraint(
                name="local_rules_positive_windows",
                condition=Q(collection_days__isnull=True) | Q(collection_days__gte=1),
                violation_error_message=_("A period is a whole number of days, at least 1, or empty."),
            ),
            models.CheckConstraint(
                name="local_rules_positive_verification",
                condition=Q(verification_days__isnull=True) | Q(verification_days__gte=1),
                violation_error_message=_("A period is a whole number of days, at least 1, or empty."),
            ),
            models.CheckConstraint(
                name="local_rules_dates_in_order",
                condition=(Q(in_force_from__isnull=True) | Q(in_force_from__gte=F("adopted_on")))
                & (Q(annulled_on__isnull=True) | Q(annulled_on__gte=F("adopted_on"))),
                violation_error_message=_(
                    "A resolution comes into force and is annulled after its adoption."
                ),
            ),
            models.CheckConstraint(
                name="local_rules_positive_supplement",
                condition=Q(supplement_days__isnull=True) | Q(supplement_days__gte=1),
                violation_error_message=_("A period is a whole number of days, at least 1, or empty."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}: {self.resolution} (v{self.version})"
