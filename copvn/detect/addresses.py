"""Which IP addresses count as public: the one rule of the fetcher and of intake.

An IPv6 address can carry an IPv4 address inside it — IPv4-mapped (`::ffff:10.0.0.1`), IPv4-compatible
(`::10.0.0.1`), translated (`::ffff:0:10.0.0.1`), NAT64 (`64:ff9b::10.0.0.1`, `64:ff9b:1::/48`) and 6to4
(`2002:0a00:0001::`). On a network with such a gateway they reach the embedded IPv4 host, so the embedded
address is judged by the same rule.
"""

from __future__ import annotations

import ipaddress

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
COMPATIBLE = ipaddress.ip_network("::/96")
TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, for the forms that reach it; None if there is none."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    value = int(address)
    if any(address in net for net in NAT64) or address in TRANSLATED or (address in COMPATIBLE and value > 0xFFFF):
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    return None


def is_public(address: Address) -> bool:
    """Globally routable unicast, and so is any IPv4 address it embeds."""
    inner = embedded_ipv4(address)
    if inner is not None:
        return is_public(inner)
    return address.is_global and not address.is_multicast
