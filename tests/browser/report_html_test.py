#!/usr/bin/env python3
"""Opens the monthly HTML report in headless Chromium, as a person's browser would.

usage: report_html_test.py MONTHLY_REPORT_BINARY OUTPUT_DIR

For each locale (zh, en) it makes the demo report with `monthly_report --demo`, then:
- loads the page with --dump-dom and checks that the six SVG charts are in the rendered
  DOM with positive width and height, and that the console stayed silent (no uncaught
  error, no refused resource: the page has no script and loads nothing);
- checks what a manager reads first: the TOP3 problems with their chart ahead of the
  alerts and the other charts, a bar for every timed stage of the SLA table in the
  per-stage chart, labelled points on the line charts, a dissatisfied-rounds row in the
  satisfaction table, and table headers that the style keeps on one line;
- takes a 1280x2000 screenshot and checks, by decoding the PNG, that it is not blank.

The screenshots stay in OUTPUT_DIR for a look. Chromium missing: installed with apt-get
when running as root, otherwise the test is skipped (exit 77) with a message.
"""

import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

SKIP = 77
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHARTS = ("chart-problems", "chart-sla-stages", "chart-types", "chart-sla", "chart-satisfaction", "chart-backlog")
DISSATISFIED_ROUNDS = {"zh": "不满意轮次", "en": "Dissatisfied rounds"}


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


def find_chromium():
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_chromium():
    path = find_chromium()
    if path:
        return path
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("SKIPPED: headless Chromium is not installed, and it can only be installed here as root "
              "with apt-get; run scripts/install-deps.sh to install it (package chromium)")
        sys.exit(SKIP)
    print("installing chromium with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium", "fonts-wqy-microhei"],
                   check=True, env=env)
    return find_chromium() or fail("chromium is still missing after apt-get install")


def chromium(binary, profile, *args):
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--user-data-dir=" + profile, *args]
    result = subprocess.run(command, capture_output=True, timeout=180)
    if result.returncode != 0:
        fail("chromium exited with %d:\n%s" % (result.returncode, result.stderr.decode(errors="replace")[-3000:]))
    return result.stdout.decode(errors="replace"), result.stderr.decode(errors="replace")


def check_dom(dom, html_path):
    svgs = re.findall(r"<svg\b[^>]*>", dom)
    if len(svgs) != len(CHARTS):
        fail("%s: expected %d SVG charts in the DOM, found %d" % (html_path, len(CHARTS), len(svgs)))
    for chart in CHARTS:
        tag = next((s for s in svgs if 'id="%s"' % chart in s), None)
        if tag is None:
            fail("%s: chart %s is missing from the DOM" % (html_path, chart))
        width = re.search(r'\bwidth="(\d+(?:\.\d+)?)"', tag)
        height = re.search(r'\bheight="(\d+(?:\.\d+)?)"', tag)
        if not width or not height or float(width.group(1)) <= 0 or float(height.group(1)) <= 0:
            fail("%s: chart %s has no positive width and height: %s" % (html_path, chart, tag))
    if "<script" in dom:
        fail("%s: the page holds a script" % html_path)
    if "<table" not in dom or "<h1>" not in dom:
        fail("%s: the page has no heading or no table" % html_path)


def section(dom, element_id, html_path):
    match = re.search(r'<(section|svg)\b[^>]*\bid="%s"[^>]*>(.*?)</\1>' % re.escape(element_id), dom, re.S)
    if not match:
        fail("%s: no element with id %s" % (html_path, element_id))
    return match.group(2)


def check_manager_view(dom, html_path, locale):
    positions = {name: dom.find('id="%s"' % name) for name in ("top-problems", "alert-list", "charts")}
    if positions["top-problems"] < 0:
        fail("%s: the TOP3 problems section is missing" % html_path)
    for later in ("alert-list", "charts"):
        if 0 <= positions[later] < positions["top-problems"]:
            fail("%s: %s comes before the TOP3 problems" % (html_path, later))
    headline = section(dom, "top-problems", html_path)
    if 'id="chart-problems"' not in headline or len(re.findall(r"<li\b", headline)) != 3:
        fail("%s: the TOP3 section has no chart or not three problems" % html_path)
    # Every stage of the SLA table has its bar in the per-stage chart.
    table = section(dom, "sla", html_path)
    stages = re.findall(r"<tr><td>([^<]+)</td>", table)
    if len(stages) < 3:
        fail("%s: the SLA table lists %d stages" % (html_path, len(stages)))
    bars = section(dom, "chart-sla-stages", html_path)
    trend = section(dom, "chart-sla", html_path)
    for stage in stages:
        if ">%s<" % stage not in bars:
            fail("%s: stage %s has no bar in the per-stage SLA chart" % (html_path, stage))
        if ">%s<" % stage not in trend:
            fail("%s: stage %s has no line in the SLA trend" % (html_path, stage))
    for chart in ("chart-sla", "chart-satisfaction"):
        if 'class="point-label"' not in section(dom, chart, html_path):
            fail("%s: %s has no labelled points" % (html_path, chart))
    if DISSATISFIED_ROUNDS[locale] not in section(dom, "satisfaction", html_path):
        fail("%s: the satisfaction table has no dissatisfied-rounds row" % html_path)
    style = re.search(r"<style>(.*?)</style>", dom, re.S)
    th_rule = re.search(r"(?m)^th \{([^}]*)\}", style.group(1) if style else "")
    if not th_rule or "white-space: nowrap" not in th_rule.group(1):
        fail("%s: table headers may break inside a word" % html_path)


def check_console(log, html_path):
    # Every console message is logged as "...:CONSOLE..."; a page without script has none.
    messages = [line for line in log.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    if messages:
        fail("%s: console messages:\n%s" % (html_path, "\n".join(messages)))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(path):
    """Returns (width, height, channels, rows) of an 8-bit, non-interlaced RGB(A) PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % path)
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(color)
    if depth != 8 or channels is None or interlace != 0:
        fail("%s: unexpected PNG format (depth %d, colour type %d, interlace %d)" % (path, depth, color, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                row[i] = (row[i] + row[i - channels]) & 0xFF
        elif kind == 2:
            row = bytearray((a + b) & 0xFF for a, b in zip(row, previous))
        elif kind == 3:
            for i in range(stride):
                left = row[i - channels] if i >= channels else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = row[i - channels] if i >= channels else 0
                up_left = previous[i - channels] if i >= channels else 0
                row[i] = (row[i] + paeth(left, previous[i], up_left)) & 0xFF
        rows.append(row)
        previous = row
    return width, height, channels, rows


def check_screenshot(png):
    width, height, channels, rows = decode_png(png)
    if (width, height) != (1280, 2000):
        fail("%s: screenshot is %dx%d, not 1280x2000" % (png, width, height))
    counts = {}
    for row in rows[::4]:  # every 4th row is plenty to tell a page from a blank
        for i in range(0, len(row), channels * 2):
            pixel = bytes(row[i:i + 3])
            counts[pixel] = counts.get(pixel, 0) + 1
    total = sum(counts.values())
    background = max(counts.values())
    inked = 1 - background / total
    print("  %s: %d colours, %.1f %% of pixels differ from the background" % (png, len(counts), inked * 100))
    if len(counts) < 32 or inked < 0.05:
        fail("%s looks blank (%d colours, %.1f %% not background)" % (png, len(counts), inked * 100))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    report_binary, out_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    browser = ensure_chromium()
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    for locale in ("zh", "en"):
        work = os.path.join(out_dir, locale)
        subprocess.run([report_binary, "--demo", work] + (["--en"] if locale == "en" else []), check=True,
                       stdout=subprocess.DEVNULL, timeout=300)
        html = os.path.join(work, "report-2024-05.html")
        url = "file://" + html
        profile = os.path.join(out_dir, "profile-" + locale)
        dom, log = chromium(browser, profile, "--enable-logging=stderr", "--v=0", "--dump-dom", url)
        check_dom(dom, html)
        check_manager_view(dom, html, locale)
        check_console(log, html)
        png = os.path.join(out_dir, "report-%s.png" % locale)
        chromium(browser, profile, "--screenshot=" + png, "--window-size=1280,2000", url)
        if not os.path.exists(png):
            fail("chromium wrote no screenshot " + png)
        check_screenshot(png)
        print("%s: %d charts sized, TOP3 first, every stage charted, console silent, screenshot %s"
              % (locale, len(CHARTS), png))
    return 0


if __name__ == "__main__":
    sys.exit(main())
