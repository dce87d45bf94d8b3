from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The three levels of local self-government, each with its own statute."""

    GMINA = "gmina", _("gmina")
    POWIAT = "powiat", _("powiat")
    WOJEWODZTWO = "wojewodztwo", _("województwo")


# Length of the TERC code at each level: WOJ (2), WOJ+POW (4), WOJ+POW+GMI+RODZ (7).
TERYT_LENGTH = {Level.WOJEWODZTWO: 2, Level.POWIAT: 4, Level.GMINA: 7}

# GUS wording of a powiat-level entry that is in law a gmina: a city with powiat rights has one council,
# the city council, which acts under the gmina act (art. 92 ust. 1 u.s.p.).
CITY_WITH_POWIAT_RIGHTS_KINDS = ("miasto na prawach powiatu", "miasto stołeczne, na prawach powiatu")
