"""A screenshot of a captured page, rendered from the stored HTML with the network cut off.

Chromium never fetches the reported URL itself (that would bypass the fetcher's address checks): it renders
the HTML copvn already captured, from a local file, with scripts forbidden by a Content-Security-Policy put
in front of the page, every host name unresolvable and every request sent to a closed proxy. The picture therefore shows the page's text and layout, not its remote
images. Returns None when Chromium is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--window-size=1280,1600",
]


# Comes before the captured HTML: no script, no connection, no frame, whatever the page says.
LOCKDOWN = ('<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "img-src data:; style-src 'unsafe-inline'; font-src data:\">")


# A page that refreshes itself (`<meta http-equiv="refresh" content="0">`) reloads forever and the screenshot
# never comes: refreshes and redirects are removed from the copy that is rendered.
REFRESH = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*[\"']?\s*refresh[^>]*>", re.IGNORECASE)


def without_refresh(html: str) -> str:
    return REFRESH.sub("", html)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def render(html: str, timeout: float = 30.0) -> bytes | None:
    browser = chromium()
    if browser is None:
        return None
    with tempfile.TemporaryDirectory(prefix="copvn-shot-") as work:
        folder = Path(work)
        page, shot = folder / "page.html", folder / "shot.png"
        page.write_text(LOCKDOWN + without_refresh(html), encoding="utf-8")
        command = [browser, *FLAGS, f"--user-data-dir={folder / 'profile'}", f"--screenshot={shot}", page.as_uri()]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return None
        return shot.read_bytes() if shot.exists() else None
