from pathlib import Path

import pytest
from django.core.management import call_command

from municipalities.levels import Level
from municipalities.models import Unit

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "TERC_2020.csv"


@pytest.mark.django_db
@pytest.mark.skipif(not REFERENCE.exists(), reason="the GUS reference list is not beside this checkout")
def test_full_terc_list_gives_16_voivodeships_380_powiats_2477_gminas():
    call_command("import_teryt", REFERENCE)
    counts = {level: Unit.objects.filter(level=level).count() for level in Level}
    assert counts == {Level.WOJEWODZTWO: 16, Level.POWIAT: 380, Level.GMINA: 2477}
    assert Unit.objects.get(teryt="1465011").parent.teryt == "1465"  # Warszawa
