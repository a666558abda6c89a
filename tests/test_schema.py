"""schema: one definition feeds validation, docs and the JSON Schema."""
import jsonschema

from conftest import ROOT, good_item
from gongkai.core import schema


def test_readme_tables_are_generated_from_the_schema():
    text = (ROOT / "README.md").read_text()
    assert schema.update_doc(text) == text, "README 字段表已过期：运行 make docs"
    for f in schema.FIELDS:
        assert f"| {f.key} |" in text


def test_json_schema_accepts_a_good_item_and_rejects_unknown_keys():
    js = schema.json_schema()
    jsonschema.Draft202012Validator.check_schema(js)
    item = good_item()
    jsonschema.validate(item, js)
    try:
        jsonschema.validate({**item, "发布时间": "2024-01-01"}, js)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("unknown key accepted")


def test_key_hints_point_to_real_fields():
    assert set(schema.KEY_HINTS.values()) <= set(schema.BY_KEY)
    assert not set(schema.KEY_HINTS) & set(schema.BY_KEY)


def test_required_art12_fields():
    required = {f.key for f in schema.FIELDS if f.required}
    assert {"索引号", "标题", "内容概述", "发布日期"} <= required
