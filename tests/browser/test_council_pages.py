"""The council pages in a real browser: keyboard only, labels, language, and WCAG checks we can run here."""

import itertools
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SEARCH_LABEL = "Nazwa gminy, powiatu lub województwa albo kod TERC"

# Relative luminance and contrast ratio as WCAG 2.2 defines them (1.4.3: at least 4.5:1 for text). Every
# element with text of its own is measured against the first opaque background up its ancestors.
CONTRAST_SCRIPT = """
() => {
  const parse = (value) => {
    const match = value.match(/rgba?\\(([^)]+)\\)/);
    if (!match) return null;
    const parts = match[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const channel = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const over = (fg, bg) => ({
    r: fg.r * fg.a + bg.r * (1 - fg.a),
    g: fg.g * fg.a + bg.g * (1 - fg.a),
    b: fg.b * fg.a + bg.b * (1 - fg.a),
    a: 1,
  });
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const colour = parse(getComputedStyle(e).backgroundColor);
      if (colour && colour.a > 0) { layers.push(colour); if (colour.a >= 1) break; }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), {r: 255, g: 255, b: 255, a: 1});
  };
  const results = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'OPTION'].includes(element.tagName)) continue;
    const ownText = [...element.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent.trim())
      .join(' ')
      .trim();
    if (!ownText) continue;
    const style = getComputedStyle(element);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const bg = background(element);
    const fg = over(parse(style.color), bg);
    const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    results.push({
      tag: element.tagName.toLowerCase(), text: ownText.slice(0, 40), ratio: (light + 0.05) / (dark + 0.05),
    });
  }
  return results;
}
"""


def focused_text(page: Page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.textContent.trim() : ''")


def test_keyboard_only_search_reaches_the_council(page, demo_site):
    page.goto(demo_site.url + "/")

    page.keyboard.press("Tab")
    expect(page.locator("a.skip-link")).to_be_focused()
    expect(page.locator("a.skip-link")).to_be_in_viewport()  # shown when focused, hidden otherwise
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label(SEARCH_LABEL)).to_be_focused()
    page.keyboard.type("Irzadze")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/councils/\?search=Irzadze$"))
    expect(page.get_by_role("heading", level=2, name="Wyniki")).to_be_visible()
    expect(page.get_by_text("Znaleziono 1 wynik.")).to_be_visible()
    for _ in range(30):  # on through the header, the form and the results, as a keyboard user would
        page.keyboard.press("Tab")
        if focused_text(page) == "Irządze":
            break
    else:
        pytest.fail("the result link for Irządze could not be reached with the Tab key")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/councils/2416032/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rada Gminy Irządze")
    expect(page.locator(".threshold__figure")).to_have_text("100 podpisów")


def test_focus_is_visible(page, demo_site):
    page.goto(demo_site.url + "/councils/")

    page.get_by_label("Nazwa lub kod TERC").focus()
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies

    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }"
    )
    assert style["outline"] != "none" and style["width"] >= 2
    assert style["shadow"] != "none"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/councils/",
        "/councils/?search=gliwice",
        "/councils/2416032/",
        "/councils/2401073/",
        "/councils/2466/",
    ],
)
def test_page_passes_basic_accessibility_checks(page, demo_site, path):
    page.goto(demo_site.url + path)

    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.locator("img:not([alt])").count() == 0
    assert page.locator("h1").count() == 1

    levels = [
        int(tag[1])
        for tag in page.eval_on_selector_all("h1, h2, h3, h4, h5, h6", "hs => hs.map(h => h.tagName)")
    ]
    assert levels[0] == 1
    skipped = [(before, after) for before, after in itertools.pairwise(levels) if after > before + 1]
    assert skipped == []

    assert_every_form_control_is_labelled(page)
    assert_text_contrast_is_at_least_aa(page)
    assert_targets_are_at_least_44px(page)


def assert_every_form_control_is_labelled(page: Page) -> None:
    """Each field can be found by its visible label (get_by_label), and each button by its text."""
    fields = page.eval_on_selector_all(
        "input:not([type=hidden]), select, textarea",
        "els => els.map(e => ({id: e.id, labels: [...(e.labels || [])].map(l => l.textContent.trim())}))",
    )
    for field in fields:
        assert field["labels"], f"#{field['id']} has no <label>"
        found = page.get_by_label(field["labels"][0], exact=True)
        assert found.count() == 1
        assert found.get_attribute("id") == field["id"]
    for button in page.locator("button").all():
        name = button.inner_text().strip()
        assert name, "a button without text"
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)


def assert_text_contrast_is_at_least_aa(page: Page) -> None:
    measured = page.evaluate(CONTRAST_SCRIPT)
    assert any(item["tag"] == "p" for item in measured)  # body text was measured
    assert any(item["tag"] == "a" for item in measured)  # and links
    too_low = [item for item in measured if item["ratio"] < 4.5]
    assert too_low == []


def assert_targets_are_at_least_44px(page: Page) -> None:
    """Buttons, fields and stand-alone links (not links inside a sentence) are at least 44 by 44 px."""
    small = page.evaluate(
        """() => [...document.querySelectorAll(
              'button, input:not([type=hidden]), select, nav a, .result__name, .button-link')]
            .map(e => ({text: (e.textContent || e.id).trim(), rect: e.getBoundingClientRect()}))
            .filter(t => t.rect.height < 44 || t.rect.width < 44)
            .map(t => `${t.text}: ${Math.round(t.rect.width)}x${Math.round(t.rect.height)}`)"""
    )
    assert small == []


def test_language_switch_works_without_javascript(browser, demo_site):
    context = browser.new_context(locale="pl-PL", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(demo_site.url + "/councils/1261011/")
        expect(page.locator(".threshold__figure")).to_have_text("300 podpisów")

        page.get_by_role("button", name="English").click()

        page.wait_for_url(re.compile(r"/councils/1261011/$"))
        assert page.locator("html").get_attribute("lang") == "en"
        expect(page.locator(".threshold__figure")).to_have_text("300 signatures")
        expect(page.get_by_text("the committee must name a representative and a deputy")).to_be_visible()
    finally:
        context.close()
