"""Who is responsible for a URL on a given day: the platform that serves it (by its domains in the registry as
it was that day), or else the ISP whose networks hold the addresses of the hosting trace."""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.utils import timezone

from copvn.orgs.models import Organisation

from .models import ProviderContact


def provider_for(host: str, addresses: list[str], day: dt.date | None = None) -> Organisation | None:
    day = day or timezone.localdate()
    return platform_for(host, day) or isp_for(addresses, day)


def platform_for(host: str, day: dt.date) -> Organisation | None:
    labels = host.lower().strip(".").split(".")
    suffixes = {".".join(labels[i:]) for i in range(len(labels))}
    for org in Organisation.objects.as_of(day).exclude(domains=""):
        if suffixes & {d.strip().lower() for d in org.domains.split(",") if d.strip()}:
            return org
    return None


def isp_for(addresses: list[str], day: dt.date) -> Organisation | None:
    parsed = []
    for raw in addresses:
        try:
            parsed.append(ipaddress.ip_address(raw.split("%")[0]))
        except ValueError:
            continue
    if not parsed:
        return None
    for contact in ProviderContact.objects.exclude(networks="").select_related("organisation"):
        if not contact.organisation.is_valid_on(day):
            continue
        for line in contact.networks.split():
            try:
                network = ipaddress.ip_network(line.strip(), strict=False)
            except ValueError:
                continue
            if any(address in network for address in parsed if address.version == network.version):
                return contact.organisation
    return None
