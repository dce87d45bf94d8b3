"""Demo councils: Silesia and a handful of its powiats and gminas, plus Kraków, with cited figures and rules.

Loaded through the same imports an operator uses, so the demo exercises the real path. Sources:
- population: GUS, Bank Danych Lokalnych, residents as of 31 December of the year given per unit
  (Irządze 2,579 in 2020 and Katowice 278,885 in 2024, for example); Siewierz and the zawierciański
  powiat are left without a figure on purpose, to show a unit whose threshold is unknown;
- local rules: Gliwice II/25/2018 of 13.12.2018, Katowice VII/128/19 of 25.04.2019 (date of birth on
  the list, representative optional), Kraków II/9/18 of 13.12.2018 (representative and deputy required;
  electronic support accepted since the 2023 amendment, recorded here on the base resolution).
"""

import json
from pathlib import Path

from municipalities.local_rules import local_rules_import
from municipalities.models import Unit
from municipalities.population_import import population_import
from municipalities.teryt_import import terc_import

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
LOCAL_RULES_FILE = DEMO_DATA / "local_rules.json"
POPULATION_SOURCE = "GUS, Bank Danych Lokalnych: ludność według stanu na 31 grudnia"

# Names from each council's statute, as an operator would correct the generated defaults.
COUNCIL_NAMES = {
    "24": "Sejmik Województwa Śląskiego",
    "12": "Sejmik Województwa Małopolskiego",
    "2413": "Rada Powiatu Tarnogórskiego",
    "2401": "Rada Powiatu Będzińskiego",
    "2416": "Rada Powiatu Zawierciańskiego",
    "2401073": "Rada Miejska w Siewierzu",
    "2413021": "Rada Miejska w Miasteczku Śląskim",
    "2416032": "Rada Gminy Irządze",
    "2466011": "Rada Miasta Gliwice",
    "2469011": "Rada Miasta Katowice",
    "1261011": "Rada Miasta Krakowa",
}


def seed_municipalities() -> None:
    terc_import(DEMO_DATA / "terc.csv")
    population_import(DEMO_DATA / "population.csv", source=POPULATION_SOURCE)
    local_rules_import(_demo_rules())
    for teryt, council_name in COUNCIL_NAMES.items():
        # Demo offices get addresses at example.org, so that no demo e-mail reaches a real council.
        Unit.objects.filter(teryt=teryt).update(
            council_name=council_name, council_email=f"rada-{teryt}@example.org"
        )


def _demo_rules() -> list[dict]:
    return json.loads(LOCAL_RULES_FILE.read_text(encoding="utf-8"))


def demo_rules_amended(teryt: str, **changes) -> dict:
    """A demo council's local-rules object as an amending resolution would make it (tests, benchmarks)."""
    rules = next(rules for rules in _demo_rules() if rules["teryt"] == teryt)
    return {**rules, **changes}
