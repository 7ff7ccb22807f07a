"""In Arabic, dates, phone numbers and UNHCR numbers are drawn in their own order.

Read from the rendered page: each character's box on the screen, left to right. The
phone "06 12 34 56 78" next to Arabic text used to be drawn "78 56 34 12 06" (no bidi
isolation); a left-to-right run must be drawn with its characters' x increasing in the
order they are written.
"""

import datetime
import itertools

import pytest

from tests.browser.support import login
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.browser

# The x of each non-space character of the element's text, in the text's own order.
CHARACTER_XS = """(el) => {
  const xs = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let i = 0; i < node.length; i++) {
      if (/\\s/.test(node.data[i])) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      xs.push([node.data[i], range.getBoundingClientRect().left]);
    }
  }
  return xs;
}"""


def drawn_in_order(page, locator) -> tuple[bool, str]:
    xs = locator.evaluate(CHARACTER_XS)
    drawn = "".join(ch for ch, _x in sorted(xs, key=lambda p: p[1]))
    return all(a[1] < b[1] for a, b in itertools.pairwise(xs)), drawn


def test_numbers_dates_and_phones_keep_their_order_in_arabic(page, shot, caseworker):
    person = RefugeeFactory(
        office=caseworker.office,
        phone="06 12 34 56 78",
        unhcr_individual_number="RAB-18C01234",
        date_of_birth=datetime.date(1990, 3, 14),
        intake_date=datetime.date(2026, 11, 2),
    )
    login(page, caseworker, "ar")
    page.goto(f"/refugees/{person.pk}/")
    shot(page, "profile-ar")
    runs = page.locator("main bdi[dir=ltr]")
    texts = [t.strip() for t in runs.all_inner_texts()]
    for wanted in ("06 12 34 56 78", "RAB-18C01234", "14/03/1990", "02/11/2026"):
        assert wanted in texts, (wanted, texts)
    for n in range(runs.count()):
        in_order, drawn = drawn_in_order(page, runs.nth(n))
        assert in_order, f"{texts[n]!r} is drawn {drawn!r}"
