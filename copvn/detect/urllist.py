"""URL lists at the scale of millions: exact canonical URLs, a host with a path prefix, and whole domains with
their subdomains, all matched on the canonical form of copvn.detect.urls. Framework-free.

Entries are written as `https://host/path` (exact), `prefix:https://host/path` (that path and everything
under it, at segment boundaries) or `domain:example.com` (the domain and every subdomain). Lookups cost a
few dictionary probes per URL, whatever the list's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .urls import URLError, canonicalise


@dataclass
class URLList:
    exact: dict[str, int] = field(default_factory=dict)
    prefixes: dict[str, dict[str, int]] = field(default_factory=dict)  # host -> path prefix -> entry number
    domains: dict[str, int] = field(default_factory=dict)
    entries: list[str] = field(default_factory=list)

    def add(self, line: str) -> int:
        text = line.strip()
        number = len(self.entries)
        if text.lower().startswith("domain:"):
            domain = text[7:].strip().lower().rstrip(".")
            if not domain or "/" in domain or " " in domain:
                raise URLError(f"not a domain: {domain!r}")
            self.domains[canonicalise(domain).host] = number
        elif text.lower().startswith("prefix:"):
            canonical = canonicalise(text[7:])
            path = canonical.url.split(canonical.host, 1)[1].split("?", 1)[0] or "/"
            self.prefixes.setdefault(canonical.host, {})[path.rstrip("/") or "/"] = number
        else:
            self.exact[canonicalise(text).url] = number
        self.entries.append(text)
        return number

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, url: str) -> list[tuple[str, int]]:
        """(how, entry number) for every entry the URL falls under: exact, prefix or domain."""
        canonical = canonicalise(url)
        found = []
        if canonical.url in self.exact:
            found.append(("exact", self.exact[canonical.url]))
        paths = self.prefixes.get(canonical.host)
        if paths:
            path = canonical.url.split(canonical.host, 1)[1].split("?", 1)[0] or "/"
            segments = path.split("/")
            for end in range(len(segments), 0, -1):
                candidate = "/".join(segments[:end]) or "/"
                if candidate in paths:
                    found.append(("prefix", paths[candidate]))
        labels = canonical.host.split(".")
        for i in range(len(labels) - 1):
            suffix = ".".join(labels[i:])
            if suffix in self.domains:
                found.append(("domain", self.domains[suffix]))
        return found
