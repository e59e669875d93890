"""compose.bidi: a right-to-left value isolated (FSI…PDI) so that its neighbours stay put;
a left-to-right one left byte for byte. The printed effect is in test_merge_run (cover and
footer read back from the PDF) and test_compose_html (a chapter)."""

from __future__ import annotations

from markupsafe import Markup

from reportbuilder.compose.bidi import FSI, PDI, isolate, isolated, right_to_left


def test_only_right_to_left_text_is_isolated() -> None:
    assert isolated("محمد الأحمد") == f"{FSI}محمد الأحمد{PDI}"
    assert isolated("שלום") == f"{FSI}שלום{PDI}"
    assert isolated("Zoë 王小明 14") == "Zoë 王小明 14"
    assert right_to_left("R-2 وزارة") and not right_to_left("R-2")


def test_the_filter_escapes_before_isolating() -> None:
    shown = isolate("<b>محمد</b>")
    assert isinstance(shown, Markup)
    assert str(shown) == f"{FSI}&lt;b&gt;محمد&lt;/b&gt;{PDI}"
    assert str(isolate("A & B")) == "A &amp; B"
