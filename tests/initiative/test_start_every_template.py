"""Every shipped template can be previewed and saved from /initiatives/new/ with its example values.

Fields filled from the council's data (its council, its executive) are not inputs: the page shows what the
chosen council gives them, and the saved draft reads it. The same in a real browser:
tests/browser/test_start_every_template.py.
"""

import pytest

from initiative.models import Initiative
from legal_templates.catalogue import read_catalogue
from legal_templates.fields import UNIT_FIELD_TYPES

CATALOGUE = read_catalogue()


def typed(value) -> str:
    return "" if value is None else str(value)


@pytest.mark.django_db
@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda entry: entry.slug)
def test_the_template_previews_and_saves_from_the_start_page(client, author, demo_units, templates, entry):
    client.force_login(author)
    url = f"/initiatives/new/?municipality=2466011&template={entry.slug}"
    page = client.get(url).content.decode()
    from_council = [field["name"] for field in entry.fields if field["type"] in UNIT_FIELD_TYPES]
    for name in from_council:
        assert f'name="f_{name}"' not in page
    if from_council:
        assert "Rada Miasta Gliwice" in page or "Prezydent Miasta Gliwice" in page

    data = {
        f"f_{field['name']}": typed(entry.example.get(field["name"]))
        for field in entry.fields
        if field["type"] not in UNIT_FIELD_TYPES
    }
    data.update({f"j_{part}": text for part, text in entry.example_justification.items()})
    preview = client.post(url, {**data, "action": "preview"})
    html = preview.content.decode()
    assert preview.status_code == 200 and "error-message" not in html
    assert "Rady Miasta Gliwice" in html  # the draft's heading names the council

    saved = client.post(url, {**data, "action": "save"})
    initiative = Initiative.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/initiatives/{initiative.pk}/manage/"
    assert not set(initiative.fields) & set(from_council)
