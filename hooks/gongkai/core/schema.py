"""The item schema: the contract with staff, defined once.

Front-matter keys are the Chinese terms staff already use; code uses the
English `name`. Validation, error messages, templates, the JSON Schema export
and the staff documentation (`python -m gongkai schema-doc`) all read FIELDS.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# --- vocabularies -----------------------------------------------------------

# The 15 公文 kinds (党政机关公文处理工作条例, exact) plus common non-公文 体裁.
DOC_KINDS = ("决议", "决定", "命令（令）", "公报", "公告", "通告", "意见", "通知",
             "通报", "报告", "请示", "批复", "议案", "函", "纪要")
GENRES = DOC_KINDS + ("规划", "计划", "总结", "方案", "办法", "规定", "细则", "公示",
                      "解读", "图解", "年报", "动态", "数据", "名单", "指南", "其他")
VALIDITY = ("现行有效", "已修改", "已废止", "已失效", "部分失效")
DISCLOSURE_MODES = ("主动公开", "依申请公开", "不予公开")
# Only 主动公开 items are published with body and attachments; the others never (条例第十三至十六条).
PUBLIC_MODE = "主动公开"
# Why an item is not disclosed (不予公开理由): the categories of 条例第十四、十五、十六条.
WITHHOLD_REASONS = ("国家秘密", "法律、行政法规禁止公开", "危及国家安全、公共安全、经济安全、社会稳定",
                    "商业秘密", "个人隐私", "内部事务信息", "过程性信息", "行政执法案卷信息")
# 审核记录: the stages of 三审 and 保密审查, in the order they are done, and the opinions.
REVIEW_STAGES = ("初审", "复审", "终审", "保密审查")
REVIEW_OPINIONS = ("通过", "退回")
# 撤回: why a published item was withdrawn (the category is shown on the notice page).
WITHDRAWAL_REASONS = ("涉及国家秘密", "涉及商业秘密或个人隐私", "内容有误", "重复发布", "依法不应公开",
                      "已由新信息替代", "其他")
DISCLOSURE_SCOPES = ("面向社会", "面向特定群体")
# 关系 of a 关联 entry, read as "this item <relation> the target".
RELATIONS = ("解读", "替代", "废止", "修改", "相关")
# Personal information the inspection scans published text for.
PII_KINDS = ("身份证号", "手机号", "银行卡号")
# How the relation reads on the target's page.
RELATION_REVERSE = {"解读": "政策解读", "替代": "被替代", "废止": "废止文件",
                    "修改": "修改文件", "相关": "相关文件"}
RELATION_FORWARD = {"解读": "解读的文件", "替代": "替代的文件", "废止": "废止的文件",
                    "修改": "修改的文件", "相关": "相关文件"}


@dataclass(frozen=True)
class Field:
    key: str                  # front-matter key (Chinese)
    name: str                 # code name
    kind: str                 # text | date | year | bool | enum | list | attachments | relations | revisions
    #                           | reviews | withdrawal
    doc: str                  # what it means, for staff
    required: bool = False
    vocab: tuple[str, ...] = ()
    default: object = None
    example: str = ""
    multiline: bool = False


FIELDS: tuple[Field, ...] = (
    Field("标题", "title", "text", "文件或信息的完整名称（条例第十二条“名称”）。", True,
          example="示例县人民政府办公室关于做好2024年春耕生产工作的通知"),
    Field("索引号", "index_no", "text",
          "唯一且永不变更的编号，决定本条信息的网址。格式见 catalogue/site.yml 的“索引号格式”。", True,
          example="11349901MB1C2D3E3D/2024-00012"),
    Field("发布机构", "publisher", "text",
          "发布本信息的机关全称，须是 catalogue/site.yml“发布机构”列表中的一个。", True,
          example="示例县人民政府办公室"),
    Field("联合发文机关", "co_publishers", "list", "联合发文时其他机关的全称（牵头机关填在发布机构）。",
          example="[示例县财政局, 示例县农业农村局]"),
    Field("文号", "doc_no", "text", "发文字号，按 GB/T 9704 写法：机关代字〔四位年份〕序号号，如 示政办〔2024〕12号。",
          example="示政办〔2024〕12号"),
    Field("登记号", "registration_no", "text", "规范性文件的统一登记号（与文号分开填写），如 示规〔2024〕001。",
          example="示规〔2024〕001"),
    Field("成文日期", "date_signed", "date", "文件签发日期，格式 YYYY-MM-DD。没有成文日期的信息可改填生成日期。",
          example="2024-03-05"),
    Field("生成日期", "date_generated", "date",
          "信息形成日期（条例第十二条）。不填时等于成文日期；数据类信息填数据完整形成之日。", example="2024-01-20"),
    Field("发布日期", "date_published", "date", "在网站上公开的日期，格式 YYYY-MM-DD，不得晚于今天。", True,
          example="2024-03-08"),
    Field("栏目", "column", "text", "所属栏目名称（见 catalogue/columns.yml 的末级栏目），如 规范性文件。", True,
          example="规范性文件"),
    Field("主题分类", "topic", "text",
          "国务院公文主题分类，写作“一级\\二级”或“一级”，如 综合政务\\政务公开。不填时使用栏目的默认主题。",
          example="综合政务\\政务公开"),
    Field("体裁", "genre", "enum", "文种或信息类型。", vocab=GENRES, default="其他", example="通知"),
    Field("公开方式", "disclosure_mode", "enum",
          "主动公开、依申请公开或不予公开（公文的公开属性，如“此件公开发布”“此件依申请公开”）。只有主动公开的信息"
          "在网站上发布正文和附件；依申请公开、不予公开的不发布，只在本机关配置时列入公开目录数据（不含正文）。",
          vocab=DISCLOSURE_MODES, default="主动公开"),
    Field("不予公开理由", "withhold_reason", "enum", "公开方式为不予公开时必填：条例第十四至十六条规定的类别。",
          vocab=WITHHOLD_REASONS),
    Field("公开范围", "disclosure_scope", "enum", "面向社会或面向特定群体。", vocab=DISCLOSURE_SCOPES,
          default="面向社会"),
    Field("公开时限", "time_limit", "text",
          "本信息的公开时限，如“长期公开”“3个工作日内”。写明“N个工作日”时，时效检查按此计算，否则按条例第二十六条20个工作日。", example="长期公开"),
    Field("有效性", "validity", "enum", "规范性文件和规章必填。", vocab=VALIDITY),
    Field("生效日期", "date_effective", "date", "开始施行的日期。", example="2024-04-01"),
    Field("失效日期", "date_expires", "date", "有效期届满的日期；届满后有效性按已失效显示。", example="2029-03-31"),
    Field("废止日期", "date_repealed", "date", "被废止的日期（有效性为已废止时填写）。", example="2026-05-10"),
    Field("内容概述", "summary", "text", "一两句话说明主要内容（条例第十二条），约100字以内，不要重复标题。", True,
          multiline=True, example="部署春耕备耕、农资保供和技术指导工作。"),
    Field("关键词", "keywords", "list", "若干关键词，写成列表，或用顿号分隔。", example="[春耕, 农资保供]"),
    Field("附件", "attachments", "attachments",
          "与本文件放在同一文件夹（或其子文件夹）的附件。每项写“文件”（相对路径）和“标题”。",
          example="- {文件: 00012/附件1.pdf, 标题: 停车设施建设标准}"),
    Field("关联", "relations", "relations",
          "与其他信息的关联，按索引号引用。每项写“索引号”和“关系”（解读、替代、废止、修改、相关），"
          "意为“本信息 解读/替代/废止/修改 该信息”。只写索引号时关系为“相关”。",
          example="- {索引号: 11349901MB1C2D3E3D/2024-00009, 关系: 解读}"),
    Field("政策咨询电话", "policy_phone", "text", "政策咨询电话，显示在信息栏中，如 0550-1234567。",
          example="0550-6021234"),
    Field("定时发布", "scheduled", "bool",
          "写“是”表示这是定时发布：发布日期在今天之后时先不发布，到期后由每日自动生成发布。"
          "不写时，晚于今天的发布日期视为填写错误。", example="是"),
    Field("报告年度", "report_year", "year",
          "政府信息公开工作年度报告所报告的年份（只用于“年报”类栏目）。填写后，年报的表二、表三、表四由系统"
          "按 catalogue/reports/ 中的数据和公开目录生成。", example="2025"),
    Field("标准目录事项", "standard_rows", "list",
          "本信息落实的基层政务公开标准目录事项，写作“领域/事项”（见 catalogue/standard.yml 和网站“标准目录”页面）。",
          example="[重大建设项目/批准结果信息]"),
    Field("个人信息例外", "pii_allowed", "list",
          "确需公开的个人信息类型（如依法公示的联系电话）。未声明的身份证号、手机号、银行卡号会阻止发布。"
          "须同时填写“个人信息例外理由”。", vocab=PII_KINDS),
    Field("个人信息例外理由", "pii_reason", "text", "公开上述个人信息的法律依据和理由，显示在自查报告中供审核人核对。",
          example="依据《社会救助审核确认办法》公示，只公开姓名和村别"),
    Field("修订记录", "revisions", "revisions",
          "发布后对本信息的每次更正或修改：每项写“日期”和“说明”（改了什么、为什么），显示在信息页面上。"
          "废止的文件不删除，改有效性并填废止日期。",
          example="- {日期: 2026-04-02, 说明: 更正附件2中的联系电话}"),
    Field("审核记录", "reviews", "reviews",
          "发布前的三审（初审、复审、终审）和保密审查，按先后每环节一项：环节、审核人、职务、日期、意见（通过或退回）、"
          "说明。用 make sign 环节=复审 FILE=… 添加本人的一项。只用于内部存档（内网的发布审核单），不在公开网站上显示。"
          "保密审查确认某个密级或敏感标志属于误报时，在该项写“放行: [标志]”并在说明中写明理由。",
          example="- {环节: 初审, 审核人: 张三, 职务: 科员, 日期: 2024-03-06, 意见: 通过, 说明: 内容准确}"),
    Field("撤回", "withdrawal", "withdrawal",
          "已发布信息的撤回：日期、原因（类别）和决定人，可加说明（内部）。撤回后原网址只显示撤回公告（标题、索引号、"
          "撤回日期和原因类别），正文和附件不再公开，也从目录、检索、订阅和开放数据中删除。",
          example="{日期: 2026-12-04, 原因: 内容有误, 决定人: 李四}"),
    Field("曾用索引号", "former_index_nos", "list",
          "索引号更正前用过的索引号。旧网址会自动跳转到本信息的新网址，旧号永不再分配。",
          example="[11349901MB1C2D3E3D/2024-00013]"),
    Field("原网址", "old_urls", "list",
          "迁移前本信息在原网站上的网址（make import-site 填写）。这些网址会跳转到本信息的新网址。",
          example="[https://www.example.gov.cn/zwgk/202401/t20240105_123.htm]"),
)

BY_KEY = {f.key: f for f in FIELDS}
BY_NAME = {f.name: f for f in FIELDS}
# Item fields with a list of Chinese labels in display order for the metadata grid.
GRID = ("index_no", "topic", "publisher", "date_signed", "doc_no", "date_published",
        "validity", "disclosure_mode")

# Keys of 附件 and 关联 entries.
ATTACHMENT_KEYS = {"文件": "path", "标题": "title"}
RELATION_KEYS = {"索引号": "index_no", "关系": "relation"}
REVISION_KEYS = {"日期": "date", "说明": "note"}
REVIEW_KEYS = {"环节": "stage", "审核人": "reviewer", "职务": "role", "日期": "date", "意见": "opinion",
               "说明": "note", "放行": "cleared"}
WITHDRAWAL_KEYS = {"日期": "date", "原因": "reason", "决定人": "decided_by", "说明": "note"}
# Marks what staff still have to fill in (make new, Word import); an item containing it is not published.
ITEMS_DIR = "catalogue/items"          # where item files live, one folder per 栏目 and year
BLANK_MARK = "【待填写"

# Frequent wrong keys mapped to the right one (the nearest-key search covers the rest).
KEY_HINTS = {
    "发布时间": "发布日期", "公开日期": "发布日期", "上网日期": "发布日期",
    "名称": "标题", "信息名称": "标题", "题目": "标题",
    "发文字号": "文号", "文件编号": "文号", "发布文号": "文号",
    "发文机关": "发布机构", "信息来源": "发布机构", "来源": "发布机构",
    "分类": "主题分类", "主题": "主题分类", "组配分类": "栏目",
    "摘要": "内容概述", "简介": "内容概述",
    "效力状况": "有效性", "状态": "有效性",
    "产生日期": "生成日期", "签发日期": "成文日期", "发文日期": "成文日期",
    "主题词": "关键词", "文种": "体裁", "公开属性": "公开方式",
    "相关文件": "关联", "关联解读": "关联", "咨询电话": "政策咨询电话",
}


# --- the body's identity (catalogue/site.yml) ------------------------------

@dataclass(frozen=True)
class SiteField:
    path: str                 # dotted Chinese path inside site.yml
    name: str
    kind: str                 # text | list | mapping | int | bool | channels | publishers | sites
    doc: str
    required: bool = True
    pattern: str = ""         # regex the text must match
    pattern_doc: str = ""
    default: object = None


SITE_FIELDS: tuple[SiteField, ...] = (
    SiteField("机构全称", "body_name", "text", "本机关全称。"),
    SiteField("统一社会信用代码", "credit_code", "text", "18位统一社会信用代码。",
              pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
              pattern_doc="18位，由数字和除 I、O、S、V、Z 以外的大写字母组成"),
    SiteField("行政区划代码", "area_code", "text", "6位行政区划代码。", pattern=r"^\d{6}$",
              pattern_doc="6位数字"),
    SiteField("工作机构.名称", "office_name", "text", "政府信息公开工作机构名称（条例第十二条）。"),
    SiteField("工作机构.办公地址", "office_address", "text", "办公地址。"),
    SiteField("工作机构.办公时间", "office_hours", "text", "办公时间。"),
    SiteField("工作机构.联系电话", "office_phone", "text", "联系电话。"),
    SiteField("工作机构.传真号码", "office_fax", "text", "传真号码。"),
    SiteField("工作机构.互联网联系方式", "office_online", "text", "电子邮箱或网上联系地址。"),
    SiteField("工作机构.邮政编码", "office_postcode", "text", "邮政编码。", pattern=r"^\d{6}$",
              pattern_doc="6位数字"),
    SiteField("申请接收渠道", "channels", "channels",
              "依申请公开的接收渠道。当面提交和邮政寄送必须提供；其他渠道须写明使用方法。"),
    SiteField("发布机构", "publishers", "publishers", "本站可用的发布机构全称及其网址标识。"),
    SiteField("网站.主办单位", "sponsor", "text", "网站主办单位。"),
    SiteField("网站.网站标识码", "site_code", "text", "政府网站标识码。", pattern=r"^(\d{10}|bm\d{8})$",
              pattern_doc="10位：6位行政区划代码加4位顺序号，或 bm 加8位数字"),
    SiteField("网站.ICP备案号", "icp", "text", "ICP备案编号，如 皖ICP备12345678号。",
              pattern=r"^.{1,3}ICP备\d{6,10}号(-\d+)?$", pattern_doc="形如 皖ICP备12345678号"),
    SiteField("网站.公安机关备案号", "psb", "text", "公安机关备案号，如 皖公网安备34152202000001号。",
              pattern=r"^.{1,3}公网安备\d{14}号$", pattern_doc="形如 皖公网安备34152202000001号"),
    SiteField("网站.党政机关网站标识", "gov_mark", "text", "党政机关网站标识图片（相对 catalogue/ 的路径）。"),
    SiteField("网站.页脚由门户提供", "footer_by_portal", "bool",
              "嵌入上级门户时，门户已显示页脚标识信息，则填 true。", required=False, default=False),
    SiteField("索引号格式", "index_pattern", "text",
              "索引号格式，可用 {统一社会信用代码}{YYYY}{YYYYMM}{NNNNN} 等占位符。", required=False,
              default="{统一社会信用代码}/{YYYY}-{NNNNN}"),
    SiteField("已停用索引号", "retired_index_nos", "list",
              "用过但已不对应任何信息的索引号（如迁移前旧系统用过的号、撤回的信息）：新建信息不会分配，信息也不得使用。",
              required=False),
    SiteField("目录列出非主动公开信息", "list_withheld", "bool",
              "填 true 时，依申请公开和不予公开的信息也列入公开目录数据（catalogue.json/csv），只有索引号、标题、发布机构、"
              "文号、日期、公开方式和不予公开理由类别，不含内容概述、正文和附件。", required=False, default=False),
    SiteField("每页条数", "page_size", "int", "目录每页显示的条数。", required=False, default=20),
    SiteField("首页最新条数", "home_latest", "int", "首页“最新公开”显示的条数。", required=False, default=10),
    SiteField("一级栏目名称.指南", "label_guide", "text", "一级栏目名称。", required=False,
              default="政府信息公开指南"),
    SiteField("一级栏目名称.制度", "label_rules", "text", "一级栏目名称。", required=False,
              default="政府信息公开制度"),
    SiteField("一级栏目名称.法定主动公开内容", "label_statutory", "text", "一级栏目名称。", required=False,
              default="法定主动公开内容"),
    SiteField("一级栏目名称.年报", "label_reports", "text", "一级栏目名称。", required=False,
              default="政府信息公开年报"),
    SiteField("一级栏目名称.依申请公开", "label_apply", "text", "栏目名称。", required=False,
              default="依申请公开"),
    SiteField("联合检索", "search_sites", "sites",
              "本站搜索页同时检索的其他网站（单独生成的乡镇、部门网站）。每项写“名称”（机构全称）和“地址”"
              "（对方网站首页的网址，如 https://www.example.gov.cn/zwgk/qsz/，或相对本站首页的路径，如 ../qsz/），"
              "以 / 结尾。", required=False),
)

SITE_BY_PATH = {f.path: f for f in SITE_FIELDS}
CHANNEL_KEYS = {"渠道": "name", "说明": "how"}
REQUIRED_CHANNELS = ("当面提交", "邮政寄送")
PUBLISHER_KEYS = {"名称": "name", "标识": "slug"}
SEARCH_SITE_KEYS = ("名称", "地址")


# --- the column tree (catalogue/columns.yml) -------------------------------

COLUMN_KEYS = {
    "名称": "name", "标识": "slug", "说明": "description", "更新周期": "frequency",
    "栏目类型": "kind", "文件类别": "doc_class", "默认主题": "default_topic", "下级": "children",
}
COLUMN_KINDS = ("动态要闻", "通知公告", "政策文件", "其他")
DOC_CLASSES = ("规范性文件", "规章", "年报")
# 更新周期 vocabulary → months (None: update when the information changes).
FREQUENCIES = {"2周": 0.5, "1个月": 1, "3个月": 3, "6个月": 6, "1年": 12, "按需": None}


def json_schema() -> dict:
    """The item schema as JSON Schema (draft 2020-12), for editors and tools."""
    props: dict[str, dict] = {}
    for f in FIELDS:
        p: dict = {"title": f.key, "description": f.doc}
        if f.kind == "date":
            p.update(type="string", format="date", pattern=r"^\d{4}-\d{2}-\d{2}$")
        elif f.kind == "enum":
            p.update(type="string", enum=list(f.vocab))
        elif f.kind == "list":
            p.update(type="array", items={"type": "string", **({"enum": list(f.vocab)} if f.vocab else {})})
        elif f.kind == "year":
            p.update(type="integer", minimum=1949, maximum=2100)
        elif f.kind == "bool":
            p.update(type=["boolean", "string"], enum=[True, False, "是", "否"])
        elif f.kind == "attachments":
            p.update(type="array", items={"type": "object", "required": ["文件"],
                                          "properties": {"文件": {"type": "string"},
                                                         "标题": {"type": "string"}}})
        elif f.kind == "revisions":
            p.update(type="array", items={"type": "object", "required": ["日期", "说明"], "additionalProperties": False,
                                          "properties": {"日期": {"type": "string", "format": "date",
                                                                "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                                                         "说明": {"type": "string", "minLength": 1}}})
        elif f.kind == "reviews":
            p.update(type="array", items={"type": "object", "required": ["环节", "审核人", "日期", "意见"],
                                          "additionalProperties": False,
                                          "properties": {"环节": {"type": "string", "enum": list(REVIEW_STAGES)},
                                                         "审核人": {"type": "string", "minLength": 1},
                                                         "职务": {"type": "string"},
                                                         "日期": {"type": "string", "format": "date"},
                                                         "意见": {"type": "string", "enum": list(REVIEW_OPINIONS)},
                                                         "说明": {"type": "string"},
                                                         "放行": {"type": "array", "items": {"type": "string"}}}})
        elif f.kind == "withdrawal":
            p.update(type="object", required=["日期", "原因", "决定人"], additionalProperties=False,
                     properties={"日期": {"type": "string", "format": "date"},
                                 "原因": {"type": "string", "enum": list(WITHDRAWAL_REASONS)},
                                 "决定人": {"type": "string", "minLength": 1}, "说明": {"type": "string"}})
        elif f.kind == "relations":
            p.update(type="array", items={"anyOf": [
                {"type": "string"},
                {"type": "object", "required": ["索引号"],
                 "properties": {"索引号": {"type": "string"},
                                "关系": {"type": "string", "enum": list(RELATIONS)}}}]})
        else:
            p.update(type="string")
        if f.default is not None:
            p["default"] = f.default
        props[f.key] = p
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "gongkai 公开目录条目",
        "type": "object",
        "required": [f.key for f in FIELDS if f.required],
        "additionalProperties": False,
        "properties": props,
    }


def markdown_doc() -> str:
    """Staff documentation of the front matter, generated from FIELDS."""
    lines = ["| 字段 | 必填 | 说明 | 可选值或示例 |", "|---|---|---|---|"]
    for f in FIELDS:
        values = "、".join(f.vocab) if f.vocab else f.example
        if f.default is not None:
            values += f"（默认：{f.default}）"
        req = "是" if f.required else ""
        lines.append(f"| {f.key} | {req} | {f.doc} | {values} |")
    return "\n".join(lines) + "\n"


def site_markdown_doc() -> str:
    """Documentation of catalogue/site.yml, generated from SITE_FIELDS."""
    lines = ["| 设置项 | 必填 | 说明 |", "|---|---|---|"]
    for f in SITE_FIELDS:
        extra = f"格式：{f.pattern_doc}。" if f.pattern_doc else ""
        extra += f"默认：{f.default}" if f.default is not None else ""
        lines.append(f"| {f.path} | {'是' if f.required else ''} | {f.doc}{extra} |")
    return "\n".join(lines) + "\n"


MARKERS = {"schema": markdown_doc, "site": site_markdown_doc}


def update_doc(text: str) -> str:
    """Replace each generated table between <!-- NAME:start --> and <!-- NAME:end -->."""
    for name, make in MARKERS.items():
        text = re.sub(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)",
                      lambda m, make=make: m.group(1) + make() + m.group(2), text, flags=re.S)
    return text
