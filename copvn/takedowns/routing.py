"""Who is responsible for a URL on a given day: the platform that serves it (by its domains in the registry as
it was that day), or else the ISP whose networks hold the addresses of the hosting trace.

`Registry(day)` reads the registry once (platform domains, ISP networks) and answers many URLs; the
verification scheduler keeps one per run."""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.utils import timezone

from copvn.orgs.models import Organisation, domain_owner

from .models import ProviderContact


class Registry:
    def __init__(self, day: dt.date | None = None):
        self.day = day or timezone.localdate()
        self.platforms = list(Organisation.objects.as_of(self.day).exclude(domains=""))
        self.networks = []
        for contact in ProviderContact.objects.exclude(networks="").select_related("organisation"):
            if contact.organisation.is_valid_on(self.day):
                self.networks += [(contact.organisation, n) for n in _networks(contact.networks)]

    def provider_for(self, host: str, addresses: list[str]) -> Organisation | None:
        return self.platform_for(host) or self.isp_for(addresses)

    def platform_for(self, host: str) -> Organisation | None:
        return domain_owner(host, self.platforms)

    def isp_for(self, addresses: list[str]) -> Organisation | None:
        parsed = []
        for raw in addresses:
            try:
                parsed.append(ipaddress.ip_address(raw.split("%")[0]))
            except ValueError:
                continue
        for org, network in self.networks:
            if any(a in network for a in parsed if a.version == network.version):
                return org
        return None


def _networks(text: str):
    for line in text.split():
        try:
            yield ipaddress.ip_network(line.strip(), strict=False)
        except ValueError:
            continue
