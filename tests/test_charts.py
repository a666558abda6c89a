"""charts: build-time SVG with text alternatives."""
import xml.dom.minidom

from gongkai.annual import charts


def test_stacked_years_is_accessible_and_merges_small_columns():
    series = {2024: {f"栏目{i}": i for i in range(1, 10)}, 2025: {"栏目9": 4, "栏目1": 2}}
    svg = charts.stacked_years(series, "主动公开信息数量", "c1")
    doc = xml.dom.minidom.parseString(svg)
    root = doc.documentElement
    assert root.getAttribute("role") == "img" and root.getAttribute("aria-labelledby") == "c1-t c1-d"
    desc = doc.getElementsByTagName("desc")[0].firstChild.data
    assert "2024年共45条" in desc and "2025年共6条" in desc and charts.OTHERS in desc
    names = charts.series_names(series)
    assert len(names) == charts.MAX_SERIES + 1 and names[0] == "栏目9" and names[-1] == charts.OTHERS
    grouped = charts.grouped(series)
    assert sum(grouped[2024].values()) == 45 and grouped[2025][charts.OTHERS] == 2
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_bars_show_every_value_and_shorten_labels():
    rows = [("（一）予以公开", 10), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 0)]
    svg = charts.bars(rows, "办理结果", "c2")
    doc = xml.dom.minidom.parseString(svg)
    texts = [t.firstChild.data for t in doc.getElementsByTagName("text")]
    assert "（二）部分公开" in texts and "10" in texts and "0" in texts
    assert doc.getElementsByTagName("desc")[0].firstChild.data == "（一）予以公开10件；（二）部分公开0件。"
    assert len(doc.getElementsByTagName("rect")) == 1       # no bar for 0
