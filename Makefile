# gongkai — make site | make test | make check | make serve
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
AXE    := tests/node_modules/axe-core/axe.min.js

export PYTHONPATH := $(CURDIR)/hooks
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test check serve schema-doc docs clean report-xlsx report-import kiosk

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

## Build the site into site/ (stops with a list of errors when the catalogue has any).
site: $(STAMP)
	$(BIN)/mkdocs build --clean

## Annual report tables as a spreadsheet: make report-xlsx YEAR=2025 [FILE=年报2025.xlsx];
## after filling it in WPS/Excel: make report-import YEAR=2025 [FILE=年报2025.xlsx].
REPORT_FILE = $(or $(FILE),年报$(YEAR).xlsx)
report-xlsx: $(STAMP)
	$(BIN)/python -m gongkai report-xlsx $(YEAR) $(REPORT_FILE)

report-import: $(STAMP)
	$(BIN)/python -m gongkai report-import $(YEAR) $(REPORT_FILE)

## Run the test suite (with npm on the machine, axe-core is installed first for the accessibility tests).
test: $(STAMP) $(if $(shell command -v npm 2>/dev/null),$(AXE))
	$(BIN)/python -m pytest -q tests

## axe-core from the npm registry, version pinned in tests/package-lock.json.
$(AXE): tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Offline kiosk for a service-hall terminal (政务公开专区 查询机) in build/kiosk/:
## make kiosk [KIOSK_IDLE=seconds before returning to the home page]
KIOSK_IDLE ?= 120
kiosk: site
	$(BIN)/python -m gongkai kiosk --site site --out build/kiosk --idle $(KIOSK_IDLE)

## Validate and self-inspect the catalogue (fast, no rendering), write build/inspection/;
## exits non-zero on errors. Another project: make check ROOT=tests/fixtures/inspection
## make check FIX=1 first gives items saved through the form (索引号 left blank) the next free 索引号.
ROOT ?= .
check: $(STAMP)
	$(BIN)/python -m gongkai check --root $(ROOT) $(if $(FIX),--fix)

## Preview at http://127.0.0.1:8000/ while editing.
serve: $(STAMP)
	$(BIN)/mkdocs serve

## Print the front-matter field table generated from the schema.
schema-doc: $(STAMP)
	@$(BIN)/python -m gongkai schema-doc

clean:
	rm -rf site site-intranet

## Build benchmark (minutes to an hour): cold and incremental builds of 1k, 10k, 100k synthetic items and
## Debian's Hugo on the same content, into bench/results.md. Smaller: make bench SIZES=1000,10000
SIZES ?= 1000,10000,100000
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m pip install -q -r bench/requirements.txt
	$(BIN)/python bench/run.py --sizes $(SIZES)

## Regenerate the field tables in README.md from the schema.
docs: $(STAMP)
	$(BIN)/python -m gongkai schema-doc --update README.md

.PHONY: new import-docx review intranet vendor-decap sign takedown

## Staff: start a new item with the next free 索引号 — make new 体裁=通知 栏目=规范性文件 标题=……
## (asks for what is missing when run in a terminal).
new: $(STAMP)
	$(BIN)/python -m gongkai new $(if $(体裁),--体裁 "$(体裁)") $(if $(栏目),--栏目 "$(栏目)") $(if $(标题),--标题 "$(标题)") $(if $(发布机构),--发布机构 "$(发布机构)")

## Staff: a Word document as a new item — make import-docx FILE=文件.docx 栏目=规范性文件
import-docx: $(STAMP)
	$(BIN)/python -m gongkai import-docx "$(FILE)" $(if $(栏目),--栏目 "$(栏目)") $(if $(体裁),--体裁 "$(体裁)") $(if $(发布机构),--发布机构 "$(发布机构)")

## Staff/IT: move an old site saved with wget --mirror into the catalogue (see README 从旧网站迁移):
## make import-site SRC=备份文件夹 PLAN=1 (preview, writes nothing), then without PLAN; [MAP=映射.yml] [LIST=目录.xlsx] [FORCE=1]
.PHONY: import-site
import-site: $(STAMP)
	$(BIN)/python -m gongkai import-site "$(SRC)" $(if $(MAP),--map "$(MAP)") $(if $(LIST),--list "$(LIST)") $(if $(PLAN),--plan) $(if $(FORCE),--force)

## Reviewers: what a branch changes, as Markdown — make review [BASE=origin/main] [HEAD=HEAD]
BASE ?= origin/main
review: $(STAMP)
	$(BIN)/python -m gongkai review $(BASE) $(or $(HEAD),HEAD)

## Reviewers: record your stage of the 审核记录 (your git user.name, today in Beijing time) —
## make sign 环节=复审 FILE=catalogue/items/…/00012.md [意见=退回 说明=……] [职务=股长]
sign: $(STAMP)
	$(BIN)/python -m gongkai sign --环节 "$(环节)" --file "$(FILE)" $(if $(意见),--意见 "$(意见)") $(if $(说明),--说明 "$(说明)") $(if $(职务),--职务 "$(职务)")

## Emergency withdrawal: the item's page becomes a notice, then the site is rebuilt for deployment —
## make takedown 索引号=11349901MB1C2D3E3D/2024-00012 原因=内容有误 [决定人=李四] [说明=……]
takedown: $(STAMP)
	$(BIN)/python -m gongkai takedown --索引号 "$(索引号)" --原因 "$(原因)" $(if $(决定人),--决定人 "$(决定人)") $(if $(说明),--说明 "$(说明)")
	$(BIN)/mkdocs build

## Intranet build into site-intranet/: the site plus form editing at /admin/ (Decap CMS).
intranet: $(STAMP) vendor-decap
	GONGKAI_INTRANET=1 $(BIN)/mkdocs build --clean --site-dir site-intranet

## Decap CMS's files from the npm registry (version and checksum pinned in hooks/gongkai/decap.py).
vendor-decap: $(STAMP)
	$(BIN)/python -m gongkai decap vendor
