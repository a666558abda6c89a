#!/usr/bin/env python3
"""离线查询机启动程序：在本机 127.0.0.1 上提供 site/ 文件夹中的网站，并以全屏（kiosk）方式打开浏览器。

  python3 serve.py                   启动本机服务，全屏打开 Chromium（或 Chrome、Edge）
  python3 serve.py --no-browser      只启动本机服务，在浏览器中打开显示的网址
  python3 serve.py --print-command   只显示浏览器的启动命令
  python3 serve.py --port 8765 --browser /usr/bin/chromium

只使用 Python 标准库，不连接互联网。网站中的检索需要通过本机服务打开（浏览器不允许
直接从 file:// 读取检索索引），所以不要直接双击 index.html。按 Ctrl+C 结束。
"""
from __future__ import annotations

import argparse
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "msedge")
WINDOWS_BROWSERS = (r"Google\Chrome\Application\chrome.exe", r"Microsoft\Edge\Application\msedge.exe")


def find_browser() -> str | None:
    for name in BROWSERS:
        if shutil.which(name):
            return shutil.which(name)
    for base in (os.environ.get("ProgramFiles"), os.environ.get("ProgramFiles(x86)"), os.environ.get("LocalAppData")):
        for rel in WINDOWS_BROWSERS:
            if base and Path(base, rel).is_file():
                return str(Path(base, rel))
    return None


def browser_command(browser: str, url: str, profile: str) -> list[str]:
    """Full screen, no first-run dialogs, no translate bar, no pinch zoom or swipe navigation,
    printing straight to the default printer, a fresh profile on each start."""
    return [browser, "--kiosk", url, "--no-first-run", "--no-default-browser-check", "--noerrdialogs",
            "--disable-translate", "--disable-features=Translate", "--disable-pinch",
            "--overscroll-history-navigation=0", "--disable-session-crashed-bubble", "--kiosk-printing",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + profile]


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".svg": "image/svg+xml",
                      ".json": "application/json", ".xml": "application/xml", ".js": "text/javascript",
                      ".bin": "application/octet-stream", ".ofd": "application/ofd"}

    def log_message(self, format, *args):          # noqa: A002 - quiet unless asked
        if self.server.verbose:
            super().log_message(format, *args)

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="离线查询机：本机服务和全屏浏览器")
    parser.add_argument("--port", type=int, default=8765, help="本机端口（默认 8765；0 表示任选空闲端口）")
    parser.add_argument("--browser", help="浏览器程序路径（默认自动查找 Chromium、Chrome、Edge）")
    parser.add_argument("--no-browser", action="store_true", help="只启动本机服务")
    parser.add_argument("--print-command", action="store_true", help="只显示浏览器启动命令")
    parser.add_argument("--verbose", action="store_true", help="显示每个请求")
    args = parser.parse_args(argv)
    if not (SITE / "index.html").is_file():
        print(f"找不到网站文件：{SITE / 'index.html'}。请把 make kiosk 生成的整个文件夹复制过来。", file=sys.stderr)
        return 1
    browser = args.browser or find_browser()
    if args.print_command:
        url = f"http://127.0.0.1:{args.port or 8765}/"
        print(" ".join(browser_command(browser or "chromium", url, os.path.join(tempfile.gettempdir(), "gongkai-kiosk"))))
        return 0
    profile = tempfile.mkdtemp(prefix="gongkai-kiosk-")
    server = ThreadingHTTPServer(("127.0.0.1", args.port), functools.partial(Handler, directory=str(SITE)))
    server.verbose = args.verbose
    url = f"http://127.0.0.1:{server.server_port}/"
    print(f"查询机网址：{url}", flush=True)
    if not args.no_browser:
        if browser:
            subprocess.Popen(browser_command(browser, url, profile))
        else:
            print("没有找到 Chromium、Chrome 或 Edge。请安装后重试，或在浏览器中打开上面的网址。", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
