from decimal import Decimal as D

from pmf_pipeline.packs.charts import trend_chart
from pmf_pipeline.periods import Period


def test_chart_has_text_alternative_and_target_line():
    hist = tuple((p, D(v) if v is not None else None) for p, v in zip(Period.parse("2026-27-Q2").last_n(4), [80, None, 85, 90], strict=False))
    svg = trend_chart(hist, D(88), 0)
    assert svg.startswith("<svg") and 'role="img"' in svg and "Q2 2026-27: 90" in svg
    assert "stroke-dasharray" in svg and "<polyline" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_no_chart_without_two_points():
    assert trend_chart(((Period.parse("2026-27-Q2"), D(1)),), None, 0) == ""


def test_the_charts_text_gives_each_figure_with_its_unit():
    hist = tuple((p, D(v)) for p, v in zip(Period.parse("2026-27-Q2").last_n(2), ["4.25", "5"], strict=True))
    svg = trend_chart(hist, D(5), 1, "days")
    assert "Q1 2026-27: 4.3 days; Q2 2026-27: 5.0 days" in svg  # rounded as the status rule rounds, not half to even
