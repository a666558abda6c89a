#!/bin/sh
# 离线查询机：启动本机服务并全屏打开网站（需要 python3 和 Chromium）。说明见“使用说明.txt”。
cd "$(dirname "$0")" && exec python3 serve.py "$@"
